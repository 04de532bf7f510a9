"""A dead-letter envelope always fits its topic: computed at the worst case."""

import hashlib
from datetime import UTC, datetime

import pytest
from aiokafka import ConsumerRecord
from contracts import DeadLetter, encode
from contracts import limits as lim
from mysessions_platform.kafka.deadletter import MAX_ERROR_CHARS, Rejection, dead_letter, envelope
from mysessions_platform.testing.fakes import RecordingPublisher
from mysessions_platform.testing.records import consumer_record

pytestmark = pytest.mark.unit

T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
LONGEST_TOPIC = "t" * 249  # Kafka's own limit on topic names


def record(value: bytes, key: bytes | None = b"s-1") -> ConsumerRecord[bytes, bytes]:
    return consumer_record(
        value, topic=LONGEST_TOPIC, partition=2**31 - 1, offset=2**63 - 1, key=key
    )


def rejected(value: bytes, key: bytes | None = b"s-1", reason: str = "bad") -> Rejection:
    return Rejection(record(value, key), "failed", reason, T0, T0, 2**31)


def test_the_worst_envelope_fits_the_dead_letter_topic() -> None:
    # Every field at its largest: the biggest original kept whole (exactly at the
    # threshold), an error of 10,000 characters that each take 6 bytes in JSON, an
    # absurd key, the longest topic and group names.
    worst = rejected(b"\xff" * lim.MAX_EVENT_BYTES, b"k" * (4 * lim.MIB), "\x01" * MAX_ERROR_CHARS)
    letter = envelope(worst, "g" * 1000)
    value = encode(letter)
    assert not letter.original_truncated
    assert letter.key_truncated
    assert len(value) <= lim.MAX_DEAD_LETTER_BYTES
    record_size = len(letter.key or b"") + len(value)
    assert record_size < lim.DEAD_LETTER_TOPIC_MAX_MESSAGE_BYTES - 1024, "room for headers"
    assert DeadLetter.model_validate_json(value) == letter


def test_an_original_above_the_event_limit_keeps_its_first_bytes_length_and_hash() -> None:
    original = bytes(range(256)) * (8 * 1024)  # 2 MiB
    letter = envelope(rejected(original), "ingest")
    assert letter.original_truncated
    assert letter.original == original[: lim.DEAD_LETTER_PREFIX_BYTES]
    assert letter.original_length == len(original)
    assert letter.original_sha256 == hashlib.sha256(original).hexdigest()
    assert len(encode(letter)) < 4 * lim.KIB


def test_an_original_at_the_limit_is_kept_whole() -> None:
    original = b"{" * lim.MAX_EVENT_BYTES
    letter = envelope(rejected(original), "ingest")
    assert letter.original == original
    assert not letter.original_truncated
    assert letter.original_length == lim.MAX_EVENT_BYTES


def test_an_envelope_cannot_claim_a_whole_original_of_another_length() -> None:
    letter = envelope(rejected(b"abc"), "ingest")
    with pytest.raises(ValueError, match="original_length"):
        DeadLetter.model_validate({**letter.model_dump(), "original_length": 4})


async def test_the_dead_letter_record_key_is_cut_like_the_envelopes() -> None:
    publisher = RecordingPublisher()
    await dead_letter(publisher, "dlq", [rejected(b"x", b"k" * 10_000)], "ingest")
    [(key, _)] = publisher.messages("dlq")
    assert key == b"k" * lim.DEAD_LETTER_MAX_KEY_BYTES
