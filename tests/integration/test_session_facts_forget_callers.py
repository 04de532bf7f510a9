"""A session that is over keeps no caller details in its facts (the FORGET_CALLERS step of
the queue's write), a late or repeated event of it is stripped again, and the stripped facts
still fold to the same tasks. A live session keeps them: its tasks need the caller."""

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from contracts import CallerView
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters import keys
from queue_service.adapters.store import SessionKey, TaskStore
from queue_service.domain import (
    CALLER_FACT_FIELDS,
    Fact,
    FactKind,
    HistoryPolicy,
    fact_from_dict,
    fold,
    without_caller,
)
from queue_service.step import QueueStep
from queue_service.view import ServiceOfSession, agent_view

pytestmark = pytest.mark.integration

TENANT, SESSION, AGENT = "tenant-p", "s-private", "agent-p"
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
NAME, NUMBER, MAIL, SUBJECT = "Zelda Quimby", "+15557773141", "zq@example.org", "Refund Zq-8837"
KEY = SessionKey(TENANT, SESSION)


def fact(n: int, kind: FactKind, seconds: float, **fields: object) -> Fact:
    return Fact(
        event_id=f"{SESSION}-{n}",
        kind=kind,
        at=T0 + timedelta(seconds=seconds),
        tenant_id=TENANT,
        session_id=SESSION,
        **fields,  # type: ignore[arg-type]
    )


TASK = {"service_session_id": "ss-1", "user_session_id": "us-1", "user_id": AGENT}
STARTED = fact(
    0,
    FactKind.SESSION_STARTED,
    0,
    direction="inbound",
    modality="email",
    service_id="support",
    party_address=NUMBER,
    party_kind="pstn",
    party_display_name=NAME,
)
LIVE = [
    STARTED,
    fact(1, FactKind.SESSION_QUEUED, 0, service_session_id="ss-1", service_id="support"),
    fact(2, FactKind.EMAIL_RECEIVED, 1, party_address=MAIL, party_kind="email", subject=SUBJECT),
    fact(3, FactKind.TASK_OFFERED, 5, service_id="support", **TASK),
    fact(4, FactKind.TASK_ACCEPTED, 9, **TASK),
]
ENDED = fact(5, FactKind.SESSION_ENDED, 60, ended_by="caller", reason="normal")
SECRETS = (NAME, NUMBER, MAIL, SUBJECT)


async def stored_facts(redis_keys: RedisKeys) -> dict[str, str]:
    key = keys.session_facts(redis_keys.prefix, TENANT, SESSION)
    raw: dict[bytes, bytes] = await redis_keys.client.hgetall(key)  # type: ignore[assignment]
    return {k.decode(): v.decode() for k, v in raw.items()}


def step_of(redis_keys: RedisKeys) -> tuple[QueueStep, TaskStore]:
    """The step and its store, which the test also reads (the step knows only its port)."""
    store = TaskStore(redis_keys.client, redis_keys.prefix, HistoryPolicy(), timedelta(days=7))
    return QueueStep(store), store


async def test_facts_lose_the_caller_when_the_session_is_over(redis_keys: RedisKeys) -> None:
    step, store = step_of(redis_keys)
    await step.apply({KEY: LIVE})
    live = await stored_facts(redis_keys)
    assert all(any(s in raw for raw in live.values()) for s in SECRETS), "live: all kept"
    [task] = await store.read_agent(TENANT, AGENT, 10)
    assert (task.caller_display_name, task.subject) == (NAME, SUBJECT)

    await step.apply({KEY: [ENDED]})
    stripped = await stored_facts(redis_keys)
    assert len(stripped) == len(LIVE) + 1
    assert not any(s in raw for raw in stripped.values() for s in SECRETS)
    # The script strips exactly the fields the domain's rule names, nothing else.
    facts = [fact_from_dict(json.loads(raw)) for raw in stripped.values()]
    assert sorted(facts, key=lambda f: f.event_id) == [without_caller(f) for f in [*LIVE, ENDED]]
    assert fold(facts) == fold([*LIVE, ENDED]), "a later fold gives the same tasks"
    ttl = await redis_keys.client.pttl(keys.session_facts(redis_keys.prefix, TENANT, SESSION))
    assert ttl > 0, "the facts keep their expiry"

    # A redelivered old event (HSETNX keeps the stripped copy) and a late new one.
    late_mail = fact(6, FactKind.EMAIL_RECEIVED, 61, party_address=MAIL, subject=SUBJECT)
    await step.apply({KEY: [STARTED, late_mail]})
    again = await stored_facts(redis_keys)
    assert len(again) == len(LIVE) + 2
    assert not any(s in raw for raw in again.values() for s in SECRETS)
    [task] = await store.read_agent(TENANT, AGENT, 10)
    assert task.state == "ended"
    assert (task.caller_display_name, task.caller_address, task.subject) == (None, None, None)
    assert all(name not in raw for raw in again.values() for name in CALLER_FACT_FIELDS)


async def test_an_expired_session_loses_the_caller_too(redis_keys: RedisKeys) -> None:
    step, _ = step_of(redis_keys)
    expired = fact(9, FactKind.SESSION_EXPIRED, 3600, idle_since=T0 + timedelta(seconds=9))
    await step.apply({KEY: [*LIVE, expired]})
    stored = await stored_facts(redis_keys)
    assert not any(s in raw for raw in stored.values() for s in SECRETS)


async def test_a_session_still_queued_keeps_its_caller(redis_keys: RedisKeys) -> None:
    step, store = step_of(redis_keys)
    first = {**TASK, "user_session_id": "us-0"}
    offered = fact(5, FactKind.TASK_OFFERED, 4, service_id="support", **first)
    rona = fact(6, FactKind.TASK_RONA, 20, **first)
    await step.apply({KEY: [*LIVE[:3], offered, rona]})  # its only task ended; still queued
    [task] = await store.read_agent(TENANT, AGENT, 10)
    assert task.state == "ended"
    stored = await stored_facts(redis_keys)
    assert any(NAME in raw for raw in stored.values()), "the next agent's offer needs it"


class OneStoredRecord:
    """A stand-in for the context service's stored records (a service that opted in)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, list[tuple[str, str | None]]]] = []

    async def stored_callers(
        self,
        tenant_id: str,
        sessions: Sequence[ServiceOfSession],
        directory_upns: Mapping[ServiceOfSession, str] | None = None,
    ) -> Mapping[ServiceOfSession, CallerView]:
        self.asked.append((tenant_id, list(sessions)))
        return {(SESSION, "support"): CallerView(display_name="Zelda Q. (stored)", address=NUMBER)}


async def test_history_shows_a_stored_record_where_one_exists(redis_keys: RedisKeys) -> None:
    step, store = step_of(redis_keys)
    await step.apply({KEY: [*LIVE, ENDED]})
    [plain] = await agent_view(store, TENANT, AGENT, datetime.now(UTC))
    assert plain["caller"] == {"display_name": "Not Available", "address": None}
    records = OneStoredRecord()
    [composed] = await agent_view(store, TENANT, AGENT, datetime.now(UTC), history_callers=records)
    assert composed["caller"] == {"display_name": "Zelda Q. (stored)", "address": NUMBER}
    assert records.asked == [(TENANT, [(SESSION, "support")])], "ended tasks only, one call"
