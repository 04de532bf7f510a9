"""The agent's live-stream position: what ``GET /api/v1/tasks`` reads before the list and
hands the page as ``last_event_id``, so ``GET /api/v1/live`` resumes right after the list."""

from queue_service.adapters import keys
from redis.asyncio import Redis

__all__ = ["NO_POSITION", "live_position"]

NO_POSITION = "0-0"
"""The position of an agent whose stream holds nothing (no change for a day, or never)."""


async def live_position(redis: Redis, prefix: str, tenant_id: str, user_id: str) -> str:
    """The id of the newest entry of the agent's events stream, ``"0-0"`` when none."""
    newest = await redis.xrevrange(keys.agent_events(prefix, tenant_id, user_id), count=1)
    if not newest:
        return NO_POSITION
    entry_id = newest[0][0]
    return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
