"""GET /api/v1/live against a real gateway, with changes written through the queue's own
write path: every change of the agent and nothing of anyone else, resume after
Last-Event-ID without a gap or a duplicate, refresh when the id cannot be resumed,
heartbeats, captions of the agent's live tasks, bounds, cleanup and Redis going away."""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest
from context_service.transcripts.domain import Caption
from context_service.transcripts.live_captions import RedisLiveCaptions
from gateway_service.live_position import live_position
from gateway_service.testing import RunningGateway, running_gateway
from mysessions_platform.infra import Endpoints
from mysessions_platform.sse_client import Received, received_events
from queue_service.adapters.store import TaskStore
from redis.asyncio import Redis

from .live_changes import change, store, user_session_id

pytestmark = pytest.mark.integration

HEARTBEAT_S = 0.5
WAIT_S = 10.0


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    """The conftest's gateway, with a short heartbeat and at most two streams per user."""
    return {"sse_heartbeat_s": HEARTBEAT_S, "sse_max_streams_per_user": 2}


@pytest.fixture
def tasks(gateway: RunningGateway) -> TaskStore:
    return store(gateway.resources.redis, gateway.settings.queue_key_prefix)


class Listener:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._received: asyncio.Queue[Received | None] = asyncio.Queue()
        self._reading = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for event in received_events(self.response.aiter_lines()):
                await self._received.put(event)
        except httpx.HTTPError:
            pass
        await self._received.put(None)  # the stream ended

    async def next(self, *, comments: bool = False) -> Received | None:
        """The next event (None: the stream ended); comments skipped unless asked for."""
        async with asyncio.timeout(WAIT_S):  # heartbeats do not extend it
            while True:
                event = await self._received.get()
                if event is None or comments or event.event != "comment":
                    return event

    async def events(self, count: int) -> list[Received]:
        found: list[Received] = []
        while len(found) < count:
            event = await self.next()
            assert event is not None, f"the stream ended after {found}"
            found.append(event)
        return found

    async def ended(self) -> bool:
        return await self.next() is None

    async def close(self) -> None:
        self._reading.cancel()
        await asyncio.gather(self._reading, return_exceptions=True)


@asynccontextmanager
async def listening(
    gateway: RunningGateway,
    tenant: str = "acme",
    user: str = "alice",
    last_event_id: str | None = None,
    query: str | None = None,
) -> AsyncIterator[Listener]:
    headers = gateway.headers(tenant, user)
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    params = {"last_event_id": query} if query is not None else {}
    timeout = httpx.Timeout(WAIT_S, read=None)
    async with (
        httpx.AsyncClient(base_url=gateway.base_url, timeout=timeout) as client,
        client.stream("GET", "/api/v1/live", headers=headers, params=params) as response,
    ):
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        listener = Listener(response)
        try:
            yield listener
        finally:
            await listener.close()


def views(events: list[Received]) -> list[tuple[str, str]]:
    assert {event.event for event in events} == {"task"}, events
    return [(json.loads(e.data)["user_session_id"], json.loads(e.data)["state"]) for e in events]


def order(entry_id: str | None) -> tuple[int, int]:
    assert entry_id is not None
    ms, seq = entry_id.split("-")
    return int(ms), int(seq)


ALICE_CHANGES = [("s-1", "incoming"), ("s-1", "connected"), ("s-2", "incoming"), ("s-1", "ended")]


async def test_every_change_of_the_agent_and_none_of_anyone_else(
    gateway: RunningGateway, tasks: TaskStore
) -> None:
    async with listening(gateway) as alice:
        for session_id, state in ALICE_CHANGES:
            # Between each change of alice's: the same ids for bob, and for an alice in
            # another tenant. None of it may reach her.
            await change(tasks, "acme", "bob", session_id, state)
            await change(tasks, "globex", "alice", session_id, state)
            await change(tasks, "acme", "alice", session_id, state)
        got = await alice.events(len(ALICE_CHANGES))
        await change(tasks, "acme", "bob", "s-3", "incoming")
        await change(tasks, "acme", "alice", "s-3", "incoming")
        (last,) = await alice.events(1)

    assert views(got) == [(user_session_id(s, "alice"), state) for s, state in ALICE_CHANGES]
    assert views([last]) == [(user_session_id("s-3", "alice"), "incoming")]
    ids = [order(event.id) for event in [*got, last]]
    assert ids == sorted(set(ids))  # every event has its own, increasing id
    view = json.loads(last.data)
    assert view["caller"] == {"display_name": "Anonymous", "address": None}


