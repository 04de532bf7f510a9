"""``mysessions demo``: servers, workers and simulated traffic, with a live summary."""

import asyncio
import json
import time
from collections import Counter
from datetime import UTC, datetime

import typer
from contracts import topics
from mysessions_platform import infra
from mysessions_platform.kafka.topics import ensure_topics
from mysessions_platform.worker_process import WorkerProcess
from queue_service.entrypoints.app import make_store
from queue_service.settings import QueueSettings
from redis.asyncio import Redis
from rich.console import Console
from rich.live import Live
from rich.table import Table

from mysessions.commands.simulate import Progress, make_config, send_simulation
from mysessions.commands.view import load_view, show
from mysessions.simulation import SimulationStats

console = Console()


def _summary(progress: Progress, tasks: dict[str, dict[str, str]], elapsed: float) -> Table:
    states: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    for agent_tasks in tasks.values():
        for raw in agent_tasks.values():
            task = json.loads(raw)
            states[task["state"]] += 1
            if task["outcome"]:
                outcomes[task["outcome"]] += 1
    table = Table(title=f"My Sessions demo, {elapsed:.0f}s")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("events sent upstream", str(progress.sent))
    table.add_row("agents with tasks", str(len(tasks)))
    for state in ("incoming", "dialing", "ringing", "connected", "ended"):
        table.add_row(f"tasks {state}", str(states[state]))
    for outcome, count in outcomes.most_common():
        table.add_row(f"  outcome {outcome}", str(count))
    return table


def _busiest_agent(tasks: dict[str, dict[str, str]]) -> tuple[str, str] | None:
    if not tasks:
        return None
    key = max(tasks, key=lambda name: len(tasks[name]))
    any_task = json.loads(next(iter(tasks[key].values())))
    return any_task["tenant_id"], any_task["user_id"]


async def _demo(tenants: int, agents: int, rate: float, duration: float, seed: int) -> None:
    urls = await infra.up(report=lambda message: console.print(f"[dim]•[/dim] {message}"))
    settings = QueueSettings()
    await ensure_topics(
        urls.kafka_bootstrap_servers,
        [topics.TELEPHONY_EVENTS, topics.SESSION_EVENTS, topics.DEAD_LETTERS],
        settings.partitions,
    )
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": urls.kafka_bootstrap_servers,
        "REDIS_URL": urls.redis_url,
        "MONGODB_URL": urls.mongodb_url,
        "LOG_LEVEL": "WARNING",
    }
    logs = infra.cache_dir() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    workers = [
        WorkerProcess("ingest_service", env, logs / "demo-ingest.log"),
        WorkerProcess("queue_service", env, logs / "demo-queue.log"),
    ]
    redis = Redis.from_url(urls.redis_url)
    store = make_store(redis, settings)
    config = make_config(tenants, 3, agents, rate, duration, seed, fast=False)
    progress = Progress()
    try:
        for worker in workers:
            await worker.start()
        console.print(f"workers started: ingest and queue (logs in {logs})")
        sending = asyncio.create_task(
            send_simulation(
                config,
                urls.kafka_bootstrap_servers,
                topics.TELEPHONY_EVENTS,
                SimulationStats(),
                progress,
                paced=True,
            )
        )
        began = time.monotonic()
        with Live(console=console, refresh_per_second=1) as live:
            while time.monotonic() - began < duration + 5:
                live.update(_summary(progress, await store.snapshot(), time.monotonic() - began))
                await asyncio.sleep(2)
        sending.cancel()  # the simulated tail (calls still running) is not waited for
        tasks = await store.snapshot()
        busiest = _busiest_agent(tasks)
    finally:
        for worker in workers:
            await worker.stop()
        await redis.aclose()
    console.print(f"events sent: {progress.sent}; workers stopped; servers left running")
    if busiest:
        tenant, user = busiest
        shown = await load_view(tenant, user, limit=12)
        show(shown, f"the busiest agent's My Sessions: {user} of {tenant}")
        console.print(f"see it all with: mysessions view --tenant {tenant} --user {user}")
    console.print("stop the servers with: mysessions infra down")


def demo(
    tenants: int = typer.Option(1, min=1),
    agents: int = typer.Option(20, min=1, help="Agents per tenant."),
    rate: float = typer.Option(10.0, min=0.1, help="Events per second."),
    duration: float = typer.Option(30.0, min=5, help="Seconds of simulated traffic."),
    seed: int = typer.Option(1),
) -> None:
    """Bring the servers up, run ingest and queue, simulate traffic, show what agents see."""
    started = datetime.now(UTC)
    asyncio.run(_demo(tenants, agents, rate, duration, seed))
    console.print(f"demo ran {(datetime.now(UTC) - started).total_seconds():.0f}s")
