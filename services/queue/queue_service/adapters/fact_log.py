"""Every session's facts (``keys.session_facts``): appended by the queue's step, read
whole for a fold, stripped of the caller's details once the session is over."""

import json
from collections.abc import Mapping, Sequence
from datetime import timedelta

from mysessions_platform.lua import run_pipeline
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from queue_service.adapters import keys
from queue_service.adapters.scripts import APPEND_FACTS, FORGET_CALLERS
from queue_service.adapters.store_types import SessionKey
from queue_service.domain import CALLER_FACT_FIELDS, Fact, fact_from_dict, fact_to_dict

__all__ = ["FactLog"]


PARSED_FACTS_KEPT = 20_000
"""Stored forms whose parse is kept (a few MB): a session's facts are read whole on each of
its batches, so a session of 16 events was parsed ~8 times over; a fact is immutable and
its stored form exact, so a kept parse is the parse. Oldest first out."""


class FactLog:
    def __init__(self, redis: Redis, prefix: str, session_facts_ttl: timedelta) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl_ms = int(session_facts_ttl.total_seconds() * 1000)
        self._parsed: dict[bytes | str, Fact] = {}

    def _fact(self, stored: bytes | str) -> Fact:
        """The fact a stored form holds, parsed once while it is among the recent ones."""
        fact = self._parsed.get(stored)
        if fact is None:
            fact = fact_from_dict(json.loads(stored))
            if len(self._parsed) >= PARSED_FACTS_KEPT:
                del self._parsed[next(iter(self._parsed))]
            self._parsed[stored] = fact
        return fact

    async def append(
        self, new_facts: Mapping[SessionKey, Sequence[Fact]]
    ) -> dict[SessionKey, list[Fact]]:
        """Stores the new facts; returns every fact of each session. One round trip."""
        sessions = list(new_facts)

        def append(pipe: Pipeline) -> None:
            for session in sessions:
                pairs: list[str | int] = [self._ttl_ms]
                for fact in new_facts[session]:
                    pairs += [fact.event_id, json.dumps(fact_to_dict(fact), sort_keys=True)]
                APPEND_FACTS.queue(pipe, [self._key(session)], pairs)

        stored = await run_pipeline(self._redis, (APPEND_FACTS,), append)
        return {
            session: [self._fact(raw) for raw in facts]
            for session, facts in zip(sessions, stored, strict=True)
        }

    def queue_forget_callers(self, pipe: Pipeline, session: SessionKey) -> None:
        """Queues the Lua step that strips the caller's details from the session's facts
        (run it with ``FORGET_CALLERS`` among the pipeline's scripts)."""
        FORGET_CALLERS.queue(pipe, [self._key(session)], CALLER_FACT_FIELDS)

    async def facts_of(self, sessions: Sequence[SessionKey]) -> dict[SessionKey, list[Fact]]:
        """Every fact of each session, in one round trip."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for session in sessions:
                pipe.hvals(self._key(session))
            stored = await pipe.execute() if sessions else []
        return {
            session: [self._fact(item) for item in facts]
            for session, facts in zip(sessions, stored, strict=True)
        }

    def _key(self, session: SessionKey) -> str:
        return keys.session_facts(self._prefix, session.tenant_id, session.session_id)
