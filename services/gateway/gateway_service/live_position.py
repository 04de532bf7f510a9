"""Where an agent's live stream stands: the id of its newest entry.

The list endpoint reads it BEFORE it reads the tasks and hands it to the client, which
passes it to ``/api/v1/live`` as ``Last-Event-ID``: every change after the list was read is
then replayed, and one that raced the read arrives twice (harmless: a newer view of the
same task), never not at all. The stream is the queue's, read through its read API.
"""

from queue_service.read import START, QueueReader
from redis.asyncio import Redis

__all__ = ["START", "live_position"]


async def live_position(redis: Redis, prefix: str, tenant_id: str, user_id: str) -> str:
    """The newest entry id of the agent's stream, or ``0-0`` (``START``) when it is empty."""
    return await QueueReader(redis, prefix).live_position(tenant_id, user_id)
