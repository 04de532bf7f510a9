"""Runs a worker's batch step with retries, isolates bad messages, dead-letters them."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import structlog
from aiokafka import ConsumerRecord
from contracts import topics

from mysessions_platform.kafka.deadletter import Publisher, Rejection, dead_letter
from mysessions_platform.kafka.retry import RetryPolicy, is_transient, with_retries

Records = Sequence[ConsumerRecord[bytes, bytes]]
BatchStep = Callable[[Records], Awaitable[list[Rejection]]]
"""Processes records with idempotent effects; returns the records that can never succeed."""

log = structlog.get_logger(__name__)


def _describe(error: BaseException) -> str:
    # The type and the message, which our own code writes without message values.
    return f"{type(error).__name__}: {error}"


@dataclass
class BatchDelivery:
    consumer_group: str
    dead_letters: Publisher
    dead_letter_topic: str = topics.DEAD_LETTERS
    transient_retry: RetryPolicy = field(default_factory=RetryPolicy)
    message_retry: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(attempts=3, first_delay_s=0.05)
    )

    async def run(self, records: Records, step: BatchStep) -> None:
        """Returns once every record is either processed or dead-lettered.

        Raises (so the batch is not acknowledged and is read again) only when a server
        stays unreachable, which is no message's fault.
        """
        if not records:
            return
        try:
            rejected = await with_retries(lambda: step(records), self.transient_retry)
        except Exception as error:
            if is_transient(error):
                log.error(
                    "servers unavailable; the batch will be read again",
                    error=_describe(error),
                    records=len(records),
                )
                raise
            log.warning("batch failed, isolating messages", error=_describe(error))
            rejected = await self._one_by_one(records, step)
        await with_retries(
            lambda: dead_letter(
                self.dead_letters, self.dead_letter_topic, rejected, self.consumer_group
            ),
            self.transient_retry,
        )
        for rejection in rejected:
            log.warning(
                "dead-lettered",
                topic=rejection.record.topic,
                partition=rejection.record.partition,
                offset=rejection.record.offset,
                kind=rejection.kind,
                reason=rejection.reason,
            )

    async def _one_by_one(self, records: Records, step: BatchStep) -> list[Rejection]:
        rejected: list[Rejection] = []
        for record in records:
            first_failure = datetime.now(UTC)
            attempts = 0

            async def attempt(record: ConsumerRecord[bytes, bytes] = record) -> list[Rejection]:
                nonlocal attempts
                attempts += 1
                return await step([record])

            try:
                rejected += await with_retries(
                    attempt, self.message_retry, retry_if=lambda _error: True
                )
            except Exception as error:
                if is_transient(error):
                    raise
                rejected.append(
                    Rejection(
                        record=record,
                        kind="failed",
                        reason=_describe(error),
                        first_failure_at=first_failure,
                        last_failure_at=datetime.now(UTC),
                        attempts=attempts,
                    )
                )
        return rejected
