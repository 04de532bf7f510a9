"""What every worker's settings have: its servers, its group, and what the shell needs."""

from typing import ClassVar

from contracts import topics
from pydantic import Field

from mysessions_platform.settings import ServerSettings

__all__ = ["WorkerSettings"]


class WorkerSettings(ServerSettings):
    """Subclassed per worker with its ``env_prefix`` (``QUEUE_``…): the prefixed fields are
    ``<PREFIX>HEALTH_PORT``, ``<PREFIX>STOP_GRACE_S``…; the unprefixed ones are shared."""

    DEFAULT_HEALTH_PORT: ClassVar[int] = 0
    """Each worker has its own, so the four run side by side on one host."""

    group_id: str
    dead_letter_topic: str = topics.DEAD_LETTERS
    max_batch: int = 500
    partitions: int = 3
    health_port: int | None = Field(default=None, ge=0, le=65535)
    """``/healthz``, ``/readyz`` and ``/metrics``; 0: any free port (logged at start)."""
    shared_health_port: int | None = Field(
        default=None, ge=0, le=65535, validation_alias="HEALTH_PORT"
    )
    """One port for every worker (a container each), used where ``health_port`` is unset."""
    health_host: str = Field(default="127.0.0.1", validation_alias="HEALTH_HOST")
    stop_grace_s: float = Field(default=20.0, gt=0, le=3600)
    """On SIGTERM: how long the batches under way and the loops' rounds may take to finish
    (and commit) before they are cut short; set the orchestrator's own grace above it."""

    @property
    def listen_port(self) -> int:
        if self.health_port is not None:
            return self.health_port
        if self.shared_health_port is not None:
            return self.shared_health_port
        return self.DEFAULT_HEALTH_PORT
