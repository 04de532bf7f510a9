"""Export round trip: records in MongoDB, exported by the real CLI, read back with pyarrow
(equal) and with the standard csv module."""

import asyncio
import csv
import json
import sys
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from contracts import SessionRecord
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase
from reporting_service.adapters.records_store import RECORDS, from_document
from reporting_service.domain import OUTCOMES

from .harness import CHANGELOG, EVENTS, T0, accepted_task, answered_call, make_harness

pytestmark = pytest.mark.integration

SESSIONS = 23


async def _export(servers: Endpoints, database: str, *args: str) -> str:
    command = Path(sys.executable).parent / "mysessions"
    process = await asyncio.create_subprocess_exec(
        *(str(command), "report", "export", *args, "--chunk", "5"),
        env={"MONGODB_URL": servers.mongodb_url.rstrip("/") + f"/{database}", "COLUMNS": "120"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0, out.decode()
    return out.decode()


async def test_parquet_and_csv_round_trip(
    servers: Endpoints, reporting_db: AsyncDatabase[Document], tmp_path: Path
) -> None:
    harness = await make_harness(reporting_db, now=T0 + timedelta(days=2))
    for n in range(SESSIONS):
        session, at = f"s-{n}", T0 + timedelta(minutes=n)
        await harness.feed(
            *[(EVENTS, e) for e in answered_call("acme" if n % 2 else "other", session, at)],
            (CHANGELOG, accepted_task("acme" if n % 2 else "other", session, at)),
        )
    harness.clock.advance(timedelta(seconds=11))
    assert await harness.finalizer.sweep() == SESSIONS  # windows long closed: system-timeout
    stored = sorted(
        [from_document(doc) async for doc in reporting_db[RECORDS].find()],
        key=lambda r: r.record_id,
    )
    assert len(stored) == 2 * SESSIONS

    out = tmp_path / "records.parquet"
    printed = await _export(
        servers,
        reporting_db.name,
        "--since",
        "2026-11-30",
        "--format",
        "parquet",
        "--out",
        str(out),
    )
    assert f"{2 * SESSIONS} records" in printed
    table = pq.read_table(out)
    assert str(table.schema.field("ended_at").type) == "timestamp[ms, tz=UTC]"
    assert str(table.schema.field("talk_s").type) == "double"
    assert str(table.schema.field("tags").type) == "list<element: string>"
    read_back = sorted(
        (SessionRecord.model_validate(row) for row in table.to_pylist()), key=lambda r: r.record_id
    )
    assert read_back == stored
    outcomes = pq.read_table(tmp_path / "records.parquet.outcomes.parquet").to_pylist()
    assert [row["id"] for row in outcomes] == [o.id for o in OUTCOMES]

    out_csv = tmp_path / "acme.csv"
    until = (T0 + timedelta(minutes=10)).isoformat()
    await _export(
        servers,
        reporting_db.name,
        "--since",
        "2026-11-30",
        "--until",
        until,
        "--tenant",
        "acme",
        "--format",
        "csv",
        "--out",
        str(out_csv),
    )
    with out_csv.open(newline="") as file:
        rows = list(csv.DictReader(file))
    expected = [
        r for r in stored if r.tenant_id == "acme" and r.ended_at < T0 + timedelta(minutes=10)
    ]
    assert sorted(row["record_id"] for row in rows) == sorted(r.record_id for r in expected)
    assert {row["outcome_group"] for row in rows} == {"handled by user"}
    assert all(json.loads(row["tags"]) == [] and row["hold_s"] == "" for row in rows)
    assert {float(row["talk_s"]) for row in rows} == {60.0}
    with (tmp_path / "acme.csv.outcomes.csv").open(newline="") as file:
        assert len(list(csv.DictReader(file))) == len(OUTCOMES)
