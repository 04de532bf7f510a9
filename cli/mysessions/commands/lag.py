"""``mysessions lag``: how far each consumer group is behind, per topic and partition."""

import asyncio
import json
from typing import Any

import typer
from mysessions_platform.settings import ServerSettings
from rich.table import Table

from mysessions.commands.outage import quiet_logging, run_or_explain
from mysessions.commands.terminal import report_console
from mysessions.operations.deployment import deployment
from mysessions.operations.lag import GroupLag, group_lags


def lag(
    group: list[str] | None = typer.Option(
        None, "--group", help="This consumer group (repeat); default: every worker's group."
    ),
    as_json: bool = typer.Option(False, "--json", help="Groups and partitions as JSON."),
) -> None:
    """Show how far each consumer group is behind, per topic and partition.

    Each partition's committed offset, its end, the records still to read
    and the member reading it. Asking moves no offset."""
    quiet_logging()
    servers = ServerSettings()
    if group:
        wanted: list[tuple[str, tuple[str, ...]]] = [(g, ()) for g in group]
    else:
        wanted = [(g.group_id, g.inputs) for g in deployment().groups]
    lags = run_or_explain(
        asyncio.wait_for(group_lags(servers.kafka_bootstrap_servers, wanted), timeout=60)
    )
    if as_json:
        typer.echo(json.dumps([_as_json(found) for found in lags], indent=2))
        return
    console = report_console()
    console.print(_table(lags))
    for found in lags:
        missing = (
            f"; missing topics: {', '.join(found.missing_topics)}" if found.missing_topics else ""
        )
        console.print(
            f"{found.group_id}: {found.total:,} behind, {len(found.members)} member(s),"
            f" {found.state.lower()}{missing}"
        )


def _table(lags: list[GroupLag]) -> Table:
    table = Table("group", "topic", "partition", "committed", "end", "lag", "read by")
    for found in lags:
        for p in found.partitions:
            table.add_row(
                found.group_id,
                p.topic,
                str(p.partition),
                "-" if p.committed is None else str(p.committed),
                str(p.end),
                f"{p.lag:,}",
                p.owner or "-",
            )
    return table


def _as_json(found: GroupLag) -> dict[str, Any]:
    return {
        "group": found.group_id,
        "state": found.state,
        "members": [
            {
                "client_id": m.client_id,
                "host": m.host,
                "partitions": [[tp.topic, tp.partition] for tp in m.partitions],
            }
            for m in found.members
        ],
        "lag": found.total,
        "missing_topics": list(found.missing_topics),
        "partitions": [
            {
                "topic": p.topic,
                "partition": p.partition,
                "committed": p.committed,
                "start": p.start,
                "end": p.end,
                "lag": p.lag,
                "read_by": p.owner,
            }
            for p in found.partitions
        ],
    }
