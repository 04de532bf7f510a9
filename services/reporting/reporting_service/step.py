"""The reporting step for one batch of any of its three topics: facts in, trackers touched.

Per batch, whatever its size: one insert of the facts, then the trackers touched (one read
of which are tracked, one update of those, one insert of the others), so each session's
settle time starts again. Which facts came after their session's records were written is
the sweep's to find (once per page of due sessions, not once per batch: a read of the
written sessions' markers by id, one find per session on FerretDB v1). A crash between any
two writes repeats them on redelivery, all idempotent.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from aiokafka import ConsumerRecord
from contracts import AfterCallWorkSubmitted
from contracts.codec import QUEUE_TASK_ADAPTER, decode_session_event, explain
from mysessions_platform.clock import utc_now
from mysessions_platform.kafka.deadletter import Rejection
from pydantic import ValidationError

from reporting_service.adapters.translate import surely_ignored, to_session_fact, to_task, to_work
from reporting_service.ports import Fact, PendingFacts, SessionKey

log = structlog.get_logger(__name__)


@dataclass
class StepCounts:
    facts: int = 0


@dataclass
class ReportingStep:
    facts: PendingFacts
    changelog_topic: str
    events_topic: str
    acw_topic: str
    settle: timedelta
    clock: Callable[[], datetime] = utc_now
    counts: StepCounts = field(default_factory=StepCounts)

    def _decode(self, record: ConsumerRecord[bytes, bytes]) -> tuple[str, str, Fact] | None:
        if record.value is None and record.topic == self.changelog_topic:
            return None  # a tombstone: the task was unprovisioned, its facts with it
        raw = record.value or b""
        if record.topic == self.changelog_topic:
            task = QUEUE_TASK_ADAPTER.validate_json(raw)
            return task.tenant_id, task.session_id, to_task(task)
        if record.topic == self.acw_topic:
            saved = AfterCallWorkSubmitted.model_validate_json(raw)
            return saved.tenant_id, saved.session_id, to_work(saved)
        if surely_ignored(raw):
            return None
        event = decode_session_event(raw)
        fact = to_session_fact(event)
        return None if fact is None else (event.tenant_id, event.session_id, fact)

    async def __call__(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> list[Rejection]:
        rejected: list[Rejection] = []
        by_session: dict[SessionKey, list[Fact]] = defaultdict(list)
        for record in records:
            try:
                decoded = self._decode(record)
            except ValidationError as error:
                now = self.clock()
                rejected.append(Rejection(record, "invalid", explain(error), now, now, 1))
                continue
            if decoded is not None:
                tenant, session, fact = decoded
                by_session[(tenant, session)].append(fact)
        if not by_session:
            return rejected
        await self.facts.add(
            [
                (tenant, session, fact)
                for (tenant, session), facts in by_session.items()
                for fact in facts
            ]
        )
        now = self.clock()
        await self.facts.touch(list(by_session), now, now + self.settle)
        self.counts.facts += sum(len(facts) for facts in by_session.values())
        return rejected


def late_document(
    tenant_id: str, session_id: str, key: str, rev: int, now: datetime
) -> dict[str, object]:
    kind = key.split('"')[1]  # the key is a JSON array whose first item is the fact's kind
    return {
        "_id": f"{key}@{rev}",
        "tenant_id": tenant_id,
        "session_id": session_id,
        "fact": kind,
        "rev": rev,
        "arrived_at": now,
    }
