"""Runs a worker's batch step with retries, isolates bad messages, dead-letters them."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TypeVar

import structlog
from aiokafka import ConsumerRecord
from contracts import topics

from mysessions_platform.failures import Failure, classify, describe
from mysessions_platform.kafka.deadletter import Publisher, Rejection, dead_letter
from mysessions_platform.kafka.retry import RetryPolicy, with_retries

T = TypeVar("T")
Records = Sequence[ConsumerRecord[bytes, bytes]]
BatchStep = Callable[[Records], Awaitable[list[Rejection]]]
"""Processes records with idempotent effects; returns the records that can never succeed."""

log = structlog.get_logger(__name__)


class DeliveryMetrics(Protocol):
    """What a delivery tells its figures (``worker.metrics.WorkerMetrics``)."""

    def batch_read(self, records: Records) -> None: ...
    def batch_done(
        self, records: Records, rejected: Sequence[Rejection], seconds: float
    ) -> None: ...
    def outage_retried(self) -> None: ...
    def batch_rewound(self, records: Records, seconds: float) -> None: ...


class NoMetrics:
    def batch_read(self, records: Records) -> None:
        pass

    def batch_done(self, records: Records, rejected: Sequence[Rejection], seconds: float) -> None:
        pass

    def outage_retried(self) -> None:
        pass

    def batch_rewound(self, records: Records, seconds: float) -> None:
        pass


def _is_message_failure(error: BaseException) -> bool:
    return classify(error) is Failure.MESSAGE


@dataclass
class BatchDelivery:
    consumer_group: str
    dead_letters: Publisher
    dead_letter_topic: str = topics.DEAD_LETTERS
    transient_retry: RetryPolicy = field(default_factory=RetryPolicy)
    message_retry: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(attempts=3, first_delay_s=0.05)
    )
    metrics: DeliveryMetrics = field(default_factory=NoMetrics)

    async def run(self, records: Records, step: BatchStep) -> None:
        """Returns once every record is either processed or dead-lettered.

        Raises (so the batch is not acknowledged and is read again) only on an outage that
        outlasts the retries (``failures.classify``): a server away, slow or refusing is no
        message's fault, so nothing is dead-lettered for it, even while isolating.
        """
        if not records:
            return
        began = time.monotonic()
        self.metrics.batch_read(records)
        try:
            rejected = await self._run(records, step)
        except asyncio.CancelledError:
            # The worker's stop grace ran out (or its task was cancelled): nothing of the
            # batch is committed, so it is read again; its effects are idempotent.
            log.warning("batch cut short; it will be read again", records=len(records))
            self.metrics.batch_rewound(records, time.monotonic() - began)
            raise
        except BaseException:
            self.metrics.batch_rewound(records, time.monotonic() - began)
            raise
        self.metrics.batch_done(records, rejected, time.monotonic() - began)

    async def _run(self, records: Records, step: BatchStep) -> list[Rejection]:
        try:
            rejected = await self._retried(lambda: step(records))
        except Exception as error:
            if classify(error) is Failure.OUTAGE:
                self._log_outage(error, len(records))
                raise
            log.warning("batch failed, isolating messages", error=describe(error))
            rejected = await self._one_by_one(records, step)
        await self._retried(
            lambda: dead_letter(
                self.dead_letters, self.dead_letter_topic, rejected, self.consumer_group
            )
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
        return rejected

    async def _retried(self, action: Callable[[], Awaitable[T]]) -> T:
        """Through outages, each retry counted."""
        return await with_retries(
            action, self.transient_retry, on_retry=self.metrics.outage_retried
        )

    def _log_outage(self, error: BaseException, records: int) -> None:
        log.error(
            "servers unavailable; the batch will be read again",
            error=describe(error),
            records=records,
        )

    async def _one_by_one(self, records: Records, step: BatchStep) -> list[Rejection]:
        """Each record alone: an outage is retried as for a batch and, if it persists,
        re-raised (rewinding the whole batch; the rejections gathered so far are dropped and
        found again on the next read); a message failure is retried ``message_retry`` times,
        then the record is dead-lettered as ``failed``."""
        rejected: list[Rejection] = []
        for record in records:
            first_failure = datetime.now(UTC)
            attempts = 0

            async def once(record: ConsumerRecord[bytes, bytes] = record) -> list[Rejection]:
                nonlocal attempts
                attempts += 1
                return await step([record])

            async def through_outages() -> list[Rejection]:
                return await self._retried(once)

            try:
                rejected += await with_retries(
                    through_outages, self.message_retry, retry_if=_is_message_failure
                )
            except Exception as error:
                if classify(error) is Failure.OUTAGE:
                    self._log_outage(error, len(records))
                    raise
                rejected.append(
                    Rejection(
                        record=record,
                        kind="failed",
                        reason=describe(error),
                        first_failure_at=first_failure,
                        last_failure_at=datetime.now(UTC),
                        attempts=attempts,
                    )
                )
        return rejected
