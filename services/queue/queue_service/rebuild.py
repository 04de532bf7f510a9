"""Recomputes the queue's Redis state from Kafka without ever losing what it cannot restore.

Two sources, in this order, into a scratch prefix first:
1. the task changelog (compacted, kept for the whole history window): every task as last
   stored, restored under the same revision guard and history rules as a live write;
2. the session events still in ``sessions.events.v1`` (kept only days: they carry callers'
   numbers), replayed through the same step the live worker runs. They restore the
   session facts that live sessions need to go on, and tasks newer than the changelog.

Then the scratch state is compared with the current one. If any task stored now would be
missing or older afterwards, nothing is deleted and the report says how many and why;
``force`` rebuilds anyway. Otherwise the current keys are deleted and the scratch keys take
their place (same hash tags, so each key keeps its slot).

Stop the queue workers first when rebuilding their own prefix; or rebuild into another
prefix and compare the two (``mysessions rebuild --prefix other --compare-with ms``).
"""

import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from contracts.limits import CONSUMER_MAX_PARTITION_FETCH_BYTES
from mysessions_platform.clock import utc_now
from mysessions_platform.kafka.topics import topic_partitions
from pydantic import ValidationError

from queue_service.adapters.changelog import from_record
from queue_service.adapters.erasures import ErasureRegister, subjects_of_event
from queue_service.adapters.forget import ErasedTask
from queue_service.adapters.store import TaskStore
from queue_service.step import CodesAndTags, NoCodesAndTags, QueueStep


@dataclass
class RebuildReport:
    changelog_records: int = 0
    changelog_invalid: int = 0
    records: int = 0
    invalid: int = 0
    tasks_before: int = 0
    tasks_after: int = 0
    missing: dict[str, int] = field(default_factory=dict)
    """Agent key → tasks stored now that neither source holds."""
    older: dict[str, int] = field(default_factory=dict)
    """Agent key → tasks the sources hold only in an older version."""
    refused: bool = False
    deleted_keys: int = 0
    erased: int = 0
    """Events not replayed: their tenant, service, session or task was unprovisioned."""

    @property
    def would_lose(self) -> int:
        return sum(self.missing.values()) + sum(self.older.values())


