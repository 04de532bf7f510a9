"""On real Kafka: a message too large to publish is the message's fault, not an outage.

Whether the producer refuses it (above its ``max_request_size``) or the broker does (above
the topic's ``max.message.bytes``), ``classify`` says MESSAGE, so BatchDelivery dead-letters
the record and the partition moves on instead of rewinding the batch forever.

Only the producer's own refusal leaves the producer usable: after the broker refused a
record, aiokafka's idempotent producer gets OutOfOrderSequenceNumber on that partition for
as long as it lives (seen on Kafka 4.3). Producer limits must stay below the topics'.
"""

from collections.abc import Sequence

import pytest
from aiokafka import ConsumerRecord
from aiokafka.admin import NewTopic
from aiokafka.errors import KafkaError
from contracts import DeadLetter
from mysessions_platform.failures import Failure, classify
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.deadletter import Rejection
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.kafka.retry import RetryPolicy
from mysessions_platform.testing.kafka_reading import read_records
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.records import consumer_record

pytestmark = pytest.mark.integration

TWO_MB = 2 * 1024 * 1024
FAST = RetryPolicy(attempts=2, first_delay_s=0.01, max_delay_s=0.05)


async def small_topic(kafka_topics: KafkaTopics, max_message_bytes: int) -> str:
    topic = kafka_topics.name("small")
    await kafka_topics.admin.create_topics(
        [NewTopic(topic, 1, 1, topic_configs={"max.message.bytes": str(max_message_bytes)})]
    )
    return topic


async def test_a_2_mb_message_on_a_default_topic_fails_as_the_messages_fault(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    topic = await kafka_topics.create("default")
    async with make_broker(servers.kafka_bootstrap_servers, client_id="test") as broker:
        with pytest.raises(KafkaError) as caught:
            await BrokerPublisher(broker).publish_all(topic, [(b"k", b"x" * TWO_MB)])

    assert classify(caught.value) is Failure.MESSAGE, repr(caught.value)


async def test_a_message_the_broker_refuses_as_too_large_is_the_messages_fault(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    topic = await small_topic(kafka_topics, max_message_bytes=50_000)
    async with make_broker(servers.kafka_bootstrap_servers, client_id="test") as broker:
        with pytest.raises(KafkaError) as caught:
            await BrokerPublisher(broker).publish_all(topic, [(b"k", b"x" * 200_000)])

    assert classify(caught.value) is Failure.MESSAGE, repr(caught.value)


async def test_a_record_whose_output_is_too_large_is_dead_lettered_and_its_neighbours_pass(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    target = await kafka_topics.create("default")
    dead = await kafka_topics.create("dlq")
    values = [b"small-1", b"grow", b"small-2"]
    records = [consumer_record(value, offset=offset) for offset, value in enumerate(values)]
    async with make_broker(servers.kafka_bootstrap_servers, client_id="test") as broker:
        publisher = BrokerPublisher(broker)

        async def republish(batch: Sequence[ConsumerRecord[bytes, bytes]]) -> list[Rejection]:
            outputs = [b"x" * TWO_MB if r.value == b"grow" else r.value or b"" for r in batch]
            await publisher.publish_all(target, [(None, value) for value in outputs])
            return []

        delivery = BatchDelivery(
            consumer_group="oversize-test",
            dead_letters=publisher,
            dead_letter_topic=dead,
            transient_retry=FAST,
            message_retry=FAST,
        )
        await delivery.run(records, republish)  # returns: the partition moves on

    passed = await read_records(servers.kafka_bootstrap_servers, target, 3, timeout_s=3)
    assert {r.value for r in passed} == {b"small-1", b"small-2"}
    (letter,) = [
        DeadLetter.model_validate_json(r.value or b"")
        for r in await read_records(servers.kafka_bootstrap_servers, dead, 1)
    ]
    assert (letter.offset, letter.error_kind) == (1, "failed")
    assert letter.error.startswith("MessageSizeTooLargeError"), letter.error
