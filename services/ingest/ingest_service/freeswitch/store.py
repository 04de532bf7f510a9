"""Each followed call's state in Redis, one JSON value per call, expiring on its own.

Key: ``<prefix>:ingest:freeswitch:{<tenant>}:<call uuid>``. The TTL bounds what a lost
hang-up leaves behind (the queue's watchdog closes such a call's tasks); every write renews
it, so a call lasting longer than the TTL keeps its state while it has events.
"""

from mysessions_platform.key_parts import check_prefix, encode_part, hash_tag
from redis.asyncio import Redis

from ingest_service.freeswitch.state import CallState

DEFAULT_TTL_S = 24 * 3600


def call_key(prefix: str, tenant_id: str, session_id: str) -> str:
    return (
        f"{check_prefix(prefix)}:ingest:freeswitch:{hash_tag(tenant_id)}:{encode_part(session_id)}"
    )


class CallStore:
    def __init__(
        self, redis: Redis, prefix: str, tenant_id: str, ttl_s: int = DEFAULT_TTL_S
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._tenant = tenant_id
        self._ttl_s = ttl_s

    async def load(self, session_id: str) -> CallState | None:
        raw = await self._redis.get(call_key(self._prefix, self._tenant, session_id))
        return None if raw is None else CallState.model_validate_json(raw)

    async def save(self, state: CallState) -> None:
        await self._redis.set(
            call_key(self._prefix, self._tenant, state.session_id),
            state.model_dump_json(),
            ex=self._ttl_s,
        )
