"""Trigger events through real Kafka, Redis and MongoDB to a receiver on a local port that
verifies every request with the ``standardwebhooks`` library: every event type arrives
signed, only where it was asked for; a receiver away for a while (and a worker restarted
meanwhile) gets every event once it is back; 410 disables the endpoint; a delivery that
outlives its retries is dead-lettered and redelivered on request."""

from typing import Any
from uuid import uuid4

import pytest
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.ports import free_port
from mysessions_platform.testing.redis_keys import RedisKeys
from webhook_traffic import after_call_work, record, session_events, started
from webhooks_service.registry import WebhookRegistry

from .harness import eventually, harness
from .receiver import Receiver, listening

pytestmark = pytest.mark.integration

ALL_TYPES: Any = (
    "session.started",
    "task.offered",
    "task.accepted",
    "session.ended",
    "session.transferred",
    "acw.saved",
    "reporting.record_written",
)


def ids() -> tuple[str, str]:
    return f"t-{uuid4().hex[:8]}", f"s-{uuid4().hex[:8]}"


async def delivered(registry: WebhookRegistry, tenant: str, endpoint: str) -> int:
    return sum(a.outcome == "delivered" for a in await registry.deliveries(tenant, endpoint))


async def test_every_trigger_event_arrives_signed_and_only_where_asked(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    receiver, other = Receiver(), Receiver()
    tenant, session = ids()
    async with (
        harness(servers, kafka_topics, redis_keys, mongo_databases.create("wh")) as h,
        listening(receiver, 0) as url,
        listening(other, 0) as other_url,
        h.running(),
    ):
        endpoint, receiver.secret = await h.registry.add(tenant, "svc-a", url, ALL_TYPES)
        # Another service of the tenant, and the same service in another tenant: nothing.
        _, other.secret = await h.registry.add(tenant, "svc-b", other_url, ALL_TYPES)
        await h.registry.add("other-tenant", "svc-a", other_url, ALL_TYPES)
        await h.publish(h.settings.events_topic, session_events(tenant, session, "svc-a"))
        await h.publish(h.settings.acw_topic, [after_call_work(tenant, session, "svc-a")])
        await h.publish(h.settings.records_topic, [record(tenant, session, "svc-a")])

        async def all_arrived() -> bool:
            return len(receiver.received) == len(ALL_TYPES)

        await eventually(all_arrived, "every trigger event at the receiver")
        assert receiver.types() == sorted(ALL_TYPES)
        assert receiver.unverified == 0
        by_type = {p["type"]: p["data"] for p in receiver.received.values()}
        assert {data["service_id"] for data in by_type.values()} == {"svc-a"}
        assert by_type["session.started"]["caller"] is None  # caller details off by default
        assert by_type["session.transferred"]["target"]["address"] is None
        assert by_type["task.accepted"]["user_id"] == "agent-1"  # placed by the offer
        assert by_type["reporting.record_written"]["record"]["outcome_id"] == "accepted"
        assert other.requests == 0
        log = await h.registry.deliveries(tenant, endpoint.endpoint_id)
        assert {(a.status_code, a.outcome) for a in log} == {(204, "delivered")}
        assert "Jane" not in str([a.model_dump() for a in log])  # no payload values


async def test_caller_details_go_only_to_an_endpoint_that_asked(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    receiver = Receiver()
    tenant, session = ids()
    async with (
        harness(servers, kafka_topics, redis_keys, mongo_databases.create("wh")) as h,
        listening(receiver, 0) as url,
        h.running(),
    ):
        _, receiver.secret = await h.registry.add(
            tenant, "svc-a", url, ("session.started",), include_caller=True
        )
        await h.publish(h.settings.events_topic, [started(tenant, session, "svc-a")])

        async def arrived() -> bool:
            return len(receiver.received) == 1

        await eventually(arrived, "the started event")
        (payload,) = receiver.received.values()
        assert payload["data"]["caller"]["display_name"] == "Jane Caller"


async def test_a_receiver_away_for_a_while_gets_every_event_once_back_across_a_restart(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    receiver = Receiver()
    tenant = ids()[0]
    port = free_port()
    sessions = [f"s-{n}" for n in range(6)]
    # The third attempt comes 3 s after the second: time to stop the worker and bring the
    # receiver back, even on a loaded machine, long before the last retry.
    delays = (0.3, 3.0, 10.0, 30.0)
    database = mongo_databases.create("wh")
    async with harness(servers, kafka_topics, redis_keys, database, retry_delays_s=delays) as h:
        url = f"http://127.0.0.1:{port}/hook"
        endpoint, receiver.secret = await h.registry.add(tenant, "svc-a", url, ALL_TYPES)
        ident = endpoint.endpoint_id
        async with h.running():
            events = [started(tenant, session, "svc-a") for session in sessions]
            await h.publish(h.settings.events_topic, events)

            async def refused_twice() -> bool:
                log = await h.registry.deliveries(tenant, ident)
                return sum(a.error == "connect" and a.outcome == "retrying" for a in log) >= 12

            await eventually(refused_twice, "two refused attempts of each event")
        # The worker is gone too; what it had to deliver is in Redis, not in its memory.
        assert await h.registry.pending(tenant, ident) == len(sessions)
        async with listening(receiver, port), h.running():

            async def all_back() -> bool:
                return len(receiver.received) == len(sessions)

            await eventually(all_back, "every event at the receiver once it is back")
        assert receiver.duplicates == 0
        assert sorted(p["data"]["session_id"] for p in receiver.received.values()) == sessions
        assert await h.registry.pending(tenant, ident) == 0


async def test_410_disables_the_endpoint_and_redelivery_enables_it(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    receiver = Receiver()
    receiver.status = 410
    tenant, session = ids()
    async with (
        harness(servers, kafka_topics, redis_keys, mongo_databases.create("wh")) as h,
        listening(receiver, 0) as url,
        h.running(),
    ):
        endpoint, receiver.secret = await h.registry.add(tenant, "svc-a", url, ALL_TYPES)
        ident = endpoint.endpoint_id
        await h.publish(h.settings.events_topic, [started(tenant, session, "svc-a")])

        async def disabled() -> bool:
            found = await h.registry.get(tenant, ident)
            dead = await h.registry.dead_letters(tenant, ident)
            return found is not None and not found.enabled and len(dead) == 1

        await eventually(disabled, "the endpoint disabled by 410 Gone")
        assert receiver.requests == 1  # not retried
        (gone,) = await h.registry.dead_letters(tenant, ident)
        await h.publish(h.settings.events_topic, [started(tenant, f"{session}-2", "svc-a")])
        assert receiver.requests == 1  # a disabled endpoint gets nothing new
        receiver.status = 204
        assert await h.registry.redeliver(tenant, ident) == 1

        async def redelivered() -> bool:
            return gone.message_id in receiver.received

        await eventually(redelivered, "the dead letter redelivered")
        assert (await h.registry.get(tenant, ident)).enabled  # type: ignore[union-attr]


async def test_a_delivery_that_outlives_its_retries_is_dead_lettered_then_redelivered(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    receiver = Receiver()
    receiver.status = 500
    tenant, session = ids()
    database = mongo_databases.create("wh")
    async with (
        harness(servers, kafka_topics, redis_keys, database, retry_delays_s=(0.2, 0.2)) as h,
        listening(receiver, 0) as url,
        h.running(),
    ):
        endpoint, receiver.secret = await h.registry.add(tenant, "svc-a", url, ALL_TYPES)
        ident = endpoint.endpoint_id
        await h.publish(h.settings.events_topic, [started(tenant, session, "svc-a")])

        async def dead() -> bool:
            return len(await h.registry.dead_letters(tenant, ident)) == 1

        await eventually(dead, "the dead letter after the last retry")
        assert receiver.requests == 3  # the first attempt and two retries
        log = await h.registry.deliveries(tenant, ident)
        assert [a.outcome for a in log] == ["dead-lettered", "retrying", "retrying"]
        assert [a.status_code for a in log] == [500, 500, 500]
        assert len({a.message_id for a in log}) == 1  # one webhook-id on every attempt
        receiver.status = 200
        assert await h.registry.redeliver(tenant, ident) == 1

        async def arrived() -> bool:
            return log[0].message_id in receiver.received

        await eventually(arrived, "the redelivered event")
        assert await h.registry.dead_letters(tenant, ident) == []
        assert await delivered(h.registry, tenant, ident) == 1
