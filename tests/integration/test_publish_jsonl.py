"""``mysessions publish --format jsonl``: native events go upstream as they are; ingest
passes the valid ones and dead-letters the rest, losing nothing."""

import asyncio
import sys
from pathlib import Path

import contracts as c
import pytest
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import group_caught_up, read_records, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys

from .pipeline import make_pipeline
from .scenario import morning

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


async def test_jsonl_lines_are_sent_as_they_are(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys, tmp_path: Path
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    events = morning()[0].events
    lines = [c.encode(event) for event in events]
    bad = b'{"type": "task.offered", "tenant_id": "tenant-q"}'
    file = tmp_path / "events.jsonl"
    file.write_bytes(b"\n".join([lines[0], b"", bad, *lines[1:]]) + b"\n")

    command = Path(sys.executable).parent / "mysessions"
    process = await asyncio.create_subprocess_exec(
        *(str(command), "publish", str(file), "--topic", pipeline.raw),
        env={"KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers, "COLUMNS": "200"},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    assert f"sent {len(events) + 1} lines" in out.decode()

    async with TestApp(create_ingest(pipeline.ingest)):
        await wait_for(
            lambda: group_caught_up(
                servers.kafka_bootstrap_servers, pipeline.ingest.group_id, pipeline.raw
            ),
            what="ingest to commit",
        )
    passed = await read_records(servers.kafka_bootstrap_servers, pipeline.sessions, len(events))
    assert sorted(r.value for r in passed) == sorted(lines)
    dead = await read_records(servers.kafka_bootstrap_servers, pipeline.dead, 1)
    letter = c.DeadLetter.model_validate_json(dead[0].value)
    assert letter.original == bad
    assert letter.error_kind == "invalid"
