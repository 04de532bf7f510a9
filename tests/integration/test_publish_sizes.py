"""``mysessions publish`` with a line above the raw topic's limit: refused and counted,
the other lines sent; without the check the producer fails and stops the whole publish."""

import asyncio
import sys
from pathlib import Path

import contracts as c
import pytest
from contracts import limits, topics
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from mysessions_platform.testing.kafka_reading import read_records
from mysessions_platform.testing.kafka_topics import KafkaTopics

from .scenario import morning

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


async def test_a_line_above_the_raw_limit_is_refused_and_counted(
    servers: Endpoints, kafka_topics: KafkaTopics, tmp_path: Path
) -> None:
    raw = kafka_topics.name("raw")
    await ensure_topics(
        servers.kafka_bootstrap_servers,
        [TopicSettings.from_env({}).spec(topics.TELEPHONY_EVENTS, 1, raw)],
    )
    first, second = (c.encode(e) for e in morning()[0].events[:2])
    huge = b'{"pad": "' + b"x" * limits.MAX_RAW_RECORD_BYTES + b'"}'
    big = b'{"pad": "' + b"x" * (2 * limits.MIB) + b'"}'  # sent: ingest dead-letters it
    file = tmp_path / "events.jsonl"
    file.write_bytes(b"\n".join([first, huge, big, second]) + b"\n")

    command = Path(sys.executable).parent / "mysessions"
    process = await asyncio.create_subprocess_exec(
        *(str(command), "publish", str(file), "--topic", raw),
        env={"KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers, "COLUMNS": "300"},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 1, "some lines were not sent"
    assert "sent 3 lines" in out.decode()
    assert f"refused 1 lines above {limits.MAX_RAW_RECORD_BYTES} bytes" in out.decode()
    sent = await read_records(servers.kafka_bootstrap_servers, raw, 3, timeout_s=10)
    assert [r.value for r in sent] == [first, big, second]
