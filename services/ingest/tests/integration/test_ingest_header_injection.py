"""An e-mail whose subject carries CR/LF is dead-lettered by the ingest worker, naming the
field and not the value; the events around it pass (issue 13, finding 8c)."""

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
INJECTED = "Invoice\r\nBcc: everyone@example.com"


def mail(session: str, subject: str) -> bytes:
    """Built as upstream would send it: JSON, not through the model (which refuses CR/LF)."""
    sender = {"address": "jane.doe@example.com", "address_kind": "email", "display_name": "Jane"}
    return c.encode(
        c.EmailReceived(
            event_id=uuid4(),
            occurred_at=T0,
            tenant_id="tenant-a",
            session_id=session,
            sender=c.Party.model_validate(sender),
            subject="placeholder",
            html_body="<p>Hello</p>",
            received_at=T0 + timedelta(seconds=1),
        )
    ).replace(b'"placeholder"', json.dumps(subject).encode())


async def test_a_subject_with_cr_lf_is_dead_lettered_and_its_neighbours_pass(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys
) -> None:
    source = await kafka_topics.create("raw")
    target = await kafka_topics.create("sessions")
    dead = await kafka_topics.create("dlq")
    settings = IngestSettings().model_copy(
        update={
            "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
            "redis_url": servers.redis_url,
            "group_id": f"ingest-{redis_keys.prefix}",
            "source_topic": source,
            "target_topic": target,
            "dead_letter_topic": dead,
            "key_prefix": redis_keys.prefix,
        }
    )
    sent = [mail("s-1", "Before"), mail("s-2", INJECTED), mail("s-3", "After\tthe tab")]
    producer = AIOKafkaProducer(bootstrap_servers=servers.kafka_bootstrap_servers)
    await producer.start()
    try:
        for session, value in zip(("s-1", "s-2", "s-3"), sent, strict=True):
            await producer.send_and_wait(source, value, key=session.encode(), partition=0)
    finally:
        await producer.stop()

    async with TestApp(create_app(settings)):
        await wait_for(
            lambda: group_caught_up(servers.kafka_bootstrap_servers, settings.group_id, source),
            what="ingest to commit the whole topic",
        )

    republished = await read_records(servers.kafka_bootstrap_servers, target, 2, timeout_s=5)
    events = [c.decode_session_event(record.value) for record in republished]
    assert [e.session_id for e in events] == ["s-1", "s-3"]
    assert [e.subject for e in events if isinstance(e, c.EmailReceived)] == [
        "Before",
        "After\tthe tab",
    ]
    (letter,) = [
        c.DeadLetter.model_validate_json(record.value)
        for record in await read_records(servers.kafka_bootstrap_servers, dead, 1, timeout_s=10)
    ]
    assert (letter.offset, letter.error_kind, letter.original) == (1, "invalid", sent[1])
    assert letter.error == (
        "email.received.subject: a control character (CR, LF, NUL, DEL, ...)"
        " or line separator in a single-line text"
    )
    assert "Bcc" not in letter.error
