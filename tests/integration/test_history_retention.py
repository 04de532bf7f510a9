"""The Lua retention in UPSERT_TASK keeps, in Redis, exactly the history that the pure
rule ``history_to_drop`` keeps: a time window, a cap on entries, live tasks always."""

import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters import keys
from queue_service.adapters.store import SessionKey, SessionTasks, TaskStore
from queue_service.domain import Fact, FactKind, HistoryPolicy, Task, fold, history_to_drop
from redis.asyncio import Redis

pytestmark = pytest.mark.integration

TENANT, AGENT, OTHER_AGENT = "tenant-r", "agent-r", "agent-other"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
WINDOW = timedelta(days=1)


def session_facts(session_id: str, user_id: str, at: datetime, end: bool) -> list[Fact]:
    """An inbound call queued at ``at``, offered to the agent and answered; ``end`` hangs
    it up a minute later, else it is still connected."""
    task: dict[str, object] = {
        "service_session_id": f"{session_id}:1",
        "user_session_id": f"{session_id}:1:{user_id}",
        "user_id": user_id,
    }
    steps: list[tuple[FactKind, timedelta, dict[str, object]]] = [
        (FactKind.SESSION_STARTED, timedelta(0), {"direction": "inbound", "modality": "voice"}),
        (FactKind.SESSION_QUEUED, timedelta(0), {"service_session_id": f"{session_id}:1"}),
        (FactKind.TASK_OFFERED, timedelta(seconds=5), {**task, "service_id": "support"}),
        (FactKind.TASK_ACCEPTED, timedelta(seconds=9), task),
    ]
    if end:
        steps.append((FactKind.SESSION_ENDED, timedelta(minutes=1), {"ended_by": "caller"}))
    return [
        Fact(
            event_id=f"{session_id}-{n}",
            kind=kind,
            at=at + offset,
            tenant_id=TENANT,
            session_id=session_id,
            **fields,  # type: ignore[arg-type]
        )
        for n, (kind, offset, fields) in enumerate(steps)
    ]


def folded(session_id: str, at: datetime, *, end: bool = True, user: str = AGENT) -> SessionTasks:
    facts = session_facts(session_id, user, at, end)
    return SessionTasks(SessionKey(TENANT, session_id), fold(facts), max(f.at for f in facts))


def ended_at(updated: datetime, session_id: str) -> SessionTasks:
    """An ended task whose last update (the hang-up) is exactly ``updated``."""
    session = folded(session_id, updated - timedelta(minutes=1))
    assert [task.updated_at for task in session.tasks] == [updated]
    assert [task.state for task in session.tasks] == ["ended"]
    return session


def an_agents_day() -> list[SessionTasks]:
    """Twelve calls ended inside the window (one of them exactly a window ago), three
    ended before it (one by a millisecond), and two still connected since long ago."""
    inside = [ended_at(NOW - timedelta(minutes=37 * n + 1), f"s-in-{n:02d}") for n in range(11)]
    edge = ended_at(NOW - WINDOW, "s-edge")
    before = [
        ended_at(NOW - WINDOW - timedelta(milliseconds=1), "s-old-0"),
        ended_at(NOW - WINDOW - timedelta(hours=3), "s-old-1"),
        ended_at(NOW - timedelta(days=40), "s-old-2"),
    ]
    live = [folded(f"s-live-{n}", NOW - timedelta(days=3 + n), end=False) for n in range(2)]
    return [*inside, edge, *before, *live]


def tasks_of(sessions: Iterable[SessionTasks]) -> list[Task]:
    return [task for session in sessions for task in session.tasks]


def _texts(members: Iterable[object]) -> set[str]:
    return {m.decode() if isinstance(m, bytes) else str(m) for m in members}


async def stored_ids(redis: Redis, prefix: str, user: str = AGENT) -> dict[str, set[str]]:
    """The agent's user session ids in each of the four structures the script keeps."""
    return {
        "tasks": _texts(await redis.hkeys(keys.agent_tasks(prefix, TENANT, user))),
        "revs": _texts(await redis.hkeys(keys.agent_revisions(prefix, TENANT, user))),
        "live": _texts(await redis.zrange(keys.agent_live(prefix, TENANT, user), 0, -1)),
        "history": _texts(await redis.zrange(keys.agent_history(prefix, TENANT, user), 0, -1)),
    }


