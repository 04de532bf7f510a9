"""An outage a fake can be told to have: every call raises until it is mended."""

from dataclasses import dataclass

import redis.exceptions

__all__ = ["Outage"]


@dataclass
class Outage:
    """``error`` is raised by every call of the fake that holds it while ``down``. The
    default is what an unreachable Redis raises, which ``failures.classify`` calls an
    outage (the batch is retried, never dead-lettered)."""

    down: bool = False
    error: Exception | None = None

    def begin(self, error: Exception | None = None) -> None:
        self.down, self.error = True, error

    def end(self) -> None:
        self.down, self.error = False, None

    def check(self) -> None:
        if self.down:
            raise self.error or redis.exceptions.ConnectionError("the server is away")
