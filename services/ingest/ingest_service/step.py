"""The ingest step for one batch: validate, drop duplicates, republish, remember."""

from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import ConsumerRecord
from contracts import SessionEvent
from mysessions_platform.clock import Clock, utc_now
from mysessions_platform.kafka.deadletter import Rejection

from ingest_service import keys
from ingest_service.ports import Publisher, SeenEvents
from ingest_service.validation import accept


@dataclass
class IngestStep:
    deduplicator: SeenEvents
    publisher: Publisher
    target_topic: str
    key_prefix: str
    clock: Clock = utc_now

    async def __call__(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> list[Rejection]:
        rejected: list[Rejection] = []
        # Repeats within a batch fold here; the value is the event as republished.
        events: dict[keys.SeenKey, tuple[SessionEvent, bytes]] = {}
        for record in records:
            accepted = accept(record.value)
            if isinstance(accepted, str):
                now = self.clock()
                rejected.append(Rejection(record, "invalid", accepted, now, now, 1))
                continue
            event = accepted[0]
            events.setdefault(
                keys.seen_event(self.key_prefix, event.tenant_id, str(event.event_id)), accepted
            )

        claims = await self.deduplicator.claim(list(events))
        fresh = {
            key: event for (key, event), new in zip(events.items(), claims, strict=True) if new
        }
        # Batch order is upstream order per partition, and so per session: kept as is.
        await self.publisher.publish_all(
            self.target_topic,
            [(event.session_id.encode(), value) for event, value in fresh.values()],
        )
        await self.deduplicator.confirm(list(fresh))
        return rejected