async def test_a_reconnect_after_last_event_id_misses_nothing_and_repeats_nothing(
    gateway: RunningGateway, tasks: TaskStore
) -> None:
    async with listening(gateway) as first:
        await change(tasks, "acme", "alice", "s-1", "incoming")
        await change(tasks, "acme", "alice", "s-1", "connected")
        seen = await first.events(2)
    # While away: three changes (one ends a task, which deletes its live views'
    # entries, among them the id the client resumes after).
    away = [("s-2", "incoming"), ("s-1", "ended"), ("s-2", "connected")]
    for session_id, state in away:
        await change(tasks, "acme", "alice", session_id, state)

    async with listening(gateway, last_event_id=seen[-1].id, query="9-9") as again:
        missed = await again.events(len(away))
        await change(tasks, "acme", "alice", "s-3", "incoming")
        (after,) = await again.events(1)
    async with listening(gateway, query=seen[0].id) as by_query:
        replayed = await by_query.events(4)

    assert views(missed) == [(user_session_id(s, "alice"), state) for s, state in away]
    assert views([after]) == [(user_session_id("s-3", "alice"), "incoming")]
    # From the first id: what followed it, without the live views of s-1 that its end
    # superseded (the connected view of s-1 comes back as its ended view).
    assert views(replayed) == [
        (user_session_id("s-2", "alice"), "incoming"),
        (user_session_id("s-1", "alice"), "ended"),
        (user_session_id("s-2", "alice"), "connected"),
        (user_session_id("s-3", "alice"), "incoming"),
    ]


async def test_an_id_that_cannot_be_resumed_gets_one_refresh_at_the_tip(
    gateway: RunningGateway,
) -> None:
    redis = gateway.resources.redis
    trimmed = store(redis, gateway.settings.queue_key_prefix, max_entries=3)
    ids: list[str | None] = []
    async with listening(gateway) as watching:
        # One change at a time: written at once, the stream (3 entries kept) could be trimmed
        # before the gateway read them, and the listener then got a refresh, not 5 events.
        for n in range(5):
            await change(trimmed, "acme", "alice", f"s-{n}", "incoming")
            ids += [event.id for event in await watching.events(1)]
    async with listening(gateway, last_event_id=ids[2]) as resumable:  # the oldest kept
        await change(trimmed, "acme", "alice", "s-5", "incoming")
        assert views(await resumable.events(3)) == [
            (user_session_id(f"s-{n}", "alice"), "incoming") for n in (3, 4, 5)
        ]
    tip = await live_tip(gateway)
    for n, (asked, reason) in enumerate(
        [
            (ids[0], "no longer kept"),  # trimmed away
            (ids[1], "no longer kept"),  # the newest trimmed: the one after it is gone too
            ("garbage", "not a stream id"),
            ("99999999999999-0", "newer than its last entry"),
            ("0-0", "empty stream"),
            ("1" * 30 + "-0", "not a stream id"),  # more digits than 64 bits hold
        ]
    ):
        async with listening(gateway, last_event_id=asked) as client:
            (refresh,) = await client.events(1)
            assert (refresh.event, refresh.id) == ("refresh", tip), asked
            assert reason in json.loads(refresh.data)["reason"]
            await change(trimmed, "acme", "alice", f"s-r{n}", "incoming")
            (following,) = await client.events(1)  # and it goes on from the tip
            assert following.event == "task"
            assert following.id is not None
            tip = following.id


async def test_without_an_id_the_stream_starts_at_the_tip_and_heartbeats(
    gateway: RunningGateway, tasks: TaskStore
) -> None:
    await change(tasks, "acme", "alice", "s-old", "incoming")
    async with listening(gateway) as client:
        beat = await client.next(comments=True)
        assert beat is not None
        assert (beat.event, beat.data) == ("comment", "heartbeat")
        await change(tasks, "acme", "alice", "s-new", "incoming")
        got = await client.events(1)
    assert views(got) == [(user_session_id("s-new", "alice"), "incoming")]


async def test_captions_arrive_for_the_agents_live_tasks_only(
    gateway: RunningGateway, tasks: TaskStore
) -> None:
    captions = RedisLiveCaptions(gateway.resources.redis, gateway.settings.queue_key_prefix)

    async def say(session_id: str, text: str, task: str | None) -> None:
        segment = "seg-" + text.replace(" ", "-")
        line = Caption(f"{session_id}:1", segment, "caller", 0, 900, text, True, task)
        assert await captions.apply("acme", session_id, [line]) == 1

    await change(tasks, "acme", "alice", "s-before", "connected")  # live before she connects
    async with listening(gateway) as alice:
        await change(tasks, "acme", "alice", "s-after", "incoming")  # live after
        await change(tasks, "acme", "bob", "s-bob", "connected")
        await alice.events(1)
        await say("s-bob", "not hers", None)
        await say("s-after", "not her task", user_session_id("s-after", "bob"))
        await say("s-before", "hello", None)
        await say("s-after", "hi there", user_session_id("s-after", "alice"))
        heard = await alice.events(2)
        await change(tasks, "acme", "alice", "s-before", "ended")
        await alice.events(1)
        await say("s-before", "after the end", None)
        await change(tasks, "acme", "alice", "s-last", "incoming")
        (last,) = await alice.events(1)  # no caption came before it

    assert [event.event for event in heard] == ["caption", "caption"]
    assert [event.id for event in heard] == [None, None]
    first, second = (json.loads(event.data) for event in heard)
    assert (first["session_id"], first["user_session_id"]) == (
        "s-before",
        user_session_id("s-before", "alice"),
    )
    assert first["caption"]["text"] == "hello"
    assert first["caption"]["segment_id"] == "seg-hello"
    assert first["caption"]["user_session_id"] is None
    assert (second["session_id"], second["caption"]["text"]) == ("s-after", "hi there")
    assert last.event == "task"


