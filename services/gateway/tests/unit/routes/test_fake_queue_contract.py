"""The route tests' fake of the queue's read API (``unit/routes/fakes.FakeQueue``) answers
as the real one (``queue_service.read``) does: the same assertions run against both, over
the same stored tasks (written to Redis through the queue's own write path).

Integration tier (real Redis), kept beside the fake it holds honest: a change of the real
reader that the fake does not follow fails here, not silently in the route tests."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from acw.service import TaskReader
from gateway_service.ports import TaskReads
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters.agent_views import AgentViews
from queue_service.adapters.live_events import LiveEventsPolicy
from queue_service.adapters.task_codec import task_from_json
from queue_service.domain import HistoryPolicy
from queue_service.read import START, QueueReader, QueueTaskReader

from .builders import minutes_ago, stored_task
from .fakes import AcwTaskReader, FakeQueue

pytestmark = pytest.mark.integration

TASKS = (
    stored_task("acme", "alice", "u1", state="connected"),
    stored_task("acme", "alice", "u2", updated_at=minutes_ago(5)),
    stored_task(
        "acme",
        "alice",
        "u3",
        session_id="s-u2",
        started_at=minutes_ago(20),
        updated_at=minutes_ago(7),
    ),
    stored_task("acme", "mallory", "m1"),
    stored_task("other", "alice", "e1"),
)
"""In the queue's page order per agent (live first, then history newest first)."""

Readers = tuple[TaskReads, TaskReader]


@pytest.fixture(params=["fake", "real"])
async def readers(request: pytest.FixtureRequest, redis_keys: RedisKeys) -> AsyncIterator[Readers]:
    if request.param == "fake":
        fake = FakeQueue()
        for task in TASKS:
            fake.add(task)
        yield fake, AcwTaskReader(fake)
        return
    redis, prefix = redis_keys.client, redis_keys.prefix
    views = AgentViews(redis, prefix, HistoryPolicy(), LiveEventsPolicy())
    domain = [task_from_json(task.model_dump_json(exclude={"type"})) for task in TASKS]
    written = await views.restore(domain, datetime.now(UTC))
    assert written.changed == len(TASKS)
    yield QueueReader(redis, prefix), QueueTaskReader(redis, prefix)


async def test_an_agents_tasks_are_its_own_in_page_order(readers: Readers) -> None:
    queue, _ = readers
    now = datetime.now(UTC)
    alice = await queue.agent_tasks("acme", "alice", now)
    assert [view.user_session_id for view in alice] == ["u1", "u2", "u3"]
    assert alice[0].caller.display_name == "Live Caller"
    assert [v.user_session_id for v in await queue.agent_tasks("other", "alice", now)] == ["e1"]
    assert await queue.agent_tasks("acme", "nobody", now) == []


async def test_one_task_only_in_its_own_agents_scope(readers: Readers) -> None:
    queue, _ = readers
    now = datetime.now(UTC)
    found = await queue.task("acme", "alice", "u2", now)
    assert found is not None
    assert (found.user_session_id, found.state, found.open) == ("u2", "ended", True)
    assert found == (await queue.agent_tasks("acme", "alice", now))[1]
    assert await queue.task("acme", "mallory", "u2", now) is None
    assert await queue.task("other", "alice", "u2", now) is None
    assert await queue.task("acme", "alice", "m1", now) is None


async def test_a_stream_never_written_is_at_its_start(readers: Readers) -> None:
    queue, _ = readers
    assert await queue.live_position("acme", "nobody") == START


async def test_after_call_works_reader_sees_the_stored_contract(readers: Readers) -> None:
    _, tasks = readers
    stored = await tasks.task("acme", "alice", "u2")
    assert stored == TASKS[1]
    assert await tasks.task("acme", "mallory", "u2") is None
    of_session = await tasks.tasks_of_session("acme", "alice", "s-u2")
    assert [t.user_session_id for t in of_session] == ["u3", "u2"]  # oldest first
    assert await tasks.tasks_of_session("other", "alice", "s-u2") == []
