"""The queue step for one batch: facts in, every affected agent's view updated.

Two Redis round trips per batch whatever its size: one appends the batch's facts to their
sessions and reads back each session's full set of facts, one writes every changed task
(and strips the caller details from the facts of every session that is over: a late or
redelivered event of such a session is stripped again by its own batch).
Then the stored tasks go to the changelog (one confirmed Kafka send per batch), before the
batch's offsets are committed.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from aiokafka import ConsumerRecord
from contracts import decode_after_call_work, decode_session_event, explain
from mysessions_platform.clock import utc_now
from mysessions_platform.kafka.deadletter import Rejection
from pydantic import ValidationError

from queue_service.adapters.activity import activity_of, later
from queue_service.adapters.store_types import SessionKey
from queue_service.adapters.translate import acw_fact, surely_not_a_fact, to_fact
from queue_service.domain import Fact, callers_forgotten, fold
from queue_service.ports import Changelog, CodesAndTags, SessionStore, SessionTasks, Written

__all__ = ["CodesAndTags", "NoCodesAndTags", "QueueStep", "StepCounts"]


class NoCodesAndTags:
    """Every service without settings: Codes and Tags off everywhere, nothing open."""

    async def enabled(self, tenant_id: str, service_id: str) -> bool:
        return False


@dataclass
class StepCounts:
    """Totals since start, for the worker's figures."""

    tasks_written: int = 0
    """Tasks stored changed (a redelivered event that changes nothing writes none)."""


@dataclass
class QueueStep:
    store: SessionStore
    clock: Callable[[], datetime] = utc_now
    changelog: Changelog | None = None
    """None where nothing must be recorded: a rebuild into a scratch prefix."""
    codes_and_tags: CodesAndTags = field(default_factory=NoCodesAndTags)
    """Which services have Codes and Tags on (the worker: the settings cache)."""
    acw_topic: str | None = None
    """Records of this topic are saved after-call work (``acw.submitted``)."""
    counts: StepCounts = field(default_factory=StepCounts)

    async def __call__(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> list[Rejection]:
        rejected: list[Rejection] = []
        new_facts: dict[SessionKey, list[Fact]] = defaultdict(list)
        # Events that are no facts still keep their session awake for the watchdog.
        activity: dict[SessionKey, datetime] = {}
        for record in records:
            if self.acw_topic is not None and record.topic == self.acw_topic:
                try:
                    saved = acw_fact(decode_after_call_work(record.value or b""))
                except ValidationError as error:
                    now = self.clock()
                    rejected.append(Rejection(record, "invalid", explain(error), now, now, 1))
                    continue
                new_facts[SessionKey(saved.tenant_id, saved.session_id)].append(saved)
                continue
            if surely_not_a_fact(record.value or b""):
                if seen := activity_of(record.value or b""):
                    key = SessionKey(seen.tenant_id, seen.session_id)
                    activity[key] = later(activity.get(key), seen.occurred_at)
                continue
            try:
                event = decode_session_event(record.value or b"")
            except ValidationError as error:
                # Ingest validated it already; a bad record here was written around it.
                now = self.clock()
                rejected.append(Rejection(record, "invalid", explain(error), now, now, 1))
                continue
            fact = to_fact(event)
            if fact is not None:
                new_facts[SessionKey(fact.tenant_id, fact.session_id)].append(fact)
            else:
                key = SessionKey(event.tenant_id, event.session_id)
                activity[key] = later(activity.get(key), event.occurred_at)
        if new_facts:
            await self.apply(new_facts, activity)
        elif activity:
            await self.store.touch(activity)
        return rejected

    async def apply(
        self,
        new_facts: dict[SessionKey, list[Fact]],
        activity: dict[SessionKey, datetime] | None = None,
    ) -> Written:
        every_fact = await self.store.append_facts(new_facts)
        folded = []
        for key, facts in every_fact.items():
            tasks = fold(facts, await self._acw_services(key, facts))
            last = max(fact.at for fact in facts)
            folded.append(SessionTasks(key, tasks, last, callers_forgotten(facts, tasks)))
        written = await self.store.write(folded, self.clock(), activity)
        self.counts.tasks_written += written.changed
        if self.changelog is not None and written.stored:
            await self.changelog.record(written.stored)
        return written

    async def _acw_services(self, key: SessionKey, facts: Sequence[Fact]) -> frozenset[str]:
        """The session's services with Codes and Tags on, by today's settings."""
        services = {fact.service_id for fact in facts if fact.service_id is not None}
        services |= {f.transfer_service_id for f in facts if f.transfer_service_id is not None}
        enabled = set()
        for service in sorted(services):
            if await self.codes_and_tags.enabled(key.tenant_id, service):
                enabled.add(service)
        return frozenset(enabled)