async def read_topic(
    bootstrap_servers: str, topic: str, batch: int = 5000
) -> AsyncIterator[list[ConsumerRecord[bytes, bytes]]]:
    """Every record of the topic up to its end as of now, in batches, partition order kept."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=CONSUMER_MAX_PARTITION_FETCH_BYTES,
    )
    await consumer.start()
    try:
        partitions = await topic_partitions(bootstrap_servers, topic)
        if not partitions:
            return
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if await consumer.position(tp) < end[tp]}
        while remaining:
            fetched = await consumer.getmany(*remaining, timeout_ms=1000, max_records=batch)
            records = [record for part in fetched.values() for record in part]
            for tp in list(remaining):
                if await consumer.position(tp) >= end[tp]:
                    remaining.discard(tp)
            chosen = [r for r in records if r.offset < end[TopicPartition(r.topic, r.partition)]]
            if chosen:
                yield chosen
    finally:
        await consumer.stop()


@dataclass
class Rebuild:
    make_store: Callable[[str], TaskStore]
    bootstrap_servers: str
    events_topic: str
    changelog_topic: str
    clock: Callable[[], datetime] = utc_now
    codes_and_tags: CodesAndTags = field(default_factory=NoCodesAndTags)
    """The live worker's settings source, so replayed tasks get the same open marker."""
    acw_topic: str | None = None
    """Saved after-call work, replayed with the events (its facts clear the markers)."""
    erasures: ErasureRegister | None = None
    """What was unprovisioned: its events are not replayed."""

    async def run(self, prefix: str, *, force: bool = False) -> RebuildReport:
        report = RebuildReport()
        target = self.make_store(prefix)
        scratch = self.make_store(f"{prefix}~rebuild-{uuid.uuid4().hex[:8]}")
        try:
            await self._restore_changelog(scratch, report)
            await self._replay_events(scratch, report)
            expired_before = self.clock() - target.history.window
            current = _within_window(await target.snapshot(), expired_before)
            _compare(current, await scratch.snapshot(), report)
            if report.would_lose and not force:
                report.refused = True
                return report
            report.deleted_keys = await target.clear()
            await scratch.move_to(target)
            return report
        finally:
            await scratch.clear()  # empty after a move; the whole scratch state otherwise

    async def _restore_changelog(self, scratch: TaskStore, report: RebuildReport) -> None:
        async for records in read_topic(self.bootstrap_servers, self.changelog_topic):
            # The last record of a key in the batch wins: a tombstone (unprovisioning) after
            # a task's versions forgets it, also a version restored from an earlier batch.
            latest: dict[bytes | None, bytes | None] = {}
            for record in records:
                latest.pop(record.key, None)
                latest[record.key] = record.value
            tasks, forgotten = [], []
            for key, value in latest.items():
                if value is None:
                    if key is not None and (task := _identity(key)) is not None:
                        forgotten.append(task)
                    continue
                report.changelog_records += 1
                try:
                    tasks.append(from_record(value))
                except ValidationError:
                    report.changelog_invalid += 1
            await scratch.restore(tasks, self.clock())
            await scratch.forget(forgotten)

    async def _replay_events(self, scratch: TaskStore, report: RebuildReport) -> None:
        # No changelog: it is the source here.
        step = QueueStep(
            scratch, self.clock, codes_and_tags=self.codes_and_tags, acw_topic=self.acw_topic
        )
        for topic in (self.events_topic, *([self.acw_topic] if self.acw_topic else [])):
            async for records in read_topic(self.bootstrap_servers, topic):
                report.records += len(records)
                kept = [r for r in records if not await self._erased(r.value)]
                report.erased += len(records) - len(kept)
                report.invalid += len(await step(kept))

    async def _erased(self, raw: bytes | None) -> bool:
        """An event of a tenant, service, session or task unprovisioned since it occurred."""
        if self.erasures is None or raw is None:
            return False
        try:
            event = json.loads(raw)
            occurred_at = datetime.fromisoformat(event["occurred_at"])
        except (ValueError, KeyError, TypeError):
            return False  # the step rejects it as it always did
        if not isinstance(event, dict) or occurred_at.tzinfo is None:
            return False
        return await self.erasures.erased(subjects_of_event(event), occurred_at)


def _compare(
    current: dict[str, dict[str, str]], rebuilt: dict[str, dict[str, str]], report: RebuildReport
) -> None:
    report.tasks_before = sum(len(tasks) for tasks in current.values())
    report.tasks_after = sum(len(tasks) for tasks in rebuilt.values())
    for agent, tasks in current.items():
        restored = rebuilt.get(agent, {})
        missing = sum(1 for task_id in tasks if task_id not in restored)
        older = sum(
            1
            for task_id, raw in tasks.items()
            if task_id in restored and _rev(restored[task_id]) < _rev(raw)
        )
        if missing:
            report.missing[agent] = missing
        if older:
            report.older[agent] = older


def _within_window(
    snapshot: dict[str, dict[str, str]], expired_before: datetime
) -> dict[str, dict[str, str]]:
    """Leaves out ended tasks older than the history window: any write drops them anyway,
    so their absence after a rebuild is no loss."""
    return {
        agent: {task_id: raw for task_id, raw in tasks.items() if not _expired(raw, expired_before)}
        for agent, tasks in snapshot.items()
    }


def _expired(raw: str, expired_before: datetime) -> bool:
    task = json.loads(raw)
    return bool(
        task["state"] == "ended" and datetime.fromisoformat(task["updated_at"]) < expired_before
    )


def _rev(raw: str) -> int:
    return int(json.loads(raw)["rev"])


def _identity(key: bytes) -> ErasedTask | None:
    """The task of a changelog key (``contracts.task_key``), None for a foreign key."""
    try:
        tenant_id, user_id, user_session_id = json.loads(key)
    except (ValueError, TypeError):
        return None
    if not all(isinstance(part, str) for part in (tenant_id, user_id, user_session_id)):
        return None
    return ErasedTask(tenant_id, user_id, user_session_id)
