"""Live-update latency: from producing an event to its change on the agent's SSE stream.
Prints figures, asserts nothing.

    uv run python benchmarks/gateway_latency.py [--rate 500] [--duration 60] [--agents 60]

Real ingest, queue and context workers (FastStream ``TestApp``, one child process each, as
they are deployed) and a real gateway (uvicorn, another child process) on fresh topics, a
fresh Redis key prefix and a fresh database, all removed at the end. This process offers
simulated traffic (``mysessions.simulation``, its sessions across every agent of a few
tenants) at a fixed rate into the raw topic and holds one ``GET /api/v1/live`` stream per
agent.

An event's change is recognised on arrival by its session and instant: a task view's
``updated_at`` is the ``occurred_at`` of the newest event folded into it. Latency = arrival
- the moment the event was handed to the Kafka producer (one clock: this process's
``time.monotonic``). It is split at the view's ``as_of`` (when the queue rendered it, the
wall clock of the same box) into the pipeline's share and the gateway's. The first
``--warmup`` seconds are left out of the figures (consumer groups joining, scripts
loading). benchmarks/README.md explains the figures.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import statistics
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from itertools import islice
from multiprocessing.synchronize import Event as StopEvent
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from context_service.entrypoints.app import create_app as create_context
from context_service.settings import ContextSettings
from contracts import SessionEvent, TaskOffered, encode
from faststream import TestApp
from gateway_service.settings import GatewaySettings
from gateway_service.testing import gateway_settings, running_gateway
from ingest_service.entrypoints.app import create_app as create_ingest
from ingest_service.settings import IngestSettings
from mysessions.commands.simulate import make_config
from mysessions.simulation import SimulationStats, plan, simulate
from mysessions_platform.logging import configure_logging
from mysessions_platform.mongo import with_database
from mysessions_platform.settings import ServerSettings
from mysessions_platform.sse_client import received_events
from mysessions_platform.testing.kafka_topics import kafka_topics
from mysessions_platform.testing.mongo_databases import mongo_databases
from mysessions_platform.testing.naming import unique_name
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.settings import QueueSettings
from redis.asyncio import Redis

TENANTS, SERVICES, SEED, PARTITIONS = 4, 3, 7, 3
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def _ms(instant: datetime) -> int:
    return (instant - _EPOCH) // _MS


def run_worker(kind: str, settings: ServerSettings, ready: StopEvent, stop: StopEvent) -> None:
    """A child process: one worker (its own process, as deployed) until ``stop``."""
    configure_logging("WARNING")
    factories: dict[str, Any] = {
        "ingest": create_ingest,
        "queue": create_queue,
        "context": create_context,
    }

    async def serve() -> None:
        async with TestApp(factories[kind](settings)):
            ready.set()
            await asyncio.to_thread(stop.wait)

    asyncio.run(serve())


Started = tuple[str, list[str]]
"""The gateway's base URL and one agent token per agent, in the order asked."""


def run_gateway(
    settings: GatewaySettings,
    agent_ids: list[tuple[str, str]],
    started: "multiprocessing.Queue[Started]",
    stop: StopEvent,
) -> None:
    """A child process: the gateway (uvicorn) until ``stop``; puts its base URL and the
    agents' tokens, signed with its own demo key (its HTTP route signs only registered demo
    users), on ``started``."""
    configure_logging("WARNING")

    async def serve() -> None:
        async with running_gateway(settings) as gateway:
            tokens = [gateway.token(tenant_id, user_id) for tenant_id, user_id in agent_ids]
            started.put((gateway.base_url, tokens))
            await asyncio.to_thread(stop.wait)

    asyncio.run(serve())


@dataclass
class Tally:
    sent_at: dict[tuple[str, int], tuple[float, float]] = field(default_factory=dict)
    """(session_id, occurred_at ms) → when the newest such event went to the producer
    (monotonic, and wall clock for comparing with the view's ``as_of``)."""
    latencies_ms: list[float] = field(default_factory=list)
    pipeline_ms: list[float] = field(default_factory=list)
    """Produced → the queue rendered the view (its ``as_of``, wall clock)."""
    delivery_ms: list[float] = field(default_factory=list)
    """The queue rendered the view → it arrived on the SSE stream (wall clock)."""
    task_events: int = 0
    seen: set[tuple[str, int]] = field(default_factory=set)
    """(user_session_id, updated_at ms) already measured: a later view of the task with the
    same instant was changed by an event that did not move ``updated_at`` (the session's
    end reaching an already ended task, say), so its cause is not known; not measured."""
    same_instant: int = 0
    unmatched: int = 0
    """Task events whose (session, updated_at) names no event sent here (watchdog, skew)."""
    captions: int = 0
    refreshes: int = 0
    warm_until: float = 0.0


