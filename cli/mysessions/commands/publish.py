"""``mysessions publish FILE``: send upstream events to telephony.events.v1.

``jsonl``: one native event per line, sent as is (ingest validates and dead-letters what is
invalid, so nothing is lost or silently dropped here). ``queue-log``: Asterisk queue_log
lines translated into native events; afterwards it says how many sessions are too old for
the queue's history window, since those appear in no agent's history.
"""

import asyncio
import json
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import typer
from contracts import topics
from contracts.limits import MAX_EVENT_BYTES, MAX_RAW_RECORD_BYTES
from ingest_service.queue_log import QueueLogOptions, QueueLogTranslator
from mysessions_platform.settings import ServerSettings
from queue_service.settings import QueueSettings
from rich.console import Console

from mysessions.events_out import event_sender
from mysessions.history_reach import HistoryReach


class Format(StrEnum):
    jsonl = "jsonl"
    queue_log = "queue-log"


def _session_key(line: bytes) -> bytes | None:
    try:
        session = json.loads(line).get("session_id")
    except (ValueError, AttributeError):
        return None  # not even JSON: ingest dead-letters it
    return session.encode() if isinstance(session, str) else None


async def _publish_jsonl(path: Path, bootstrap: str, topic: str) -> tuple[int, int]:
    """Lines sent, and lines refused for being above the raw topic's limit."""
    async with event_sender(bootstrap, topic) as sender:
        with path.open("rb") as lines:
            for line in lines:
                if line.strip():
                    await sender.send_raw(_session_key(line), line.strip())
        return sender.sent, sender.refused


def _load_mapping(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None:
        return {}
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise typer.BadParameter("the mapping file holds a JSON object")
    return data


async def _publish_queue_log(
    path: Path, bootstrap: str, topic: str, options: QueueLogOptions, reach: HistoryReach
) -> tuple[QueueLogTranslator, int]:
    translator = QueueLogTranslator(options)
    async with event_sender(bootstrap, topic) as sender:
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, start=1):
                await sender.send_all(reach.observe(translator.feed(line, number)))
        await sender.send_all(reach.observe(translator.finish()))
        return translator, sender.sent


def publish(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    format: Format = typer.Option(Format.jsonl, "--format", help="jsonl or queue-log."),
    tenant: str = typer.Option(None, help="Tenant id (queue-log)."),
    time_zone: str = typer.Option("UTC", "--tz", help="Zone of formatted queue_log dates."),
    mapping: Path = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help='JSON: {"agents": {interface: user}, "services": {queue: id}, '
        '"service_names": {queue: name}} (queue-log).',
    ),
    topic: str = typer.Option(topics.TELEPHONY_EVENTS, help="Topic to publish to."),
) -> None:
    """Publish upstream events from a file."""
    bootstrap = ServerSettings().kafka_bootstrap_servers
    console = Console()
    if format is Format.jsonl:
        sent, refused = asyncio.run(_publish_jsonl(file, bootstrap, topic))
        console.print(f"sent {sent} lines to {topic}")
        if refused:
            console.print(
                f"[red]refused {refused} lines above {MAX_RAW_RECORD_BYTES} bytes[/red]"
                " (the raw topic's limit; events above"
                f" {MAX_EVENT_BYTES} bytes are dead-lettered by ingest)"
            )
            raise typer.Exit(1)
        return
    if not tenant:
        raise typer.BadParameter("--tenant is required with --format queue-log")
    names = _load_mapping(mapping)
    options = QueueLogOptions(
        tenant_id=tenant,
        time_zone=time_zone,
        agents=names.get("agents", {}),
        services=names.get("services", {}),
        service_names=names.get("service_names", {}),
    )
    reach = HistoryReach()
    translator, sent = asyncio.run(_publish_queue_log(file, bootstrap, topic, options, reach))
    console.print(f"sent {sent} events to {topic}")
    within = reach.reach(datetime.now(UTC), QueueSettings().history_window)
    console.print(within.sentence(), style="yellow" if within.sessions_outside else None)
    console.print(f"translated lines: {dict(sorted(translator.counts.items()))}")
    console.print(f"skipped lines: {dict(sorted(translator.skipped.items()))}")
    if translator.warnings:
        console.print(f"warnings: {dict(sorted(translator.warnings.items()))}")
    for error in translator.errors:
        console.print(f"[red]{error}[/red]")
    if translator.errors:
        raise typer.Exit(1)
