"""Where an agent's live stream stands: the id of its newest entry.

The list endpoint reads it BEFORE it reads the tasks and hands it to the client, which
passes it to ``/api/v1/live`` as ``Last-Event-ID``: every change after the list was read is
then replayed, and one that raced the read arrives twice (harmless: a newer view of the
same task), never not at all.
"""

from queue_service.adapters.keys import agent_events
from redis.asyncio import Redis

__all__ = ["START", "live_position"]

START = "0-0"
"""The position of an empty (or never written) stream: replay from its beginning."""


async def live_position(redis: Redis, prefix: str, tenant_id: str, user_id: str) -> str:
    """The newest entry id of the agent's stream (``XREVRANGE … COUNT 1``), or ``0-0``."""
    newest = await redis.xrevrange(agent_events(prefix, tenant_id, user_id), count=1)
    if not newest:
        return START
    entry_id = newest[0][0]
    return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
