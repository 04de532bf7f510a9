"""Two gateways behind one load balancer: an agent's live stream on gateway A, the client
cut off, its calls going on meanwhile, then resumed on gateway B with ``Last-Event-ID``:
every change after that id arrives, none is missed, none repeated.

The changes are real: session events on Kafka, folded by a queue worker into the agent's
events stream. A gateway keeps nothing of a stream but its Redis reads, so B resumes where
A left off. Each gateway has demo keys of its own; a client signed in at B (in production
both trust the same identity provider).

"None missed": every entry the agent's stream holds after the resumed id at the end was
received from B, with the same view. The queue deletes a task's live views from the stream
when it ends (they carry the caller's details), so a live view B read before its task ended
may be gone by then: it is superseded by the ended view, which B also received.
"""

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from contracts import SessionEvent
from faststream import TestApp
from gateway_service.live.reader import AgentStream
from gateway_service.testing import RunningGateway, gateway_settings, running_gateway
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import with_database
from mysessions_platform.sse_client import Received, received_events
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters import keys
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.read import AgentEvents
from redis.asyncio import Redis

from .pipeline import Pipeline, make_pipeline

pytestmark = pytest.mark.integration

Agent = tuple[str, str]


def busiest_agent(events: list[SessionEvent]) -> Agent:
    """(tenant, user) of the agent with the most task events."""
    counts = Counter(
        (e.tenant_id, user) for e in events if (user := getattr(e, "user_id", None)) is not None
    )
    return counts.most_common(1)[0][0]


class Client:
    """An SSE client of one gateway: every event received, in order, until closed."""

    def __init__(self) -> None:
        self.received: list[Received] = []

    @property
    def last_id(self) -> str | None:
        return self.received[-1].id if self.received else None

    async def read(self, response: httpx.Response) -> None:
        assert response.status_code == 200, await response.aread()
        async for event in received_events(response.aiter_lines()):
            if event.event != "comment":
                self.received.append(event)


@asynccontextmanager
async def listening(
    gateway: RunningGateway, agent: Agent, last_event_id: str | None = None
) -> AsyncIterator[Client]:
    headers = gateway.headers(*agent)
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    client = Client()
    timeout = httpx.Timeout(10, read=None)
    async with (
        httpx.AsyncClient(base_url=gateway.base_url, timeout=timeout) as http,
        http.stream("GET", "/api/v1/live", headers=headers) as response,
    ):
        reading = asyncio.create_task(client.read(response))
        try:
            yield client
        finally:  # the client goes away: the connection is cut
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)


async def stream_entries(redis: Redis, prefix: str, agent: Agent) -> list[tuple[str, str]]:
    """(id, view) of every entry the agent's events stream holds now."""
    client: Any = redis  # redis-py's command types are unions of sync and async
    raw = await client.xrange(keys.agent_events(prefix, *agent))
    return [(i.decode(), fields[b"view"].decode()) for i, fields in raw]


async def test_a_stream_resumed_on_the_other_gateway_misses_nothing_and_repeats_nothing(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    config = make_config(
        tenants=1, services=2, agents=2, rate=0.5, duration=3600, seed=53, fast=True
    )
    events = list(simulate(config))
    agent = busiest_agent(events)
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    settings = gateway_settings(
        servers.kafka_bootstrap_servers,
        servers.redis_url,
        with_database(servers.mongodb_url, mongo_databases.create("gw").name),
        queue_key_prefix=redis_keys.prefix,
        acw_topic=pipeline.acw,
        sse_heartbeat_s=0.5,
    )
    redis, prefix = redis_keys.client, redis_keys.prefix
    tip = AgentStream(AgentEvents(redis, prefix, *agent))
    thirds = [events[: len(events) // 3], events[len(events) // 3 : 2 * len(events) // 3]]
    thirds.append(events[2 * len(events) // 3 :])

    async def fold(part: list[SessionEvent]) -> None:
        """Sends the events and waits until the queue folded them."""
        async with event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender:
            await sender.send_all(part)
        await queue_caught_up(servers, pipeline)

    async def received_up_to_the_tip(client: Client) -> None:
        async def there() -> bool:
            return client.last_id == str((await tip.bounds()).last)

        await wait_for(there, 30, "the client to receive the stream's newest entry")

    async with (
        TestApp(create_queue(pipeline.queue)),
        running_gateway(settings) as gateway_a,
        running_gateway(settings) as gateway_b,
    ):
        async with listening(gateway_a, agent) as on_a:
            await fold(thirds[0])
            await received_up_to_the_tip(on_a)
        resume_after = on_a.last_id
        assert resume_after is not None
        await fold(thirds[1])  # while the client is away
        away = [i for i, _ in await stream_entries(redis, prefix, agent) if after(i, resume_after)]
        assert away, "the agent's calls went on while the client was away"
        async with listening(gateway_b, agent, resume_after) as on_b:
            await fold(thirds[2])
            await received_up_to_the_tip(on_b)
        kept = await stream_entries(redis, prefix, agent)

    seen_a, seen_b = on_a.received, on_b.received
    assert {e.event for e in [*seen_a, *seen_b]} == {"task"}, "no refresh: B resumed after A"
    ids = [e.id for e in [*seen_a, *seen_b]]
    assert len(ids) == len(set(ids)), "nothing repeated"
    assert all(after(i, resume_after) for i in ids[len(seen_a) :])
    assert ids == sorted(ids, key=order)
    from_b = {e.id: e.data for e in seen_b}
    missed = [(i, v) for i, v in kept if after(i, resume_after) and from_b.get(i) != v]
    assert missed == [], "every change after the resumed id reached the client, as it is"
    assert set(away) & set(from_b), "the changes made while away came from B"
    assert latest_views([*seen_a, *seen_b]) == latest_views(
        [Received("task", v, i) for i, v in kept]
    ), "the client ends with the agent's tasks as the queue keeps them"


def order(entry_id: str | None) -> tuple[int, int]:
    assert entry_id is not None
    ms, seq = entry_id.split("-")
    return int(ms), int(seq)


def after(entry_id: str | None, resumed: str) -> bool:
    return order(entry_id) > order(resumed)


def latest_views(events: list[Received]) -> dict[str, str]:
    """Each task's newest view (by user session id), as a client applies the events."""
    views: dict[str, str] = {}
    for event in events:
        views[json.loads(event.data)["user_session_id"]] = event.data
    return views


async def queue_caught_up(servers: Endpoints, pipeline: Pipeline) -> None:
    bootstrap, group = servers.kafka_bootstrap_servers, pipeline.queue.group_id
    await wait_for(
        lambda: group_caught_up(bootstrap, group, pipeline.sessions),
        timeout_s=60,
        what="the queue to fold the events",
    )
    await asyncio.sleep(0)
