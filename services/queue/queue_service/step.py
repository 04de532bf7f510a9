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
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import ConsumerRecord
from contracts import decode_session_event, explain
from mysessions_platform.kafka.deadletter import Rejection
from pydantic import ValidationError

from queue_service.adapters.activity import activity_of, later
from queue_service.adapters.changelog import TaskChangelog
from queue_service.adapters.store import SessionKey, SessionTasks, TaskStore, Written
from queue_service.adapters.translate import surely_not_a_fact, to_fact
from queue_service.domain import Fact, callers_forgotten, fold


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class QueueStep:
    store: TaskStore
    clock: Callable[[], datetime] = utc_now
    changelog: TaskChangelog | None = None
    """None where nothing must be recorded: a rebuild into a scratch prefix."""

    async def __call__(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> list[Rejection]:
        rejected: list[Rejection] = []
        new_facts: dict[SessionKey, list[Fact]] = defaultdict(list)
        # Events that are no facts still keep their session awake for the watchdog.
        activity: dict[SessionKey, datetime] = {}
        for record in records:
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
            tasks = fold(facts)
            last = max(fact.at for fact in facts)
            folded.append(SessionTasks(key, tasks, last, callers_forgotten(facts, tasks)))
        written = await self.store.write(folded, self.clock(), activity)
        if self.changelog is not None and written.stored:
            await self.changelog.record(written.stored)
        return written
