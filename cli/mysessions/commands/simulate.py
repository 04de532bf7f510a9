"""``mysessions simulate``: realistic contact-center traffic into telephony.events.v1."""

import asyncio
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import typer
from contracts import SessionEvent, topics
from mysessions_platform.settings import ServerSettings
from rich.console import Console

from mysessions.events_out import event_sender
from mysessions.simulation import SimulationConfig, SimulationStats, max_session_s, plan, simulate

CHUNK = 200


@dataclass
class Progress:
    sent: int = 0
    done: bool = False


def make_config(
    tenants: int,
    services: int,
    agents: int,
    rate: float,
    duration: float,
    seed: int,
    fast: bool,
    tenant_prefix: str = "tenant",
) -> SimulationConfig:
    now = datetime.now(UTC).replace(microsecond=0)
    config = SimulationConfig(
        tenants=tenants,
        services_per_tenant=services,
        agents_per_tenant=agents,
        rate=rate,
        duration_s=duration,
        seed=seed,
        start=now,
        tenant_prefix=tenant_prefix,
    )
    if not fast:
        return config  # paced: events happen now
    # Fast: the whole run, with its tail, lies just behind us, so no event is in the future
    # and live timers make sense.
    return replace(config, start=now - timedelta(seconds=duration + max_session_s(config)))


async def send_simulation(
    config: SimulationConfig,
    bootstrap: str,
    topic: str,
    stats: SimulationStats,
    progress: Progress,
    paced: bool,
) -> None:
    """Sends every event, at its simulated time when paced."""
    clock_origin = time.monotonic()
    chunk: list[SessionEvent] = []
    async with event_sender(bootstrap, topic) as sender:
        for event in simulate(config, stats):
            if paced:
                due = (event.occurred_at - config.start).total_seconds()
                delay = due - (time.monotonic() - clock_origin)
                if delay > 0:
                    await sender.send_all(chunk)
                    progress.sent += len(chunk)
                    chunk = []
                    await asyncio.sleep(delay)
            chunk.append(event)
            if len(chunk) >= CHUNK:
                await sender.send_all(chunk)
                progress.sent += len(chunk)
                chunk = []
        await sender.send_all(chunk)
        progress.sent += len(chunk)
    progress.done = True


def simulate_command(
    tenants: int = typer.Option(1, min=1),
    services: int = typer.Option(3, min=1, help="Services per tenant."),
    agents: int = typer.Option(10, min=1, help="Agents per tenant."),
    rate: float = typer.Option(10.0, min=0.01, help="Events per second, overall."),
    duration: float = typer.Option(60.0, min=1, help="Seconds of new sessions."),
    seed: int = typer.Option(1),
    fast: bool = typer.Option(False, help="Send as fast as possible, not in real time."),
    topic: str = typer.Option(topics.TELEPHONY_EVENTS),
) -> None:
    """Simulate callers, agents and services; deterministic for a seed and start time."""
    config = make_config(tenants, services, agents, rate, duration, seed, fast)
    estimate = plan(config)
    console = Console()
    console.print(
        f"simulating {tenants} tenant(s) x {services} services x {agents} agents at "
        f"~{rate:g} events/s for {duration:g}s (answered share ~{estimate.answered_share:.0%}; "
        f"~{estimate.agents_needed_per_tenant} agents per tenant would carry the load)"
    )
    stats = SimulationStats()
    bootstrap = ServerSettings().kafka_bootstrap_servers
    progress = Progress()
    asyncio.run(send_simulation(config, bootstrap, topic, stats, progress, paced=not fast))
    console.print(f"sent {progress.sent} events to {topic}")
    console.print(f"sessions: {dict(stats.sessions)}")
    console.print(f"outcomes: {dict(stats.outcomes)}")
    console.print(f"left the queue unanswered: {dict(stats.left_queue)}")
