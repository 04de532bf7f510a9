"""BatchDelivery: retries, isolation of a bad message, dead letters; in memory, no server.

An outage (``failures.classify``) never produces a dead letter, whether it strikes the whole
batch or one record while isolating.

The step and the dead-letter publisher are plain fakes; records are built here.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

import pytest
import redis.exceptions
from aiokafka import ConsumerRecord
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError
from contracts import DeadLetter
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.kafka.deadletter import Rejection
from mysessions_platform.kafka.retry import RetryPolicy
from mysessions_platform.testing.fakes import RecordingPublisher
from mysessions_platform.testing.records import consumer_record
from pymongo.errors import NotPrimaryError
from redis._parsers.base import BaseParser
from redis.asyncio import Redis

pytestmark = pytest.mark.unit

SOURCE = "sessions.events.v1"
DEAD = "test.deadletters"
GROUP = "queue-under-test"
FAST = RetryPolicy(attempts=3, first_delay_s=0.001, max_delay_s=0.01)

Record: TypeAlias = ConsumerRecord[bytes, bytes]


def record(offset: int, value: bytes, partition: int = 2) -> Record:
    key = f"session-{offset}".encode()
    return consumer_record(
        value,
        offset=offset,
        topic=SOURCE,
        partition=partition,
        key=key,
        timestamp=1_700_000_000_000 + offset,
    )


def dead_letters(publisher: RecordingPublisher) -> list[DeadLetter]:
    return [DeadLetter.model_validate_json(value) for value in publisher.values(DEAD)]


class FakeStep:
    """Processes ``ok`` records; returns ``invalid`` ones as rejected; raises ``poison``'s
    error on any call that includes it (before doing anything, like a failed transaction);
    raises ``transient`` for the first ``transient_failures`` calls."""

    def __init__(
        self,
        poison: bytes = b"poison",
        transient_failures: int = 0,
        transient: Exception | None = None,
    ) -> None:
        self.poison = poison
        self.transient_failures = transient_failures
        self.transient = transient or redis.exceptions.ConnectionError("Redis is away")
        self.calls: list[list[int]] = []
        self.processed: list[int] = []

    async def __call__(self, records: Sequence[Record]) -> list[Rejection]:
        self.calls.append([r.offset for r in records])
        if len(self.calls) <= self.transient_failures:
            raise self.transient
        if any(r.value == self.poison for r in records):
            raise ValueError("cannot fold this session")
        rejected: list[Rejection] = []
        for r in records:
            if r.value == b"invalid":
                now = datetime.now(UTC)
                rejected.append(Rejection(r, "invalid", "type: field required", now, now, 1))
            else:
                self.processed.append(r.offset)
        return rejected

    def calls_with(self, offset: int) -> int:
        return sum(1 for call in self.calls if offset in call)


def delivery(publisher: RecordingPublisher) -> BatchDelivery:
    return BatchDelivery(
        consumer_group=GROUP,
        dead_letters=publisher,
        dead_letter_topic=DEAD,
        transient_retry=FAST,
        message_retry=RetryPolicy(attempts=4, first_delay_s=0.01, max_delay_s=0.05),
    )


async def test_a_good_batch_is_processed_once_and_dead_letters_nothing() -> None:
    publisher, step = RecordingPublisher(), FakeStep()

    await delivery(publisher).run([record(n, b"ok") for n in range(5)], step)

    assert step.calls == [[0, 1, 2, 3, 4]]
    assert step.processed == [0, 1, 2, 3, 4]
    assert publisher.calls == 0


async def test_an_empty_batch_calls_nothing() -> None:
    publisher, step = RecordingPublisher(), FakeStep()

    await delivery(publisher).run([], step)

    assert step.calls == []
    assert publisher.calls == 0


async def test_an_invalid_record_is_dead_lettered_with_its_bytes_and_origin() -> None:
    publisher, step = RecordingPublisher(), FakeStep()
    bad = record(11, b"invalid", partition=1)

    await delivery(publisher).run([record(10, b"ok"), bad, record(12, b"ok")], step)

    assert step.processed == [10, 12]
    assert publisher.calls == 1
    (letter,) = dead_letters(publisher)
    assert letter.error_kind == "invalid"
    assert letter.original == b"invalid"
    assert (letter.source_topic, letter.partition, letter.offset) == (SOURCE, 1, 11)
    assert letter.key == b"session-11"
    assert letter.consumer_group == GROUP
    assert letter.attempts == 1
    assert publisher.keys(DEAD) == [b"session-11"], "dead letter keyed as the original"


async def test_a_record_that_always_fails_is_retried_alone_then_dead_lettered() -> None:
    publisher, step = RecordingPublisher(), FakeStep()
    policy = delivery(publisher)
    batch = [record(20, b"ok"), record(21, b"poison"), record(22, b"ok")]
    before = datetime.now(UTC) - timedelta(milliseconds=1)

    await policy.run(batch, step)

    after = datetime.now(UTC)
    # The whole batch once (a non-transient error is not retried as a batch), then each
    # record alone; the poison one as often as the message policy allows.
    assert step.calls[0] == [20, 21, 22]
    assert step.calls_with(21) == 1 + policy.message_retry.attempts
    assert step.calls[1:] == [[20], *[[21]] * policy.message_retry.attempts, [22]]
    assert step.processed == [20, 22], "its neighbours are processed"
    (letter,) = dead_letters(publisher)
    assert letter.error_kind == "failed"
    assert letter.attempts == policy.message_retry.attempts
    assert letter.original == b"poison"
    assert (letter.source_topic, letter.partition, letter.offset) == (SOURCE, 2, 21)
    assert letter.consumer_group == GROUP
    assert letter.error.startswith("ValueError")
    assert before <= letter.first_failure_at <= letter.last_failure_at <= after
    # Backoff of 10, 20 and 40 ms lies between the first and the last failure.
    assert letter.last_failure_at - letter.first_failure_at >= timedelta(milliseconds=60)


async def test_a_server_that_stays_away_fails_the_batch_and_dead_letters_nothing() -> None:
    publisher = RecordingPublisher()
    step = FakeStep(transient_failures=1_000)
    policy = delivery(publisher)

    with pytest.raises(redis.exceptions.ConnectionError):
        await policy.run([record(30, b"ok"), record(31, b"ok")], step)

    assert len(step.calls) == policy.transient_retry.attempts
    assert step.processed == []
    assert publisher.calls == 0


async def test_a_server_lost_while_isolating_fails_the_batch_too() -> None:
    publisher = RecordingPublisher()

    class RedisGoesAwayAfterTheBatch(FakeStep):
        async def __call__(self, records: Sequence[Record]) -> list[Rejection]:
            if self.calls:
                self.calls.append([r.offset for r in records])
                raise redis.exceptions.TimeoutError("Redis is slow")
            return await super().__call__(records)

    step = RedisGoesAwayAfterTheBatch()

    with pytest.raises(redis.exceptions.TimeoutError):
        await delivery(publisher).run([record(40, b"poison"), record(41, b"ok")], step)

    # Not the poison record's fault: no dead letter, the batch will be read again.
    assert step.processed == []
    assert publisher.calls == 0


async def test_a_transient_error_that_clears_up_within_the_budget_succeeds() -> None:
    publisher = RecordingPublisher()
    step = FakeStep(transient_failures=FAST.attempts - 1)

    await delivery(publisher).run([record(50, b"ok"), record(51, b"ok")], step)

    assert len(step.calls) == FAST.attempts
    assert step.processed == [50, 51]
    assert publisher.calls == 0


def redis_reply(reply: str) -> redis.exceptions.RedisError:
    """The exception redis-py makes of an error reply, as its parser does."""
    error = BaseParser.parse_error(reply)  # type: ignore[no-untyped-call]
    assert isinstance(error, redis.exceptions.RedisError)
    return error


REFUSALS = {
    "OOM": lambda: redis_reply("OOM command not allowed when used memory"),
    "READONLY": lambda: redis_reply("READONLY You can't write against a replica."),
    "BUSY": lambda: redis_reply("BUSY Redis is busy running a script."),
    "CLUSTERDOWN": lambda: redis_reply("CLUSTERDOWN The cluster is down"),
    "kafka": lambda: KafkaConnectionError("No connection to node 1"),
    "mongo": lambda: NotPrimaryError("not primary"),
}


@pytest.mark.parametrize("make_error", REFUSALS.values(), ids=REFUSALS.keys())
async def test_a_server_that_keeps_refusing_rewinds_the_batch_and_dead_letters_nothing(
    make_error: Callable[[], Exception],
) -> None:
    publisher = RecordingPublisher()
    step = FakeStep(transient_failures=1_000, transient=make_error())
    policy = delivery(publisher)

    with pytest.raises(type(make_error())):
        await policy.run([record(60, b"ok"), record(61, b"invalid")], step)

    assert len(step.calls) == policy.transient_retry.attempts, "retried as a batch, not split"
    assert publisher.calls == 0


async def test_a_refusal_while_isolating_rewinds_and_dead_letters_nothing_not_even_poison() -> None:
    publisher = RecordingPublisher()

    class ReplicaAfterThePoison(FakeStep):
        async def __call__(self, records: Sequence[Record]) -> list[Rejection]:
            if [r.offset for r in records] == [72]:
                self.calls.append([72])
                raise redis_reply("READONLY You can't write against a replica.")
            return await super().__call__(records)

    step = ReplicaAfterThePoison()
    policy = delivery(publisher)

    with pytest.raises(redis.exceptions.ReadOnlyError):
        await policy.run([record(70, b"ok"), record(71, b"poison"), record(72, b"ok")], step)

    # 71 failed for good, but 72's outage rewinds the batch: 71 is isolated again next time.
    assert step.calls_with(72) == 1 + policy.transient_retry.attempts
    assert publisher.calls == 0


async def test_an_outage_of_one_record_that_clears_up_while_isolating_dead_letters_nothing() -> (
    None
):
    publisher = RecordingPublisher()

    class SlowOnce(FakeStep):
        async def __call__(self, records: Sequence[Record]) -> list[Rejection]:
            if [r.offset for r in records] == [82] and self.calls_with(82) == 1:
                self.calls.append([82])
                raise redis.exceptions.TimeoutError("Timeout reading")
            return await super().__call__(records)

    step = SlowOnce()

    await delivery(publisher).run(
        [record(80, b"ok"), record(81, b"poison"), record(82, b"ok")], step
    )

    assert step.processed == [80, 82]
    assert [letter.offset for letter in dead_letters(publisher)] == [81]


async def test_a_message_too_large_for_kafka_is_the_messages_fault_not_an_outage() -> None:
    publisher = RecordingPublisher()
    step = FakeStep(poison=b"huge")

    async def refuse_huge(records: Sequence[Record]) -> list[Rejection]:
        if any(r.value == b"huge" for r in records):
            step.calls.append([r.offset for r in records])
            raise MessageSizeTooLargeError("The message is 2000088 bytes when serialized")
        return await step(records)

    policy = delivery(publisher)

    await policy.run([record(90, b"ok"), record(91, b"huge"), record(92, b"ok")], refuse_huge)

    assert step.processed == [90, 92], "the partition moves on"
    (letter,) = dead_letters(publisher)
    assert (letter.offset, letter.error_kind) == (91, "failed")
    assert letter.error.startswith("MessageSizeTooLargeError")
    assert letter.attempts == policy.message_retry.attempts


async def test_a_dead_letter_reason_does_not_quote_a_pipelined_commands_arguments() -> None:
    publisher = RecordingPublisher()

    async def wrong_type(records: Sequence[Record]) -> list[Rejection]:
        error = redis_reply("WRONGTYPE Operation against a key")
        Redis().pipeline().annotate_exception(error, 1, ("EVALSHA", "sha", "+33612345678"))
        raise error

    await delivery(publisher).run([record(100, b"ok")], wrong_type)

    (letter,) = dead_letters(publisher)
    assert "+33612345678" not in letter.error
    assert (
        letter.error == "ResponseError: command #1 of a pipeline: WRONGTYPE Operation against a key"
    )
