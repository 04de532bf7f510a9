"""The ingest worker against real Kafka and Redis."""

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import contracts as c
import pytest
from aiokafka import AIOKafkaProducer
from faststream import TestApp
from ingest_service.entrypoints.app import create_app
from ingest_service.settings import IngestSettings
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import group_caught_up, read_records, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys

pytestmark = pytest.mark.integration

T0 = datetime.now(UTC).replace(microsecond=0)


def settings_for(servers: Endpoints) -> IngestSettings:
    return IngestSettings().model_copy(
        update={
            "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
            "redis_url": servers.redis_url,
        }
    )


def started(session: str, n: int) -> c.SessionStarted:
    return c.SessionStarted(
        event_id=uuid4(),
        occurred_at=T0 + timedelta(seconds=n),
        tenant_id="tenant-a",
        session_id=session,
        direction="inbound",
        modality="voice",
        service_id="svc-1",
        service_name="Support",
        caller=c.Party(address="+15550001111", address_kind="pstn"),
    )


async def test_valid_events_pass_once_invalid_ones_are_dead_lettered(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    source = await kafka_topics.create("raw", partitions=2)
    target = await kafka_topics.create("sessions", partitions=2)
    dead = await kafka_topics.create("dlq")
    settings = settings_for(servers).model_copy(
        update={
            "group_id": f"ingest-{redis_keys.prefix}",
            "source_topic": source,
            "target_topic": target,
            "dead_letter_topic": dead,
            "key_prefix": redis_keys.prefix,
        }
    )
    first, second, third = started("s-1", 1), started("s-2", 2), started("s-1", 3)
    not_json = b"\x00 this is not json"
    leaks_phone = json.loads(c.encode(started("s-3", 4)))
    leaks_phone["caller"] = {"address": "+1555 bad 0002222", "address_kind": "pstn"}
    sent = [
        (b"s-1", c.encode(first)),
        (None, not_json),
        (b"s-2", c.encode(second)),
        (b"s-1", c.encode(first)),  # a redelivery upstream: same event id
        (b"s-3", json.dumps(leaks_phone).encode()),
        (b"s-1", c.encode(third)),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=servers.kafka_bootstrap_servers)
    await producer.start()
    try:
        for key, value in sent:
            await producer.send_and_wait(source, value, key=key, partition=0)
    finally:
        await producer.stop()

    async with TestApp(create_app(settings)):
        await wait_for(
            lambda: group_caught_up(servers.kafka_bootstrap_servers, settings.group_id, source),
            what="ingest to commit the whole topic",
        )

    republished = await read_records(servers.kafka_bootstrap_servers, target, 4, timeout_s=5)
    events = [c.decode_session_event(r.value) for r in republished]
    assert sorted(str(e.event_id) for e in events) == sorted(
        str(e.event_id) for e in (first, second, third)
    )
    assert all(r.key == e.session_id.encode() for r, e in zip(republished, events, strict=True))
    s1 = [e.event_id for e in events if e.session_id == "s-1"]
    assert s1 == [first.event_id, third.event_id], "order within a session is kept"

    letters = await read_records(servers.kafka_bootstrap_servers, dead, 2, timeout_s=10)
    envelopes = [c.DeadLetter.model_validate_json(r.value) for r in letters]
    assert [e.original for e in envelopes] == [not_json, json.dumps(leaks_phone).encode()]
    assert {e.error_kind for e in envelopes} == {"invalid"}
    assert all(
        e.source_topic == source and e.consumer_group == settings.group_id for e in envelopes
    )
    assert "session.started.caller" in envelopes[1].error
    assert "0002222" not in envelopes[1].error, "reasons never echo values"
    assert [e.offset for e in envelopes] == [1, 4]


async def test_a_restarted_ingest_does_not_republish(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    source = await kafka_topics.create("raw")
    target = await kafka_topics.create("sessions")
    settings = settings_for(servers).model_copy(
        update={
            "group_id": f"ingest-{redis_keys.prefix}",
            "source_topic": source,
            "target_topic": target,
            "dead_letter_topic": await kafka_topics.create("dlq"),
            "key_prefix": redis_keys.prefix,
        }
    )
    event = started("s-9", 1)
    producer = AIOKafkaProducer(bootstrap_servers=servers.kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(source, c.encode(event), key=b"s-9")
        async with TestApp(create_app(settings)):
            await wait_for(
                lambda: group_caught_up(servers.kafka_bootstrap_servers, settings.group_id, source)
            )
        # Upstream sends it again after a restart, to a new consumer group even.
        await producer.send_and_wait(source, c.encode(event), key=b"s-9")
        again = settings.model_copy(update={"group_id": settings.group_id + "-2"})
        async with TestApp(create_app(again)):
            await wait_for(
                lambda: group_caught_up(servers.kafka_bootstrap_servers, again.group_id, source)
            )
    finally:
        await producer.stop()
    assert len(await read_records(servers.kafka_bootstrap_servers, target, 2, timeout_s=3)) == 1
