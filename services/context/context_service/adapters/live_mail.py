"""The mail behind an e-mail session, kept while the session lives, dropped at its end.

Key ``<prefix>:ctx:{<tenant>:<session>}:mail``, beside the live context (same hash slot)
and under the same lifetime rules: written by the context worker when ``email.received``
arrives for a session that has not ended, its TTL renewed with every write of the live
context, deleted in the same round trip that removes the live context at the session's
end (``LiveContextStore.write_many``), and erased with it when the service or tenant is
unprovisioned. It is never stored beyond the session, not even for services that store
context: the stored context is parameters and the caller, not message bodies.

The value is the ``email.received`` event exactly as on the topic (``contracts``), so the
reader (the gateway's e-mail widget) validates it with the contract, not with a copy.
"""

from contracts import EmailReceived
from mysessions_platform.key_parts import check_prefix, hash_tag
from pydantic import ValidationError
from redis.asyncio import Redis

__all__ = ["LiveMail", "session_key"]


def session_key(prefix: str, tenant_id: str, session_id: str, suffix: str) -> str:
    """``<prefix>:ctx:{<tenant>:<session>}:<suffix>``: the session's live keys (``live``,
    ``ended``, ``mail``), all in one hash slot."""
    return f"{check_prefix(prefix)}:ctx:{hash_tag(tenant_id, session_id)}:{suffix}"


class LiveMail:
    """Reads the mail of a live session (None once the session ended, or before any)."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = check_prefix(prefix)

    async def get(self, tenant_id: str, session_id: str) -> EmailReceived | None:
        raw = await self._redis.get(session_key(self._prefix, tenant_id, session_id, "mail"))
        if raw is None:
            return None
        try:
            return EmailReceived.model_validate_json(raw)
        except ValidationError as error:
            raise ValueError("a stored mail does not match the EmailReceived contract") from error
