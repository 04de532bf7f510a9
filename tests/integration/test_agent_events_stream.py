"""UPSERT_TASK appends each change to the agent's events stream (what the gateway's live
updates replay): one entry per change, trimmed exactly with bounds that name what was
cut, live views (caller details) deleted once the task ends, everything with a TTL."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters import keys
from queue_service.adapters.live_events import LiveEventsPolicy
from queue_service.adapters.store import SessionKey, SessionTasks, TaskStore
from queue_service.domain import Fact, FactKind, HistoryPolicy, fold

pytestmark = pytest.mark.integration

TENANT, AGENT = "tenant-e", "agent-e"
NOW = datetime.now(UTC).replace(microsecond=0)
CALLER = "+15550001111"


def facts(session_id: str, steps: int) -> list[Fact]:
    """The first ``steps`` of an inbound call from CALLER: started, offered, accepted, ended."""
    task: dict[str, object] = {
        "service_session_id": f"{session_id}:1",
        "user_session_id": f"{session_id}:1:{AGENT}",
        "user_id": AGENT,
    }
    plan: list[tuple[FactKind, dict[str, object]]] = [
        (
            FactKind.SESSION_STARTED,
            {"direction": "inbound", "modality": "voice", "party_address": CALLER},
        ),
        (FactKind.TASK_OFFERED, {**task, "service_id": "support"}),
        (FactKind.TASK_ACCEPTED, task),
        (FactKind.SESSION_ENDED, {"ended_by": "caller"}),
    ]
    return [
        Fact(
            event_id=f"{session_id}-{n}",
            kind=kind,
            at=NOW - timedelta(minutes=5) + timedelta(seconds=10 * n),
            tenant_id=TENANT,
            session_id=session_id,
            **fields,  # type: ignore[arg-type]
        )
        for n, (kind, fields) in enumerate(plan[:steps])
    ]


def session(session_id: str, steps: int) -> SessionTasks:
    found = facts(session_id, steps)
    return SessionTasks(SessionKey(TENANT, session_id), fold(found), max(f.at for f in found))


def order(entry_id: str) -> tuple[int, ...]:
    return tuple(map(int, entry_id.split("-")))


def store_of(redis_keys: RedisKeys, max_entries: int = 1000) -> TaskStore:
    return TaskStore(
        redis_keys.client,
        redis_keys.prefix,
        HistoryPolicy(),
        timedelta(days=7),
        LiveEventsPolicy(max_entries=max_entries, ttl=timedelta(hours=2)),
    )


async def entries(redis_keys: RedisKeys) -> list[tuple[str, dict[str, object]]]:
    raw = await redis_keys.client.xrange(keys.agent_events(redis_keys.prefix, TENANT, AGENT))
    return [(i.decode(), json.loads(fields[b"view"])) for i, fields in raw]


async def test_each_change_is_one_entry_and_an_ended_task_leaves_no_live_view(
    redis_keys: RedisKeys,
) -> None:
    store = store_of(redis_keys)
    for steps in (2, 3, 3, 4):  # offered, accepted, the same again (no change), ended
        await store.write([session("s-1", steps)], NOW)
    live = await entries(redis_keys)
    assert [view["state"] for _, view in live] == ["ended"]  # the live views went with it
    assert CALLER not in json.dumps(live)

    await store.write([session("s-2", 2), session("s-3", 3)], NOW)
    views = await entries(redis_keys)
    assert [(v["user_session_id"], v["state"]) for _, v in views] == [
        (f"s-1:1:{AGENT}", "ended"),
        (f"s-2:1:{AGENT}", "incoming"),
        (f"s-3:1:{AGENT}", "connected"),
    ]
    assert views[1][1]["caller"] == {"display_name": "Anonymous", "address": CALLER}
    ids = [entry_id for entry_id, _ in views]
    assert ids == sorted(ids, key=order)
    client, prefix = redis_keys.client, redis_keys.prefix
    for key in (
        keys.agent_events(prefix, TENANT, AGENT),
        keys.agent_events_live(prefix, TENANT, AGENT),
        keys.agent_events_bounds(prefix, TENANT, AGENT),
    ):
        assert 0 < await client.pttl(key) <= 2 * 3600 * 1000
    bounds = await client.hgetall(keys.agent_events_bounds(prefix, TENANT, AGENT))
    # The first entry (s-1 offered) was deleted with the other live views; it stays first.
    assert order(bounds[b"first"].decode()) < order(ids[0])
    assert bounds[b"last"].decode() == ids[-1]
    assert b"cut" not in bounds


async def test_the_stream_is_trimmed_exactly_and_the_bounds_name_the_newest_cut(
    redis_keys: RedisKeys,
) -> None:
    store = store_of(redis_keys, max_entries=3)
    written = []
    for n in range(5):
        await store.write([session(f"s-{n}", 2)], NOW)
        written.append((await entries(redis_keys))[-1][0])
    kept = [entry_id for entry_id, _ in await entries(redis_keys)]
    assert kept == written[2:]
    bounds = await redis_keys.client.hgetall(
        keys.agent_events_bounds(redis_keys.prefix, TENANT, AGENT)
    )
    assert {k.decode(): v.decode() for k, v in bounds.items()} == {
        "first": written[0],
        "last": written[4],
        "cut": written[1],
    }
