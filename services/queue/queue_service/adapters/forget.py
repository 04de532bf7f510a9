"""Taking single tasks out of an agent's keys: what unprovisioning a service does, and what
a rebuild does for a task the changelog tombstoned."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from queue_service.adapters import keys

__all__ = ["ErasedTask", "forget_tasks"]


@dataclass(frozen=True, slots=True)
class ErasedTask:
    tenant_id: str
    user_id: str
    user_session_id: str


async def forget_tasks(redis: Redis, prefix: str, tasks: Sequence[ErasedTask]) -> None:
    """Removes the tasks from their agents' tasks, revisions, lists and live-entry index."""
    client: Any = redis
    async with client.pipeline(transaction=False) as pipe:
        for task in tasks:
            ids = (task.tenant_id, task.user_id)
            usid = task.user_session_id
            pipe.hdel(keys.agent_tasks(prefix, *ids), usid)
            pipe.hdel(keys.agent_revisions(prefix, *ids), usid)
            pipe.zrem(keys.agent_live(prefix, *ids), usid)
            pipe.zrem(keys.agent_history(prefix, *ids), usid)
            pipe.hdel(keys.agent_events_live(prefix, *ids), usid)
        await pipe.execute()