async def listen(client: httpx.AsyncClient, token: str, tally: Tally, up: asyncio.Event) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with client.stream("GET", "/api/v1/live", headers=headers) as response:
        response.raise_for_status()
        up.set()
        async for event in received_events(response.aiter_lines()):
            arrived, arrived_wall = time.monotonic(), time.time()
            if event.event == "task":
                tally.task_events += 1
                view = json.loads(event.data)
                updated = _ms(datetime.fromisoformat(view["updated_at"]))
                sent = tally.sent_at.get((view["session_id"], updated))
                task = (view["user_session_id"], updated)
                if sent is None:
                    tally.unmatched += 1
                elif task in tally.seen:
                    tally.same_instant += 1
                elif sent[0] >= tally.warm_until:
                    tally.seen.add(task)
                    rendered = datetime.fromisoformat(view["as_of"]).timestamp()
                    tally.latencies_ms.append((arrived - sent[0]) * 1000)
                    tally.pipeline_ms.append((rendered - sent[1]) * 1000)
                    tally.delivery_ms.append((arrived_wall - rendered) * 1000)
            elif event.event == "caption":
                tally.captions += 1
            elif event.event == "refresh":
                tally.refreshes += 1


async def offer(
    bootstrap: str, topic: str, events: Sequence[SessionEvent], rate: float, tally: Tally
) -> float:
    """Sends every event at its slot (``i / rate`` s after the start); returns the time the
    sending took (the achieved rate is events ÷ that)."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=2
    )
    await producer.start()
    try:
        pending = []
        start = time.monotonic()
        for n, event in enumerate(events):
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            key = (event.session_id, _ms(event.occurred_at))
            tally.sent_at[key] = (time.monotonic(), time.time())
            pending.append(await producer.send(topic, encode(event), key=event.session_id.encode()))
        took = time.monotonic() - start
        await asyncio.gather(*pending)
        return took
    finally:
        await producer.stop()


def machine() -> str:
    model, ram_kib = "unknown CPU", 0
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
        with open("/proc/meminfo") as info:
            ram_kib = int(next(line.split()[1] for line in info if line.startswith("MemTotal")))
    except (OSError, StopIteration):
        pass
    packages = ", ".join(
        f"{name} {version(name)}"
        for name in ("fastapi", "uvicorn", "redis", "aiokafka", "faststream", "httpx")
    )
    return (
        f"machine: {os.cpu_count()} CPUs ({model}), {ram_kib / 2**20:.1f} GiB RAM, "
        f"{platform.platform()}, Python {platform.python_version()}; {packages}; load average "
        f"{os.getloadavg()[0]:.1f} at the start"
    )


@asynccontextmanager
async def child(target: Any, *args: Any) -> AsyncIterator[StopEvent]:
    spawn = multiprocessing.get_context("spawn")
    stop = spawn.Event()
    process = spawn.Process(target=target, args=(*args, stop), daemon=True)
    process.start()
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.to_thread(process.join, 30)
        if process.is_alive():
            process.kill()


def percentile(values: Sequence[float], share: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[round(share * 1000) - 1]


async def benchmark(rate: float, duration: float, agents: int, warmup: float) -> None:
    servers = ServerSettings()
    config = make_config(TENANTS, SERVICES, agents, rate, duration, SEED, fast=True)
    events = list(islice(simulate(config, SimulationStats()), int(rate * duration)))
    agent_ids = sorted({(e.tenant_id, e.user_id) for e in events if isinstance(e, TaskOffered)})
    redis = Redis.from_url(servers.redis_url)
    print(machine())
    print(
        f"Redis {(await redis.info('server'))['redis_version']}; Kafka, Redis, FerretDB and "
        f"the workers on the same box\n"
        f"offered: {len(events):,} events at {rate:,.0f}/s for {duration:.0f} s, "
        f"{len({e.session_id for e in events}):,} sessions, {TENANTS} tenants x {agents} "
        f"agents (planned answered share {plan(config).answered_share:.0%}); "
        f"{len(agent_ids)} SSE streams (one per agent with a task); {PARTITIONS} partitions; "
        f"first {warmup:.0f} s left out"
    )
    prefix = unique_name("bench-live")
    async with AsyncExitStack() as cleanup:
        cleanup.push_async_callback(redis.aclose)
        cleanup.push_async_callback(RedisKeys(redis, prefix).delete_all)
        topics = await cleanup.enter_async_context(kafka_topics(servers.kafka_bootstrap_servers))
        databases = await cleanup.enter_async_context(mongo_databases(servers.mongodb_url))
        database = with_database(servers.mongodb_url, databases.create("bench-live").name)
        raw, sessions, dead, changelog, acw = [
            await topics.create(f"bench-{name}", partitions=PARTITIONS)
            for name in ("raw", "sessions", "dlq", "changelog", "acw")
        ]
        common = {
            "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
            "redis_url": servers.redis_url,
            "mongodb_url": database,
            "key_prefix": prefix,
            "dead_letter_topic": dead,
        }
        workers: dict[str, ServerSettings] = {
            "ingest": IngestSettings().model_copy(
                update={
                    **common,
                    "group_id": f"{prefix}-ingest",
                    "source_topic": raw,
                    "target_topic": sessions,
                }
            ),
            "queue": QueueSettings().model_copy(
                update={
                    **common,
                    "group_id": f"{prefix}-queue",
                    "source_topic": sessions,
                    "changelog_topic": changelog,
                    "acw_topic": acw,
                    "watchdog_interval_s": 1e9,
                }
            ),
            "context": ContextSettings().model_copy(
                update={**common, "group_id": f"{prefix}-context", "source_topic": sessions}
            ),
        }
        gateway = gateway_settings(
            servers.kafka_bootstrap_servers,
            servers.redis_url,
            database,
            queue_key_prefix=prefix,
            sse_max_streams=max(2000, 2 * len(agent_ids)),
        )
        spawn = multiprocessing.get_context("spawn")
        started: multiprocessing.Queue[Started] = spawn.Queue()
        readies = {kind: spawn.Event() for kind in workers}
        for kind, settings in workers.items():
            await cleanup.enter_async_context(child(run_worker, kind, settings, readies[kind]))
        await cleanup.enter_async_context(child(run_gateway, gateway, agent_ids, started))
        base_url, tokens = await asyncio.to_thread(started.get, True, 120)
        for ready in readies.values():
            await asyncio.to_thread(ready.wait, 120)
        client = await cleanup.enter_async_context(
            httpx.AsyncClient(
                base_url=base_url,
                timeout=httpx.Timeout(30, read=None),
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=None),
            )
        )
        tally = Tally()
        ups = [asyncio.Event() for _ in tokens]
        listeners = [
            asyncio.create_task(listen(client, token, tally, up))
            for token, up in zip(tokens, ups, strict=True)
        ]
        await asyncio.wait_for(asyncio.gather(*(up.wait() for up in ups)), 120)
        await asyncio.sleep(3)  # the consumer groups settle
        tally.warm_until = time.monotonic() + warmup
        took = await offer(servers.kafka_bootstrap_servers, raw, events, rate, tally)
        quiet = tally.task_events
        for _ in range(30):  # until nothing arrived for 2 s (at most 60 s)
            await asyncio.sleep(2)
            if tally.task_events == quiet:
                break
            quiet = tally.task_events
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    report(tally, len(events), took)


def report(tally: Tally, sent: int, took: float) -> None:
    found = sorted(tally.latencies_ms)
    print(
        f"sent {sent:,} events in {took:.1f} s: achieved {sent / took:,.0f} events/s\n"
        f"SSE task events received: {tally.task_events:,} "
        f"(measured after the warm-up: {len(found):,}; a task's instant seen again: "
        f"{tally.same_instant:,}; naming no event sent here: {tally.unmatched:,}); "
        f"captions {tally.captions:,}; refreshes {tally.refreshes:,}"
    )
    if len(found) < 2:
        print("too few measured changes for percentiles")
        return
    for label, values in [
        ("event produced -> change on the agent's SSE stream", found),
        ("  of it: produced -> the queue rendered the view", sorted(tally.pipeline_ms)),
        ("  of it: rendered -> on the SSE stream (gateway)", sorted(tally.delivery_ms)),
    ]:
        print(
            f"{label:52} ms: p50 {percentile(values, 0.50):7.1f}  "
            f"p95 {percentile(values, 0.95):7.1f}  p99 {percentile(values, 0.99):7.1f}  "
            f"max {values[-1]:7.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="Live-update latency; prints figures.")
    parser.add_argument("--rate", type=float, default=500.0, help="events offered per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of offering")
    parser.add_argument("--agents", type=int, default=60, help="agents per tenant (4 tenants)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds left out at first")
    args = parser.parse_args()
    configure_logging("WARNING")
    asyncio.run(benchmark(args.rate, args.duration, args.agents, args.warmup))


if __name__ == "__main__":
    main()
