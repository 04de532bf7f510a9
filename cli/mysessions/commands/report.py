"""``mysessions report export``: reporting records to Parquet or CSV, for BI tools."""

import asyncio
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import typer
from mysessions_platform.mongo import mongo_client, mongo_database
from reporting_service.read import RecordsReader, outcomes_path, write_export
from reporting_service.settings import ReportingSettings
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

report_app = typer.Typer(no_args_is_help=True)


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


def _instant(text: str) -> datetime:
    """``2026-11-01`` (midnight UTC) or an ISO 8601 instant; a naive one is UTC."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@report_app.command()
def export(
    since: str = typer.Option(..., help="First day (or instant) of records' end, inclusive, UTC."),
    until: str | None = typer.Option(None, help="End, exclusive; default: no end."),
    tenant: str | None = typer.Option(None, help="One tenant; default: all."),
    format: ExportFormat = typer.Option(..., "--format", help="parquet or csv."),
    out: Path = typer.Option(..., help="The records file; the outcome dimension goes beside it."),
    chunk: int = typer.Option(5000, min=1, help="Records read and written at a time."),
) -> None:
    """Export the records that ended in [since, until), streamed in chunks."""
    written = asyncio.run(
        _export(_instant(since), _instant(until) if until else None, tenant, format, out, chunk)
    )
    typer.echo(f"{written} records -> {out}; outcome dimension -> {outcomes_path(out)}")


async def _export(
    since: datetime,
    until: datetime | None,
    tenant: str | None,
    format: ExportFormat,
    out: Path,
    chunk: int,
) -> int:
    settings = ReportingSettings()
    async with mongo_client(settings.mongodb_url) as client:
        store = RecordsReader(mongo_database(client))
        total = await store.count(since, until, tenant)
        columns = (
            TextColumn("exporting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, transient=False) as progress:
            bar = progress.add_task("records", total=total)
            return await write_export(
                store.stream(since, until, tenant, chunk),
                out,
                format.value,
                lambda n: progress.advance(bar, n),
            )