async def test_a_users_oldest_stream_ends_beyond_the_bound_and_closed_streams_leave_nothing(
    gateway: RunningGateway, servers: Endpoints
) -> None:
    live = gateway.resources.live
    async with (
        listening(gateway) as oldest,
        listening(gateway) as second,
        listening(gateway, "acme", "bob"),
    ):
        assert live.slots.open == 3
        async with listening(gateway) as newest:
            assert await oldest.ended()  # the bound is two per user: the oldest goes
            assert live.slots.open == 3
            await eventually(lambda: pubsub_connections(gateway, servers), 3)
            assert second.response.is_closed is False
            assert newest.response.is_closed is False
    await eventually(lambda: pubsub_connections(gateway, servers), 0)
    assert live.slots.open == 0


async def test_redis_going_away_ends_the_stream_and_the_client_resumes(
    gateway: RunningGateway, tasks: TaskStore, servers: Endpoints
) -> None:
    async with listening(gateway) as client:
        await change(tasks, "acme", "alice", "s-1", "incoming")
        (seen,) = await client.events(1)
        await kill_pubsub_connections(gateway, servers)
        assert await client.ended()
    await change(tasks, "acme", "alice", "s-1", "connected")
    async with listening(gateway, last_event_id=seen.id) as again:
        assert views(await again.events(1)) == [(user_session_id("s-1", "alice"), "connected")]


async def test_only_agents_get_a_stream_and_ids_are_bounded(gateway: RunningGateway) -> None:
    long = "1" * 40 + "-0"
    async with httpx.AsyncClient(base_url=gateway.base_url) as client:
        too_long = await client.get(
            "/api/v1/live", headers={**gateway.headers("acme", "alice"), "Last-Event-ID": long}
        )
        too_long_query = await client.get(
            "/api/v1/live", params={"last_event_id": long}, headers=gateway.headers("acme", "a")
        )
        nobody = await client.get("/api/v1/live")
        owner = await client.get(
            "/api/v1/live", headers=gateway.headers("acme", "olga", ("service_owner",))
        )
    assert nobody.status_code == 401
    assert owner.status_code == 403
    assert too_long.status_code == too_long_query.status_code == 422


async def clients_of(gateway: RunningGateway, servers: Endpoints) -> list[dict[str, Any]]:
    redis = Redis.from_url(servers.redis_url)
    try:
        clients: list[dict[str, Any]] = await redis.client_list()
    finally:
        await redis.aclose()
    name = f"{gateway.settings.queue_key_prefix}:gateway-live"
    return [each for each in clients if each.get("name") == name]


async def pubsub_connections(gateway: RunningGateway, servers: Endpoints) -> int:
    return sum(1 for each in await clients_of(gateway, servers) if "P" in each["flags"])


async def kill_pubsub_connections(gateway: RunningGateway, servers: Endpoints) -> None:
    redis = Redis.from_url(servers.redis_url)
    try:
        for each in await clients_of(gateway, servers):
            if "P" in each["flags"]:
                await redis.client_kill_filter(_id=each["id"])
    finally:
        await redis.aclose()


async def live_tip(gateway: RunningGateway) -> str:
    resources = gateway.resources
    return await live_position(
        resources.redis, resources.settings.queue_key_prefix, "acme", "alice"
    )


async def eventually(read: Callable[[], Awaitable[int]], expected: int) -> None:
    found = None
    for _ in range(int(WAIT_S / 0.05)):
        found = await read()
        if found == expected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{found}, not {expected}")


async def test_a_stopping_gateway_ends_its_live_streams_at_once(gateway: RunningGateway) -> None:
    """Its graceful stop evicts the streams, so pages reconnect elsewhere at once, rather
    than holding the stop for its whole grace period (30 s here) and then being cut."""
    async with AsyncExitStack() as stopping:  # stops it below, or after a failure
        api = await stopping.enter_async_context(running_gateway(gateway.settings, grace_s=30))
        async with listening(api) as alice:
            assert await alice.next(comments=True) is not None  # open: a first heartbeat
            started = time.monotonic()
            await stopping.aclose()
            took = time.monotonic() - started
            assert await alice.ended()
    assert took < 5, f"the stop took {took:.1f} s"
