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

from mysessions.bench.chart import line_chart
from mysessions.bench.latency import LEGS, Latency, latency
from mysessions.bench.machine import describe
from mysessions.bench.memory import Memory, memory
from mysessions.bench.pipeline import WORKERS, PipelineRun
from mysessions.bench.scaling import Scaled, scaling
from mysessions.bench.throughput import Throughput, throughput

bench_app = typer.Typer(no_args_is_help=True)
console = Console(width=120)  # tables stay readable in a log or a pipe


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


def _machine_during(run: PipelineRun, cores: int) -> str:
    """How much of the machine (d) had, and how much of it went to the four workers: the
    rest went to the servers (Kafka, Redis, the MongoDB-wire server and its storage, when
    they run on this machine) and to this command's polls."""
    available = cores * run.measured_s
    workers = sum(run.cpu_s(kind) for kind in WORKERS)
    rest = run.machine_busy_s - workers - run.command_cpu_s
    return (
        f"machine during (d) and its quiet polls ({run.measured_s:.1f} s): "
        f"{run.machine_busy_s:.1f} of {available:.1f} CPU s busy "
        f"({run.machine_busy_s / available:.0%}): the four workers {workers:.1f}, this "
        f"command {run.command_cpu_s:.1f}, everything else (the servers) {rest:.1f}"
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
        caught_up = run.caught_up_s.get(kind)
        table.add_row(
            f"    {kind} (records read; wall: caught up)",
            f"{run.inputs[kind]:,}",
            f"{caught_up:.1f}" if caught_up is not None else "-",
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
        f"reporting records: {result.pipeline.records:,} (late facts: "
        f"{result.pipeline.late_facts:,})"
    )
    console.print(_machine_during(result.pipeline, machine["cores"]))
    _write(_out("throughput", out), machine, result.as_json())


def _latency_table(result: Latency) -> Table:
    table = Table(title="live-update latency, ms")
    for column in ("", "p50", "p95", "p99", "p99.9", "max"):
        table.add_column(column, justify="right" if column else "left")
    for leg in LEGS:
        cuts = result.percentiles(leg)
        table.add_row(
            leg,
            *(
                f"{cuts[k]:,.1f}" if k in cuts else "-"
                for k in ("p50", "p95", "p99", "p99.9", "max")
            ),
        )
    return table


@bench_app.command(name="latency")
def latency_command(
    rate: float = typer.Option(500.0, min=1, help="Events offered per second."),
    duration: float = typer.Option(60.0, min=5, help="Seconds of offering."),
    agents: int = typer.Option(60, min=1, help="Agents per tenant (4 tenants)."),
    warmup: float = typer.Option(5.0, min=0, help="Seconds left out at first."),
    partitions: int = typer.Option(3, min=1, max=64),
    out: Path | None = typer.Option(None, help="JSON file (default artifacts/bench/…)."),
) -> None:
    """From handing an event to Kafka to its change on the agent's live stream, at a fixed
    rate, through every worker and a gateway holding one stream per agent."""
    configure_logging("WARNING")
    servers = ServerSettings()

    async def measure() -> tuple[dict[str, Any], Latency]:
        machine = await describe(servers)
        logs = infra.cache_dir() / "logs"
        result = await latency(
            servers, rate, duration, agents, warmup, partitions, logs, console.print
        )
        return machine, result

    machine, result = asyncio.run(measure())
    console.print(_machine_line(machine))
    figures = result.as_json()
    console.print(
        f"achieved {result.achieved_rate:,.0f} events/s; task changes received "
        f"{figures['task_events_received']:,}, measured {figures['measured']:,}; "
        f"stream opens retried after a 429 or 503: {figures['retried_stream_opens']:,}"
    )
    console.print(_latency_table(result))
    _write(_out("latency", out), machine, figures)


@bench_app.command(name="scaling")
def scaling_command(
    events: int = typer.Option(100_000, min=1000, help="Simulated events per run."),
    partitions: int = typer.Option(6, min=1, max=64),
    replicas: str = typer.Option("1,2,3", help="Processes per worker, one run each."),
    seed: int = typer.Option(1),
    give_up: float = typer.Option(1800.0, min=10, help="Seconds a run may take at most."),
    out: Path | None = typer.Option(None, help="JSON file (default artifacts/bench/…)."),
) -> None:
    """The pipeline's throughput with 1, 2 and 3 processes per worker on 6 partitions."""
    configure_logging("WARNING")
    servers = ServerSettings()
    counts = tuple(int(n) for n in replicas.split(",") if n.strip())
    if not counts or min(counts) < 1 or max(counts) > partitions:
        raise typer.BadParameter("replicas: 1 to --partitions each", param_hint="--replicas")

    async def measure() -> tuple[dict[str, Any], list[Scaled]]:
        machine = await describe(servers)
        logs = infra.cache_dir() / "logs"
        found = await scaling(
            servers, events, partitions, counts, seed, logs, give_up, console.print
        )
        return machine, found

    machine, found = asyncio.run(measure())
    console.print(_machine_line(machine))
    table = Table(title=f"scaling on {partitions} partitions")
    for column in ("processes per worker", "events", "wall s", "events/s", *WORKERS):
        table.add_column(column + (" CPU s" if column in WORKERS else ""), justify="right")
    for scaled in found:
        table.add_row(
            str(scaled.replicas),
            f"{scaled.events:,}",
            f"{scaled.run.wall_s:.1f}" + ("" if scaled.run.finished else " (gave up)"),
            f"{scaled.per_s:,.0f}",
            *(f"{scaled.run.cpu_s(kind):.1f}" for kind in WORKERS),
        )
    console.print(table)
    _write(_out("scaling", out), machine, {"runs": [s.as_json() for s in found]})


@bench_app.command(name="memory")
def memory_command(
    events: int = typer.Option(1_000_000, min=1000, help="Simulated events to replay."),
    partitions: int = typer.Option(3, min=1, max=64),
    seed: int = typer.Option(1),
    every: float = typer.Option(2.0, min=0.2, help="Seconds between RSS samples."),
    give_up: float = typer.Option(7200.0, min=10, help="Seconds the replay may take at most."),
    out: Path | None = typer.Option(None, help="JSON file (default artifacts/bench/…)."),
) -> None:
    """Each worker's resident memory over a long replay: flat or not."""
    configure_logging("WARNING")
    servers = ServerSettings()

    async def measure() -> tuple[dict[str, Any], Memory]:
        machine = await describe(servers)
        logs = infra.cache_dir() / "logs"
        found = await memory(servers, events, partitions, seed, logs, give_up, every, console.print)
        return machine, found

    machine, found = asyncio.run(measure())
    console.print(_machine_line(machine))
    figures = found.as_json()
    table = Table(title=f"RSS over {found.events:,} events ({found.run.wall_s:.0f} s)")
    for column in (
        "worker",
        "samples",
        "start MiB",
        "1st half peak",
        "2nd half peak",
        "end MiB",
        "growth",
        "flat",
    ):
        table.add_column(column, justify="right")
    mib = 1024 * 1024
    for kind in WORKERS:
        w = figures["workers"][kind]
        if "growth" not in w:
            table.add_row(kind, str(w["samples"]), *("-" * 6))
            continue
        table.add_row(
            kind,
            str(w["samples"]),
            f"{w['start_bytes'] / mib:.0f}",
            f"{w['first_half_peak_bytes'] / mib:.0f}",
            f"{w['second_half_peak_bytes'] / mib:.0f}",
            f"{w['end_bytes'] / mib:.0f}",
            f"{w['growth']:+.1%}",
            "yes" if w["flat"] else "no",
        )
    console.print(table)
    path = _out("memory", out)
    _write(path, machine, figures)
    series = [
        [(t, b / mib) for t, b in figures["workers"][kind].get("series", [])] for kind in WORKERS
    ]
    line_chart(series, path.with_suffix(".png"))
    console.print(
        f"chart: {path.with_suffix('.png')} (RSS MiB over seconds; lines in the order "
        f"{', '.join(WORKERS)}: blue, orange, green, red)"
    )
