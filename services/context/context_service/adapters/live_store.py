"""Live context in Redis: one JSON value per session, removed when the session ends.

Keys (one hash slot per session): ``<prefix>:ctx:{<tenant>:<session>}:live`` holds the
context while the session lives; ``<prefix>:ctx:{<tenant>:<session>}:mail`` the mail of an
e-mail session (``adapters.live_mail``: same lifetime, removed with the live context);
``<prefix>:ctx:{<tenant>:<session>}:ended`` is a marker
(only the ids of the services visited, no caller data) left for ``ended_ttl`` when the
session ends, so that a redelivered or late event of an ended session does not bring its
context back. Every write renews the live key's TTL (``live_ttl``), so a session whose end
never comes is forgotten anyway. One writer per session: the topic is keyed by session, so
one consumer owns it.
"""

import json
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

import contracts as c
from mysessions_platform.key_parts import check_prefix, glob_escape, hash_tag, split_tag
from redis.asyncio import Redis

from context_service.adapters.context_codec import live_document, live_from
from context_service.adapters.live_mail import session_key
from context_service.domain import LiveContext

__all__ = ["LiveContextStore", "LiveContexts", "context_channel"]


def context_channel(prefix: str, tenant_id: str, session_id: str) -> str:
    """``<prefix>:ctx:{<tenant>:<session>}:changed``: a channel, no key. A message says the
    live context of the session changed in what a page shows (parameters, the caller)."""
    return session_key(prefix, tenant_id, session_id, "changed")


class LiveContexts:
    """The live keyspace without the writer's TTLs: reads (the panels, through
    ``context_service.read``) and erasure (``context_service.unprovision``), which need
    none, so nobody builds the writer with made-up lifetimes to read or erase."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = check_prefix(prefix)

    def _key(self, tenant_id: str, session_id: str, suffix: str) -> str:
        return session_key(self._prefix, tenant_id, session_id, suffix)

    async def load(self, tenant_id: str, session_id: str) -> tuple[LiveContext | None, bool]:
        """The live context (None if none yet) and whether the session has ended."""
        return (await self.load_many([(tenant_id, session_id)]))[0]

    async def load_many(
        self, sessions: Sequence[tuple[str, str]]
    ) -> list[tuple[LiveContext | None, bool]]:
        """``load`` for many sessions in one round trip."""
        if not sessions:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for tenant_id, session_id in sessions:
                pipe.get(self._key(tenant_id, session_id, "live"))
                pipe.exists(self._key(tenant_id, session_id, "ended"))
            replies = await pipe.execute()
        return [
            (live_from(json.loads(raw)) if raw is not None else None, bool(ended))
            for raw, ended in zip(replies[0::2], replies[1::2], strict=True)
        ]

    async def ended_services(self, tenant_id: str, session_id: str) -> list[str] | None:
        """The services an ended session visited (from its marker); None if not ended."""
        raw = await self._redis.get(self._key(tenant_id, session_id, "ended"))
        return None if raw is None else list(json.loads(raw))

    async def _tenant_keys(self, tenant_id: str) -> AsyncIterator[str]:
        pattern = f"{glob_escape(self._prefix)}:ctx:{hash_tag(tenant_id)[:-1]}:*"
        async for key in self._redis.scan_iter(match=pattern, count=500):
            text = key.decode() if isinstance(key, bytes) else key
            if split_tag(text)[0] == tenant_id:
                yield text

    async def _services_of(self, key: str) -> set[str]:
        if key.endswith(":mail"):  # the mail's session: the services of its live context
            key = key.removesuffix(":mail") + ":live"
        raw = await self._redis.get(key)
        if raw is None:
            return set()
        if key.endswith(":ended"):
            return set(json.loads(raw))
        context = live_from(json.loads(raw))
        first = {context.first_service[0]} if context.first_service else set()
        return {stay.service_id for stay in context.stays} | first

    async def erase(
        self, tenant_id: str, service_id: str | None = None, *, dry_run: bool = False
    ) -> int:
        """Deletes the tenant's live contexts (only those that visited ``service_id``, when
        given) and their markers; returns how many keys were (or would be) deleted."""
        doomed: list[str] = []
        async for key in self._tenant_keys(tenant_id):
            if service_id is None or service_id in await self._services_of(key):
                doomed.append(key)
        if doomed and not dry_run:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in doomed:  # one key per command: keys of many slots
                    pipe.delete(key)
                await pipe.execute()
        return len(doomed)


class LiveContextStore(LiveContexts):
    """The context worker's writer: every write renews the live key's TTL (``live_ttl``);
    a session's end leaves its marker for ``ended_ttl``."""

    def __init__(
        self, redis: Redis, prefix: str, live_ttl: timedelta, ended_ttl: timedelta
    ) -> None:
        super().__init__(redis, prefix)
        self._live_ttl = live_ttl
        self._ended_ttl = ended_ttl

    async def save(self, context: LiveContext) -> None:
        await self.write_many([context], [])

    async def end(self, context: LiveContext) -> None:
        await self.write_many([], [context])

    async def write_many(
        self,
        live: Sequence[LiveContext],
        ended: Sequence[LiveContext],
        mails: Sequence[c.EmailReceived] = (),
        shown: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Saves the ``live`` contexts (renewing their mail's TTL with theirs) and the
        ``mails`` of live sessions; removes the ``ended`` ones and their mail, leaving their
        marker (only the ids of the services the session visited, for unprovisioning). One
        round trip. The removals come before the marker: a failure between them leaves no
        marker, and the replayed end removes again; never a marker over data left behind.

        Last, a message (no data: ``1``) on the ``changed`` channel of each ``shown``
        session, after its write, so a page that rereads on it reads the new context."""
        if not live and not ended and not mails:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for mail in mails:
                key = self._key(mail.tenant_id, mail.session_id, "mail")
                pipe.set(key, c.encode(mail), ex=self._live_ttl)
            for context in live:
                tenant_id, session_id = context.tenant_id, context.session_id
                pipe.set(
                    self._key(tenant_id, session_id, "live"),
                    json.dumps(live_document(context)),
                    ex=self._live_ttl,
                )
                pipe.expire(self._key(tenant_id, session_id, "mail"), self._live_ttl)
            for context in ended:
                services = sorted({stay.service_id for stay in context.stays})
                tenant_id, session_id = context.tenant_id, context.session_id
                pipe.delete(self._key(tenant_id, session_id, "mail"))
                pipe.delete(self._key(tenant_id, session_id, "live"))
                pipe.set(
                    self._key(tenant_id, session_id, "ended"),
                    json.dumps(services),
                    ex=self._ended_ttl,
                )
            for tenant_id, session_id in shown:
                pipe.publish(context_channel(self._prefix, tenant_id, session_id), "1")
            await pipe.execute()
