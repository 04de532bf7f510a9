"""Reads one agent's task from the queue's Redis state, as the contract ``QueueTask``.

Services do not import each other, so this reader repeats the one key the queue's adapters
(``queue_service.adapters.keys.agent_tasks``) name, built from the same collision-free
parts (``mysessions_platform.key_parts``); a test holds the two equal. The stored value is a
task's fields exactly as the changelog contract ``QueueTask`` carries them, so it is
validated by that contract, not by a copy of the queue's domain. Redis rather than the
changelog topic: Redis answers for one key at once and is what the agent sees; the
compacted changelog would have to be read from the start to find one task.

Every read is scoped to tenant and user: the key holds both, so a user reads only their own
tasks.
"""

from typing import Final

from contracts import QueueTask
from mysessions_platform.key_parts import check_prefix, hash_tag
from pydantic import ValidationError
from redis.asyncio import Redis

__all__ = ["MAX_TASKS_SCANNED", "QueueTaskReader", "agent_tasks_key"]

MAX_TASKS_SCANNED: Final = 5000
"""A session's tasks of one user are found in the agent's hash (history is at most 1000)."""


def agent_tasks_key(prefix: str, tenant_id: str, user_id: str) -> str:
    """Hash: user_session_id → the task as JSON (the queue's key, see the module docstring)."""
    return f"{check_prefix(prefix)}:agent:{hash_tag(tenant_id, user_id)}:tasks"


class QueueTaskReader:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    async def task(self, tenant_id: str, user_id: str, user_session_id: str) -> QueueTask | None:
        raw = await self._redis.hget(
            agent_tasks_key(self._prefix, tenant_id, user_id), user_session_id
        )
        return _decode(raw) if raw is not None else None

    async def tasks_of_session(
        self, tenant_id: str, user_id: str, session_id: str
    ) -> list[QueueTask]:
        """The user's tasks of one session (an agent may have several: a transfer back)."""
        key = agent_tasks_key(self._prefix, tenant_id, user_id)
        found: list[QueueTask] = []
        async for _, raw in self._redis.hscan_iter(key, count=500):
            task = _decode(raw)
            if task.session_id == session_id:
                found.append(task)
        return sorted(found, key=lambda task: task.started_at)


def _decode(raw: bytes | str) -> QueueTask:
    try:
        return QueueTask.model_validate_json(raw)
    except ValidationError as error:
        raise ValueError("a stored task does not match the QueueTask contract") from error
