"""``mysessions bench``: the pipeline's speed on the servers named by the environment (the
local ones by default), with its baselines measured in the same run; prints tables and
writes JSON (``--out``). Figures, not tests: nothing passes or fails."""

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from mysessions_platform import infra
from mysessions_platform.logging import configure_logging
from mysessions_platform.settings import ServerSettings
from rich.console import Console
from rich.table import Table

from mysessions.bench.machine import describe
from mysessions.bench.pipeline import WORKERS
from mysessions.bench.throughput import Throughput, throughput

bench_app = typer.Typer(no_args_is_help=True)
console = Console()


def _out(kind: str, out: Path | None) -> Path:
    if out is not None:
        return out
    return Path("artifacts") / "bench" / f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"


def _write(path: Path, machine: dict[str, Any], figures: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"machine": machine, **figures}, indent=2) + "\n")
    console.print(f"written: {path}")


def _machine_line(machine: dict[str, Any]) -> str:
    packages = ", ".join(f"{k} {v}" for k, v in machine["packages"].items())
    return (
        f"{machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB, "
        f"load {machine['load_average_1m']}; {machine['os']}; Python {machine['python']}; "
        f"{packages}; Redis {machine['redis']}; MongoDB-wire {machine['mongodb_wire']}"
    )


def _throughput_table(result: Throughput) -> Table:
    table = Table(title="throughput", show_lines=False)
    for column in ("", "events", "wall s", "events/s", "CPU s", "events per CPU s"):
        table.add_column(column, justify="right" if column else "left")
    for name, timed in (
        ("(a) bare aiokafka drain", result.drain),
        ("(b) drain + JSON + contract validation", result.validated),
        ("(c) naive FastStream handler", result.naive),
    ):
        table.add_row(
            name,
            f"{timed.events:,}",
            f"{timed.wall_s:.1f}",
            f"{timed.per_s:,.0f}",
            f"{timed.cpu_s:.1f}",
            f"{timed.per_cpu_s:,.0f}",
        )
    run = result.pipeline
    state = "" if run.finished else " (gave up)"
    table.add_row(
        f"(d) pipeline, end to end{state}",
        f"{len(result.workload.events):,}",
        f"{run.wall_s:.1f}",
        f"{result.end_to_end_per_s:,.0f}",
        f"{sum(run.cpu_s(k) for k in WORKERS):.1f}",
        "",
    )
    for kind in WORKERS:
        table.add_row(
            f"    {kind} (records read)",
            f"{run.inputs[kind]:,}",
            "",
            "",
            f"{run.cpu_s(kind):.1f}",
            f"{result.per_cpu_s(kind):,.0f}",
        )
    return table


@bench_app.command(name="throughput")
def throughput_command(
    events: int = typer.Option(100_000, min=1000, help="Simulated events in the backlog."),
    partitions: int = typer.Option(3, min=1, max=64, help="Partitions of every fresh topic."),
    seed: int = typer.Option(1),
    give_up: float = typer.Option(1800.0, min=10, help="Seconds (d) may take at most."),
    out: Path | None = typer.Option(None, help="JSON file (default artifacts/bench/…)."),
) -> None:
    """A backlog of simulated events (the demo's settings) on fresh topics, then (a) a bare
    drain, (b) the drain with validation, (c) a naive handler and (d) the four workers."""
    configure_logging("WARNING")
    servers = ServerSettings()

    async def measure() -> tuple[dict[str, Any], Throughput]:
        machine = await describe(servers)
        result = await throughput(
            servers, events, partitions, seed, infra.cache_dir() / "logs", give_up, console.print
        )
        return machine, result

    machine, result = asyncio.run(measure())
    console.print(_machine_line(machine))
    console.print(_throughput_table(result))
    ratios = result.as_json()["ratios"]
    console.print(
        f"(d)/(b) = {ratios['d_over_b']:.3f}   (d)/(c) = {ratios['d_over_c']:.2f}   "
        f"reporting records: {result.pipeline.records:,}"
    )
    _write(_out("throughput", out), machine, result.as_json())
