"""Records out to files for BI tools: Parquet (typed columns) or CSV, written chunk by chunk.

``PATH`` gets the records, ``PATH.outcomes.<ext>`` beside it the outcome dimension (one row
per outcome: ``id``, ``name``, ``group``, ``meaning``), joined on ``outcome_id``. Memory holds
one chunk at a time, so a month of records never has to fit.
"""

import csv
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal

import pyarrow as pa
import pyarrow.parquet as pq
from contracts import SessionRecord

from reporting_service.domain import OUTCOMES

Format = Literal["parquet", "csv"]

_TIME = pa.timestamp("ms", tz="UTC")
_STRINGS: Final = (
    "type",
    "record_id",
    "record_type",
    "tenant_id",
    "session_id",
    "service_session_id",
    "user_session_id",
    "service_id",
    "service_name",
    "user_id",
    "modality",
    "direction",
    "outcome_id",
    "outcome_name",
    "outcome_group",
    "end_reason",
    "previous_service_session_id",
    "next_service_session_id",
    "transfer_target_kind",
    "primary_code_id",
    "primary_code_label",
    "secondary_code_id",
    "secondary_code_label",
    "concluded_by",
    "acw_saved_by",
)
_TIMES: Final = (
    "started_at",
    "queued_at",
    "offered_at",
    "answered_at",
    "ended_at",
    "acw_started_at",
    "acw_ended_at",
    "written_at",
)
_SECONDS: Final = (
    "queue_s",
    "ring_s",
    "talk_s",
    "hold_s",
    "acw_s",
    "handle_s",
)


def _type(name: str) -> pa.DataType:
    if name in _STRINGS:
        return pa.string()
    if name in _TIMES:
        return _TIME
    if name in _SECONDS:
        return pa.float64()
    return {"inferred": pa.bool_(), "offers": pa.int32(), "tags": pa.list_(pa.string())}[name]


COLUMNS: Final = tuple(SessionRecord.model_fields)
_REQUIRED: Final = ("record_id", "record_type", "tenant_id", "session_id", "ended_at")
RECORD_SCHEMA: Final = pa.schema(
    [
        pa.field(name, _type(name), nullable=name not in ("record_id", "tenant_id"))
        for name in COLUMNS
    ]
)
OUTCOME_SCHEMA: Final = pa.schema(
    [pa.field(name, pa.string(), nullable=False) for name in ("id", "name", "group", "meaning")]
)


def outcomes_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.outcomes.{path.suffix.lstrip('.') or 'parquet'}")


def _rows(records: list[SessionRecord]) -> dict[str, list[Any]]:
    dumped = [record.model_dump() for record in records]
    return {name: [row[name] for row in dumped] for name in COLUMNS}


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, tuple | list):
        return json.dumps(list(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def write_export(
    chunks: AsyncIterator[list[SessionRecord]],
    path: Path,
    format: Format,
    progress: Callable[[int], None] = lambda _: None,
) -> int:
    """Writes every chunk to ``path`` and the outcome dimension beside it; returns the count."""
    written = 0
    dimension = [
        {"id": o.id, "name": o.name, "group": o.group, "meaning": o.meaning} for o in OUTCOMES
    ]
    if format == "parquet":
        with pq.ParquetWriter(path, RECORD_SCHEMA) as writer:
            async for chunk in chunks:
                writer.write_table(pa.Table.from_pydict(_rows(chunk), schema=RECORD_SCHEMA))
                written += len(chunk)
                progress(len(chunk))
        pq.write_table(pa.Table.from_pylist(dimension, schema=OUTCOME_SCHEMA), outcomes_path(path))
        return written
    with path.open("w", newline="", encoding="utf-8") as out:
        writer_ = csv.writer(out)
        writer_.writerow(COLUMNS)
        async for chunk in chunks:
            for record in chunk:
                row = record.model_dump()
                writer_.writerow([_csv_value(row[name]) for name in COLUMNS])
            written += len(chunk)
            progress(len(chunk))
    with outcomes_path(path).open("w", newline="", encoding="utf-8") as out:
        dict_writer = csv.DictWriter(out, fieldnames=["id", "name", "group", "meaning"])
        dict_writer.writeheader()
        dict_writer.writerows(dimension)
    return written
