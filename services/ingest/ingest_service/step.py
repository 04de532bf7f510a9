"""The ingest step for one batch: validate, drop duplicates, republish, remember."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import ConsumerRecord
from contracts import SessionEvent, encode
from mysessions_platform.kafka.deadletter import Publisher, Rejection

from ingest_service import keys
from ingest_service.dedupe import Deduplicator
from ingest_service.validation import parse


@dataclass
class IngestStep:
    deduplicator: Deduplicator
    publisher: Publisher
    target_topic: str
    key_prefix: str

    async def __call__(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> list[Rejection]:
        rejected: list[Rejection] = []
        events: dict[keys.SeenKey, SessionEvent] = {}  # repeats within a batch fold here
        for record in records:
            parsed = parse(record.value)
            if isinstance(parsed, str):
                now = datetime.now(UTC)
                rejected.append(Rejection(record, "invalid", parsed, now, now, 1))
                continue
            key = keys.seen_event(self.key_prefix, parsed.tenant_id, str(parsed.event_id))
            events.setdefault(key, parsed)

        claims = await self.deduplicator.claim(list(events))
        fresh = {
            key: event for (key, event), new in zip(events.items(), claims, strict=True) if new
        }
        # Batch order is upstream order per partition, and so per session: kept as is.
        await self.publisher.publish_all(
            self.target_topic,
            [(event.session_id.encode(), encode(event)) for event in fresh.values()],
        )
        await self.deduplicator.confirm(list(fresh))
        return rejected
