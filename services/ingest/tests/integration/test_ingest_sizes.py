"""Sizes end to end on real Kafka, through the real ingest worker: an event of 2 MB is
dead-lettered with its length, SHA-256 and first bytes; one of exactly MAX_EVENT_BYTES
passes; their neighbours pass; nothing stalls."""

import hashlib
from datetime import UTC, datetime
from uuid import uuid4

import contracts as c
import pytest
from aiokafka import AIOKafkaProducer
from contracts import limits, topics
from faststream import TestApp
from ingest_service.entrypoints.app import create_app
from ingest_service.settings import IngestSettings
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from mysessions_platform.testing.kafka_reading import group_caught_up, read_records, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys

pytestmark = pytest.mark.integration

T0 = datetime.now(UTC).replace(microsecond=0)


def email(session: str, body: str = "<p>Hello</p>") -> c.EmailReceived:
    return c.EmailReceived(
        event_id=uuid4(),
        occurred_at=T0,
        tenant_id="tenant-a",
        session_id=session,
        sender=c.Party(address="jane@example.com", address_kind="email"),
        subject="Invoice",
        html_body=body,
        received_at=T0,
    )


def email_of_exactly(size: int) -> bytes:
    """A valid e-mail whose encoding is ``size`` bytes: its body padded with characters
    JSON writes as 6 bytes (``\\u0001``), then plain ones."""
    room = size - len(c.encode(email("s-exact", body="")))
    escaped, plain = divmod(room, 6)
    raw = c.encode(email("s-exact", body="\x01" * escaped + "a" * plain))
    assert len(raw) == size
    return raw


async def test_an_oversize_event_is_dead_lettered_and_one_at_the_limit_passes(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    bootstrap = servers.kafka_bootstrap_servers
    settings = IngestSettings().model_copy(
        update={
            "kafka_bootstrap_servers": bootstrap,
            "redis_url": servers.redis_url,
            "group_id": f"ingest-{redis_keys.prefix}",
            "source_topic": kafka_topics.name("raw"),
            "target_topic": kafka_topics.name("sessions"),
            "dead_letter_topic": kafka_topics.name("dlq"),
            "key_prefix": redis_keys.prefix,
            "partitions": 1,
        }
    )
    specs = TopicSettings.from_env({})
    drift = await ensure_topics(
        bootstrap,
        [
            specs.spec(topics.TELEPHONY_EVENTS, 1, settings.source_topic),
            specs.spec(topics.SESSION_EVENTS, 1, settings.target_topic),
            specs.spec(topics.DEAD_LETTERS, 1, settings.dead_letter_topic),
        ],
    )
    assert drift == []
    before, after = email("s-1"), email("s-2")
    at_limit = email_of_exactly(limits.MAX_EVENT_BYTES)
    oversize = c.encode(email("s-big", body="a" * 150_000))[:-1] + b" " * 2_000_000 + b"}"
    assert len(oversize) > 2_000_000
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, max_request_size=limits.RAW_TOPIC_MAX_MESSAGE_BYTES
    )
    await producer.start()
    try:
        for key, value in [
            (b"s-1", c.encode(before)),
            (b"s-big", oversize),
            (b"s-exact", at_limit),
            (b"s-2", c.encode(after)),
        ]:
            await producer.send_and_wait(settings.source_topic, value, key=key)
    finally:
        await producer.stop()

    async with TestApp(create_app(settings)):
        await wait_for(
            lambda: group_caught_up(bootstrap, settings.group_id, settings.source_topic),
            what="ingest to commit past both big records",
        )

    passed = await read_records(bootstrap, settings.target_topic, 3, timeout_s=10)
    assert [r.key for r in passed] == [b"s-1", b"s-exact", b"s-2"]
    assert passed[1].value == at_limit, "republished exactly as it came"
    [dead] = await read_records(bootstrap, settings.dead_letter_topic, 1, timeout_s=10)
    letter = c.DeadLetter.model_validate_json(dead.value)
    assert (letter.error_kind, letter.offset, letter.key) == ("invalid", 1, b"s-big")
    assert letter.original_truncated
    assert letter.original == oversize[: limits.DEAD_LETTER_PREFIX_BYTES]
    assert letter.original_length == len(oversize)
    assert letter.original_sha256 == hashlib.sha256(oversize).hexdigest()
    assert f"{len(oversize)} bytes, above the {limits.MAX_EVENT_BYTES}-byte" in letter.error
    assert len(dead.value) < 4 * limits.KIB
