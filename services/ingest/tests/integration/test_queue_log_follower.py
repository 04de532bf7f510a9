"""The follower loop on a real file with a publisher that fails: an outage holds the batch
(no checkpoint past it) and delivers it once the publisher is back."""

import asyncio
import json
from pathlib import Path

import pytest
from aiokafka.errors import KafkaConnectionError
from contracts import SessionEvent
from ingest_service.queue_log import QueueLogOptions
from ingest_service.queue_log_follow import CheckpointFile, FollowStats, follow
from mysessions_platform.testing.kafka_reading import wait_for

pytestmark = pytest.mark.integration

ENTER = "1718000000|c.1|support|NONE|ENTERQUEUE||+15551230001|1|\n"


async def test_an_outage_holds_the_batch_and_delivers_it_once(tmp_path: Path) -> None:
    log, state = tmp_path / "queue_log", tmp_path / "state.json"
    log.write_text(ENTER)
    failures: list[Exception] = [KafkaConnectionError()]
    published: list[SessionEvent] = []
    checkpoints_seen: list[bool] = []

    async def publish(events: list[SessionEvent]) -> None:
        checkpoints_seen.append(state.exists())
        if failures:
            raise failures.pop(0)
        published.extend(events)

    stop, stats = asyncio.Event(), FollowStats()
    options = QueueLogOptions(tenant_id="acme")
    task = asyncio.create_task(
        follow(log, options, CheckpointFile(state), publish, stop, stats, 0.05)
    )

    async def delivered() -> bool:
        return stats.lines == 1

    try:
        await wait_for(delivered, timeout_s=10, what="the line")
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
    assert [e.type for e in published] == ["session.started", "session.queued"]
    assert checkpoints_seen == [False, False]  # no checkpoint while the batch was held
    assert json.loads(state.read_text())["offset"] == len(ENTER)
