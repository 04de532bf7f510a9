"""The bridge loop against a local AMI server and real Redis, with a publisher that fails:
an outage holds the events and publishes them after reconnecting; a bug skips one message
and the bridge goes on."""

import asyncio

import pytest
from aiokafka.errors import KafkaConnectionError
from contracts import SessionEvent
from fake_asterisk.calls import Call
from fake_asterisk.server import fake_asterisk
from ingest_service.ami import AmiEndpoint, AmiTranslator, BridgeStats, RedisCalls, run_bridge
from ingest_service.queue_log import QueueLogOptions
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.redis_keys import RedisKeys

pytestmark = pytest.mark.integration


class Publisher:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.events: list[SessionEvent] = []

    async def __call__(self, events: list[SessionEvent]) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.events += events


async def run(redis_keys: RedisKeys, publisher: Publisher, logins: int, wanted: int) -> BridgeStats:
    """Sends a join, waits for ``logins``, sends an offer, waits for ``wanted`` events."""
    stats, stop = BridgeStats(), asyncio.Event()
    calls = RedisCalls(redis_keys.client, redis_keys.prefix, "acme")
    translator = AmiTranslator(QueueLogOptions(tenant_id="acme"))
    call = Call("c.1")
    async with fake_asterisk() as asterisk:
        endpoint = AmiEndpoint("127.0.0.1", asterisk.port, asterisk.username, asterisk.secret)
        bridge = run_bridge(endpoint, translator, calls, publisher, stats, stop)
        task = asyncio.create_task(bridge)
        try:
            await asterisk.wait_for_login(1)
            await asterisk.send(call.join(100.0))
            await asterisk.wait_for_login(logins)
            await asterisk.send(call.called(101.0, "PJSIP/1001", "leg.1"))

            async def published() -> bool:
                return len(publisher.events) >= wanted

            await wait_for(published, timeout_s=20, what=f"{wanted} events")
        finally:
            stop.set()
            await asterisk.drop()
            await asyncio.wait_for(task, 10)
    return stats


async def test_an_outage_holds_the_events_and_they_go_out_after_the_reconnection(
    redis_keys: RedisKeys,
) -> None:
    publisher = Publisher([KafkaConnectionError()])
    stats = await run(redis_keys, publisher, logins=2, wanted=3)
    assert [e.type for e in publisher.events] == [
        "session.started",
        "session.queued",
        "task.offered",
    ]
    assert stats.connections == 2
    assert stats.republished == 2
    assert stats.failed == 0


async def test_a_failure_that_is_no_outage_skips_one_message_and_the_bridge_goes_on(
    redis_keys: RedisKeys,
) -> None:
    publisher = Publisher([ValueError("a bug")])
    stats = await run(redis_keys, publisher, logins=1, wanted=1)
    assert [e.type for e in publisher.events] == ["task.offered"]
    assert stats.connections == 1
    assert stats.failed == 1
