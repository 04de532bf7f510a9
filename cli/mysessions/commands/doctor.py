"""``mysessions doctor``: is everything the workers need there and well, in plain words."""

import asyncio
import json

import typer
from mysessions_platform.settings import ServerSettings
from rich.table import Table
from rich.text import Text

from mysessions.commands.outage import quiet_logging
from mysessions.commands.terminal import report_console
from mysessions.operations.doctor.examine import examine
from mysessions.operations.doctor.findings import Finding, Status, is_healthy

_STYLE = {Status.OK: "green", Status.NOTE: "yellow", Status.PROBLEM: "bold red"}


def doctor(
    max_lag: int = typer.Option(
        10_000, min=0, help="A worker group further behind than this is a problem."
    ),
    as_json: bool = typer.Option(False, "--json", help="The findings as JSON."),
) -> None:
    """Check every server and what the workers need of it; exit 1 saying what to do.

    Kafka's brokers, every topic against its spec, each worker group's
    members and lag, Redis (memory, eviction policy), MongoDB and the
    settings store. Each server gets a few seconds: one that is away is
    reported, never waited for."""
    quiet_logging()
    findings = asyncio.run(examine(ServerSettings(), max_lag))
    healthy = is_healthy(findings)
    if as_json:
        typer.echo(
            json.dumps({"healthy": healthy, "findings": [f.as_json() for f in findings]}, indent=2)
        )
    else:
        _print(findings, healthy)
    if not healthy:
        raise typer.Exit(1)


def _print(findings: list[Finding], healthy: bool) -> None:
    console = report_console()
    table = Table("", "area", "what", "seen")
    for finding in findings:
        table.add_row(
            Text(finding.status.value, style=_STYLE[finding.status]),
            finding.area,
            Text(finding.subject),
            Text(finding.saw),
        )
    console.print(table)
    problems = [f for f in findings if f.status is Status.PROBLEM]
    notes = [f for f in findings if f.status is Status.NOTE and f.todo]
    for title, chosen in (("to do", problems), ("worth knowing", notes)):
        if chosen:
            console.print(f"{title}:")
            for finding in chosen:
                console.print(Text(f"- {finding.area} {finding.subject}: {finding.todo}"))
    if healthy:
        console.print("all well")
    else:
        console.print(f"{len(problems)} problem(s): exit 1")
