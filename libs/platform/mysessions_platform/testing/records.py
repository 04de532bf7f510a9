"""Kafka records as a consumer hands them to a worker's step, built for tests."""

from aiokafka import ConsumerRecord


def consumer_record(
    value: bytes,
    *,
    offset: int = 0,
    topic: str = "source",
    partition: int = 0,
    key: bytes | None = None,
    timestamp: int = 0,
) -> ConsumerRecord[bytes, bytes]:
    built: ConsumerRecord[bytes, bytes] = ConsumerRecord(
        topic=topic,
        partition=partition,
        offset=offset,
        timestamp=timestamp,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key or b""),
        serialized_value_size=len(value),
        headers=(),
    )
    return built
