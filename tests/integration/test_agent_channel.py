"""Every change of a task is published on its agent's channel, for live updates."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import contracts as c
import pytest
from faststream import TestApp
from mysessions.events_out import event_sender
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters import keys
from queue_service.entrypoints.app import create_app
from redis.asyncio import Redis

from .pipeline import make_pipeline
from .scenario import AGENT, TENANT, Session

pytestmark = pytest.mark.integration


async def test_each_change_reaches_the_agents_channel_once(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    offered = Session("s-live", t0).inbound("support", 1).task(c.TaskOffered, 3, service_id="x")
    redis = Redis.from_url(servers.redis_url)
    pubsub = redis.pubsub()
    await pubsub.subscribe(keys.agent_channel(pipeline.prefix, TENANT, AGENT))
    seen: list[dict[str, object]] = []

    async def collect(count: int) -> None:
        while len(seen) < count:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is not None:
                seen.append(json.loads(message["data"]))

    try:
        async with (
            event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender,
            TestApp(create_app(pipeline.queue)),
        ):
            await sender.send_all(offered.events)
            await asyncio.wait_for(collect(1), 30)
            accepted = offered.task(c.TaskAccepted, 9)
            await sender.send_all(accepted.events[-1:] + offered.events[:1])
            await asyncio.wait_for(collect(2), 30)
            await asyncio.sleep(1.0)  # a redelivered event must not publish again
            extra = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
        await redis.aclose()

    views = [c.TaskView.model_validate(update) for update in seen]  # exactly the view shape
    assert all(set(update) == set(c.TaskView.model_fields) for update in seen)
    assert [view.state for view in views] == ["incoming", "connected"]
    assert [view.live_timers for view in views] == [("queue_s", "ring_s"), ("connected_s",)]
    assert {update["user_session_id"] for update in seen} == {f"s-live:1:{AGENT}"}
    assert extra is None