def kept_by_the_domain(
    tasks: list[Task], now: datetime, policy: HistoryPolicy
) -> dict[str, set[str]]:
    dropped = set(history_to_drop(tasks, now, policy))
    kept = {t.user_session_id for t in tasks if t.user_session_id not in dropped}
    live = {t.user_session_id for t in tasks if t.state != "ended"}
    return {"tasks": kept, "revs": kept, "live": live, "history": kept - live}


async def write_in_batches(
    store: TaskStore, sessions: list[SessionTasks], now: datetime, rng: random.Random
) -> None:
    shuffled = rng.sample(sessions, k=len(sessions))
    while shuffled:
        batch, shuffled = shuffled[:4], shuffled[4:]
        await store.write(batch, now)


@pytest.mark.parametrize("max_entries", [5, 11, 1000, 0])
@pytest.mark.parametrize("seed", [1, 2])
async def test_redis_keeps_exactly_the_history_the_domain_rule_keeps(
    redis_keys: RedisKeys, max_entries: int, seed: int
) -> None:
    policy = HistoryPolicy(window=WINDOW, max_entries=max_entries)
    store = TaskStore(redis_keys.client, redis_keys.prefix, policy, timedelta(days=7))
    sessions = an_agents_day()
    rng = random.Random(seed)

    await write_in_batches(store, sessions, NOW, rng)

    expected = kept_by_the_domain(tasks_of(sessions), NOW, policy)
    assert await stored_ids(redis_keys.client, redis_keys.prefix) == expected
    read = await store.read_agent(TENANT, AGENT, history_limit=10_000)
    assert {task.user_session_id for task in read} == expected["tasks"]
    if max_entries == 1000:  # only the window applies: its edge is kept, a ms older is not
        assert "s-edge:1:agent-r" in expected["tasks"]
        assert "s-old-0:1:agent-r" not in expected["tasks"]
    if max_entries == 5:
        assert len(expected["history"]) == 5
    assert expected["live"] == {"s-live-0:1:agent-r", "s-live-1:1:agent-r"}

    # Hours later one more call ends: the write that stores it trims by the new window too.
    later = NOW + timedelta(hours=9)
    newest = ended_at(later - timedelta(minutes=2), "s-later")
    await store.write([newest], later)

    expected = kept_by_the_domain(tasks_of([*sessions, newest]), later, policy)
    assert await stored_ids(redis_keys.client, redis_keys.prefix) == expected


async def test_another_agents_history_is_left_alone(redis_keys: RedisKeys) -> None:
    policy = HistoryPolicy(window=WINDOW, max_entries=2)
    store = TaskStore(redis_keys.client, redis_keys.prefix, policy, timedelta(days=7))
    theirs = [
        folded(f"s-theirs-{n}", NOW - timedelta(hours=n + 1), user=OTHER_AGENT) for n in range(2)
    ]
    await store.write(theirs, NOW)

    await store.write(an_agents_day(), NOW)

    kept = await stored_ids(redis_keys.client, redis_keys.prefix, user=OTHER_AGENT)
    assert kept["history"] == {"s-theirs-0:1:agent-other", "s-theirs-1:1:agent-other"}


async def test_ties_at_the_cap_are_broken_alike(redis_keys: RedisKeys) -> None:
    policy = HistoryPolicy(window=WINDOW, max_entries=1)
    store = TaskStore(redis_keys.client, redis_keys.prefix, policy, timedelta(days=7))
    same_instant = NOW - timedelta(minutes=5)
    sessions = [ended_at(same_instant, "s-tie-a"), ended_at(same_instant, "s-tie-b")]

    await store.write(sessions, NOW)

    expected = kept_by_the_domain(tasks_of(sessions), NOW, policy)
    assert await stored_ids(redis_keys.client, redis_keys.prefix) == expected
