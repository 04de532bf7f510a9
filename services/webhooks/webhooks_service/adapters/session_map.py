"""Which service a session is in, for the events that do not say it.

``task.accepted``, ``session.ended`` and ``session.transferred`` name a session, an offer or
a service session, not the service; the events before them on the same partition
(``session.started``, ``session.queued``, ``task.offered``) do. The worker notes those here
(one hash per session, expiring) and reads them back for the later ones.
"""

from datetime import timedelta

from mysessions_platform.key_parts import encode_part, glob_escape
from mysessions_platform.redis_client import RedisClient

from webhooks_service.adapters.keys import session_map_key

__all__ = ["SessionMap"]

CURRENT = "current"


class SessionMap:
    def __init__(self, redis: RedisClient, prefix: str, ttl: timedelta) -> None:
        self.redis = redis
        self.prefix = prefix
        self.ttl = ttl

    async def note(self, tenant_id: str, session_id: str, service_id: str, *ids: str) -> None:
        """The session is now in ``service_id``; so are the offers or service sessions
        ``ids`` (``us:<user session>``, ``ss:<service session>``)."""
        key = session_map_key(self.prefix, tenant_id, session_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            for part in (CURRENT, *ids):
                pipe.hset(key, part, service_id)
            pipe.expire(key, self.ttl)
            await pipe.execute()

    async def service_of(self, tenant_id: str, session_id: str, part: str | None) -> str | None:
        """The service of ``part`` if noted, else the session's current one."""
        key = session_map_key(self.prefix, tenant_id, session_id)
        names = [part, CURRENT] if part else [CURRENT]
        found = await self.redis.hmget(key, names)
        for value in found:
            if value is not None:
                return value.decode() if isinstance(value, bytes) else str(value)
        return None

    async def erase(self, tenant_id: str, *, dry_run: bool = False) -> int:
        """The tenant's session hashes. A service's unprovisioning leaves them: they hold
        ids only, no caller detail, and expire by themselves."""
        pattern = glob_escape(f"{self.prefix}:wh:session:") + "{" + encode_part(tenant_id) + ":*}"
        doomed = [key async for key in self.redis.scan_iter(match=pattern, count=1000)]
        if not dry_run:
            for key in doomed:
                await self.redis.delete(key)
        return len(doomed)
