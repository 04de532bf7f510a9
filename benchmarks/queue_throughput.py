"""Queue worker throughput on the real local Kafka and Redis. Prints figures, asserts nothing.

    uv run python benchmarks/queue_throughput.py [--events N] [--batch N]

Two scenarios on the same simulated events, each with fresh topics, consumer groups and a
fresh Redis key prefix, all removed at the end:

- ``queue``: the events pre-loaded into a sessions topic, then the queue worker alone;
- ``ingest+queue``: the events pre-loaded into a raw topic, then ingest and queue together.

The workers of a scenario run in a fresh child process (FastStream ``TestApp``), so its
peak RSS is theirs, not the simulator's. Inside it, redis-py and ``BatchDelivery`` are
wrapped to count batches and Redis round trips; benchmarks/README.md explains each figure.
"""

import argparse
import asyncio
import multiprocessing
import os
import platform
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AsyncExitStack
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import DeleteGroupsRequest
from contracts import SessionEvent
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from ingest_service.settings import IngestSettings
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import SimulationStats, plan, simulate
from mysessions_platform.kafka.batches import BatchDelivery, BatchStep, Records
from mysessions_platform.logging import configure_logging
from mysessions_platform.settings import ServerSettings
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics, kafka_topics
from mysessions_platform.testing.naming import unique_name
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters.store import SessionKey, SessionTasks, TaskStore, Written
from queue_service.domain import Fact
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.settings import QueueSettings
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

# 4 tenants x 3 services x 70 agents at 20 events/s: the simulator's plan answers ~100%.
TENANTS, SERVICES, AGENTS, RATE, SEED = 4, 3, 70, 20.0, 1
PARTITIONS = 3
TIMEOUT_S = 900.0
OUTSIDE = "outside batches"
_group: ContextVar[str] = ContextVar("group", default=OUTSIDE)


@dataclass
class Tally:
    """What one consumer group did, seen inside the worker process. Times are seconds since
    the apps were created; CPU is the process's user+system seconds."""

    batches: int = 0
    events: int = 0
    first_batch_s: float = 0.0
    first_batch_cpu_s: float = 0.0
    last_commit_s: float = 0.0
    last_commit_cpu_s: float = 0.0
    busy_s: float = 0.0
    round_trips: int = 0
    commands: int = 0
    redis_s: float = 0.0
    facts_new: int = 0
    facts_read: int = 0
    upserts: int = 0


@dataclass(frozen=True)
class Run:
    tallies: dict[str, Tally]
    rss_imports_kib: int
    rss_peak_kib: int


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_kib() -> int:
    """This process's own peak RSS. Linux's ``getrusage`` ``ru_maxrss`` would not do: a
    spawned child inherits the parent's peak at fork, and so would report the simulator's."""
    try:
        with open("/proc/self/status") as status:
            peak = next(line for line in status if line.startswith("VmHWM:"))
        return int(peak.split()[1])
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def count_batches(
    tallies: defaultdict[str, Tally], origin: float, after_batch: Callable[[], None]
) -> None:
    """Times every batch and every offset commit, per consumer group."""
    run, commit = BatchDelivery.run, AIOKafkaConsumer.commit

    async def counted_run(self: BatchDelivery, records: Records, step: BatchStep) -> None:
        tally, started = tallies[self.consumer_group], time.perf_counter()
        if not tally.batches:
            tally.first_batch_s, tally.first_batch_cpu_s = started - origin, _cpu_s()
        token = _group.set(self.consumer_group)
        try:
            await run(self, records, step)
        finally:
            _group.reset(token)
            tally.batches, tally.events = tally.batches + 1, tally.events + len(records)
            tally.busy_s += time.perf_counter() - started
            after_batch()

    async def timed_commit(self: Any, *args: Any, **kwargs: Any) -> Any:
        done = await commit(self, *args, **kwargs)
        tally = tallies[self._group_id]
        tally.last_commit_s, tally.last_commit_cpu_s = time.perf_counter() - origin, _cpu_s()
        return done

    BatchDelivery.run = counted_run  # type: ignore[method-assign]
    AIOKafkaConsumer.commit = timed_commit


def count_redis(tallies: defaultdict[str, Tally]) -> None:
    """One round trip per pipeline sent and per single command, charged to the consumer
    group whose batch is running (a context variable), else to ``OUTSIDE``."""
    execute, command = Pipeline.execute, Redis.execute_command

    async def timed(commands: int, call: Awaitable[Any]) -> Any:
        tally, started = tallies[_group.get()], time.perf_counter()
        tally.round_trips, tally.commands = tally.round_trips + 1, tally.commands + commands
        try:
            return await call
        finally:
            tally.redis_s += time.perf_counter() - started

    async def counted_execute(self: Pipeline, raise_on_error: bool = True) -> Any:
        if not self.command_stack:  # redis-py sends nothing then
            return await execute(self, raise_on_error)
        return await timed(len(self.command_stack), execute(self, raise_on_error))

    async def counted_command(self: Redis, *args: Any, **options: Any) -> Any:
        return await timed(1, command(self, *args, **options))  # type: ignore[no-untyped-call]

    Pipeline.execute = counted_execute  # type: ignore[method-assign]
    Redis.execute_command = counted_command  # type: ignore[method-assign]


def count_store(tallies: defaultdict[str, Tally]) -> None:
    """Facts the queue appends and reads back to fold, and the task upserts it sends."""
    append, write = TaskStore.append_facts, TaskStore.write

    async def counted_append(
        self: TaskStore, new_facts: Mapping[SessionKey, Sequence[Fact]]
    ) -> dict[SessionKey, list[Fact]]:
        every, tally = await append(self, new_facts), tallies[_group.get()]
        tally.facts_new += sum(len(facts) for facts in new_facts.values())
        tally.facts_read += sum(len(facts) for facts in every.values())
        return every

    async def counted_write(
        self: TaskStore,
        folded: Iterable[SessionTasks],
        now: datetime,
        activity: Mapping[SessionKey, datetime] | None = None,
    ) -> Written:
        sessions = list(folded)
        tallies[_group.get()].upserts += sum(len(session.tasks) for session in sessions)
        return await write(self, sessions, now, activity)

    TaskStore.append_facts = counted_append  # type: ignore[method-assign]
    TaskStore.write = counted_write  # type: ignore[method-assign]


async def _run_workers(ingest: IngestSettings | None, queue: QueueSettings, expected: int) -> Run:
    rss_imports = _peak_rss_kib()
    tallies: defaultdict[str, Tally] = defaultdict(Tally)
    watched, all_seen = tallies[queue.group_id], asyncio.Event()

    def check_seen() -> None:
        if watched.events >= expected:
            all_seen.set()

    count_batches(tallies, time.perf_counter(), check_seen)
    count_redis(tallies)
    count_store(tallies)
    apps = ([create_ingest(ingest)] if ingest else []) + [create_queue(queue)]

    async def all_committed() -> bool:
        bootstrap, group, topic = queue.kafka_bootstrap_servers, queue.group_id, queue.source_topic
        return await group_caught_up(bootstrap, group, topic)

    async with AsyncExitStack() as stack:
        for app in apps:
            await stack.enter_async_context(TestApp(app))
        await all_seen.wait()
        await wait_for(all_committed, TIMEOUT_S, "the queue group to commit")
    return Run(dict(tallies), rss_imports, _peak_rss_kib())


def run_workers(ingest: IngestSettings | None, queue: QueueSettings, expected: int) -> Run:
    """The child process's entry point."""
    configure_logging("WARNING")
    return asyncio.run(asyncio.wait_for(_run_workers(ingest, queue, expected), TIMEOUT_S))


async def in_child(ingest: IngestSettings | None, queue: QueueSettings, expected: int) -> Run:
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, run_workers, ingest, queue, expected)


@dataclass(frozen=True)
class Footprint:
    bytes_by_kind: Counter[str]
    tasks: int
    sessions: int


async def footprint(redis: Redis, prefix: str) -> Footprint:
    """``MEMORY USAGE key SAMPLES 0`` (exact, not sampled) summed over the prefix's keys."""
    names: list[bytes] = [key async for key in redis.scan_iter(match=f"{prefix}:*", count=1000)]
    task_hashes = [name for name in names if name.endswith(b":tasks")]
    async with redis.pipeline(transaction=False) as pipe:
        for name in names:
            pipe.memory_usage(name, samples=0)
        for name in task_hashes:
            pipe.hlen(name)
        replies = await pipe.execute()
    sizes, lengths = replies[: len(names)], replies[len(names) :]
    by_kind: Counter[str] = Counter()
    for name, size in zip(names, sizes, strict=True):
        by_kind[name.decode().split(":")[1]] += size or 0  # agent, session, watchdog, ingest
    return Footprint(by_kind, sum(lengths), sum(1 for n in names if b":session:" in n))


async def delete_groups(bootstrap: str, groups: Sequence[str]) -> None:
    """aiokafka's admin client has no call for it: Kafka's DeleteGroups, sent to each group's
    coordinator (a group that never committed is simply not found)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        for group in groups:
            await admin._send_request(
                DeleteGroupsRequest([group]), await admin.find_coordinator(group)
            )
    finally:
        await admin.close()


@dataclass(frozen=True)
class Outcome:
    name: str
    stages: dict[str, Tally]
    """Each consumer group's tally in pipeline order: [ingest,] queue."""
    run: Run
    memory: Footprint

    @property
    def wall_s(self) -> float:
        return self.stages["queue"].last_commit_s - self.first.first_batch_s

    @property
    def first(self) -> Tally:
        return next(iter(self.stages.values()))


async def preload(bootstrap: str, topic: str, events: Sequence[SessionEvent]) -> float:
    started = time.perf_counter()
    async with event_sender(bootstrap, topic) as sender:
        for at in range(0, len(events), 1000):
            await sender.send_all(events[at : at + 1000])
    return time.perf_counter() - started


@dataclass(frozen=True)
class Bench:
    """What every scenario shares: the events, the servers, and what to clean up."""

    events: Sequence[SessionEvent]
    batch: int
    servers: ServerSettings
    topics: KafkaTopics
    redis: Redis
    cleanup: AsyncExitStack

    async def scenario(self, name: str, with_ingest: bool) -> Outcome:
        prefix = unique_name("bench")
        groups = [f"{prefix}-ingest", f"{prefix}-queue"]
        self.cleanup.push_async_callback(RedisKeys(self.redis, prefix).delete_all)
        self.cleanup.push_async_callback(
            delete_groups, self.servers.kafka_bootstrap_servers, groups
        )
        sessions = await self.topics.create("bench-sessions", partitions=PARTITIONS)
        raw = await self.topics.create("bench-raw", partitions=PARTITIONS) if with_ingest else ""
        common = {
            "kafka_bootstrap_servers": self.servers.kafka_bootstrap_servers,
            "redis_url": self.servers.redis_url,
            "dead_letter_topic": await self.topics.create("bench-dlq"),
            "key_prefix": prefix,
            "max_batch": self.batch,
            "partitions": PARTITIONS,
        }
        queue = QueueSettings().model_copy(
            update={
                **common,
                "group_id": groups[1],
                "source_topic": sessions,
                "changelog_topic": await self.topics.create(
                    "bench-changelog", partitions=PARTITIONS
                ),
                "watchdog_interval_s": 1e9,
            }
        )
        ingest = IngestSettings().model_copy(
            update={
                **common,
                "group_id": groups[0],
                "source_topic": raw,
                "target_topic": sessions,
            }
        )
        took = await preload(self.servers.kafka_bootstrap_servers, raw or sessions, self.events)
        print(f"[{name}] pre-loaded {len(self.events):,} events in {took:.1f}s; processing...")
        run = await in_child(ingest if with_ingest else None, queue, len(self.events))
        stages = {"queue": run.tallies[queue.group_id]}
        if with_ingest:
            stages = {"ingest": run.tallies[ingest.group_id], **stages}
        return Outcome(name, stages, run, await footprint(self.redis, prefix))


def _mib(kib_or_bytes: float, unit: int = 2**10) -> str:
    return f"{kib_or_bytes / unit:,.1f}"


def overall_rows(outcome: Outcome, events: int) -> list[tuple[str, str]]:
    wall = outcome.wall_s
    cpu = outcome.stages["queue"].last_commit_cpu_s - outcome.first.first_batch_cpu_s
    return [
        ("wall s, first batch -> last commit", f"{wall:.2f}"),
        ("events/s, end to end", f"{events / wall:,.0f}"),
        ("worker CPU, % of one core", f"{100 * cpu / wall:.0f}"),
        ("events per worker CPU second", f"{events / cpu:,.0f}"),
        (
            "worker RSS MiB, peak (after imports)",
            f"{_mib(outcome.run.rss_peak_kib)} ({_mib(outcome.run.rss_imports_kib)})",
        ),
    ]


def stage_rows(label: str, tally: Tally, wall: float) -> list[tuple[str, str]]:
    trips, batches, events = tally.round_trips, tally.batches, tally.events
    return [
        (f"{label}: batches", f"{batches:,}"),
        (f"{label}: events per batch", f"{events / batches:.0f}"),
        (f"{label}: Redis round trips", f"{trips:,}"),
        (f"{label}: round trips per batch", f"{trips / batches:.2f}"),
        (f"{label}: round trips per event", f"{trips / events:.4f}"),
        (f"{label}: Redis commands per round trip", f"{tally.commands / max(trips, 1):.0f}"),
        (f"{label}: % of wall in its batch handler", f"{100 * tally.busy_s / wall:.0f}"),
        (f"{label}: % of wall in Redis calls", f"{100 * tally.redis_s / wall:.0f}"),
    ]


def store_rows(outcome: Outcome, events: int) -> list[tuple[str, str]]:
    queue, memory = outcome.stages["queue"], outcome.memory
    facts, agents = memory.bytes_by_kind["session"], memory.bytes_by_kind["agent"]
    stored = facts + agents + memory.bytes_by_kind["watchdog"]
    dedupe = memory.bytes_by_kind["ingest"] / events if "ingest" in outcome.stages else None
    return [
        (
            "queue: events that are facts (others skipped)",
            f"{100 * queue.facts_new / queue.events:.0f}%",
        ),
        ("queue: facts read back per new fact", f"{queue.facts_read / queue.facts_new:.1f}"),
        ("queue: task upserts per event", f"{queue.upserts / queue.events:.2f}"),
        ("Redis: sessions / tasks stored", f"{memory.sessions:,} / {memory.tasks:,}"),
        ("Redis: queue keys MiB", _mib(stored, 2**20)),
        ("Redis: queue bytes per task", f"{stored / memory.tasks:,.0f}"),
        ("Redis: queue bytes per session", f"{stored / memory.sessions:,.0f}"),
        ("Redis: session facts share of bytes", f"{100 * facts / stored:.0f}%"),
        ("Redis: ingest dedupe bytes per event", "-" if dedupe is None else f"{dedupe:.0f}"),
    ]


def table(outcomes: Sequence[Outcome], events: int) -> str:
    columns = []
    for outcome in outcomes:
        found = overall_rows(outcome, events)
        for label, tally in outcome.stages.items():
            found += stage_rows(label, tally, outcome.wall_s)
        columns.append(dict(found + store_rows(outcome, events)))
    labels = list(dict.fromkeys(label for column in reversed(columns) for label in column))
    width = max(map(len, labels))
    lines = [f"{'':{width}}" + "".join(f"  {o.name:>14}" for o in outcomes)]
    for label in labels:
        lines.append(f"{label:{width}}" + "".join(f"  {c.get(label, '-'):>14}" for c in columns))
    return "\n".join(lines)


async def benchmark(events: int, batch: int) -> None:
    config = make_config(TENANTS, SERVICES, AGENTS, RATE, events / RATE, SEED, fast=True)
    stats = SimulationStats()
    simulated = list(simulate(config, stats))
    servers = ServerSettings()
    redis = Redis.from_url(servers.redis_url)
    version = (await redis.info("server"))["redis_version"]
    print(
        f"machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}, Redis {version}; Kafka and Redis on the same box; load "
        f"average {os.getloadavg()[0]:.1f}\n"
        f"events: {len(simulated):,} simulated, {stats.session_count:,} sessions, {TENANTS} "
        f"tenants x {AGENTS} agents (planned answered share {plan(config).answered_share:.0%}); "
        f"max batch {batch}; {PARTITIONS} partitions"
    )
    async with AsyncExitStack() as cleanup:
        cleanup.push_async_callback(redis.aclose)
        topics = await cleanup.enter_async_context(kafka_topics(servers.kafka_bootstrap_servers))
        bench = Bench(simulated, batch, servers, topics, redis, cleanup)
        outcomes = [
            await bench.scenario("queue", with_ingest=False),
            await bench.scenario("ingest+queue", with_ingest=True),
        ]
    print(table(outcomes, len(simulated)))
    outside = sum(o.run.tallies.get(OUTSIDE, Tally()).round_trips for o in outcomes)
    print(
        "Round trips are counted in the worker process: one per redis-py pipeline sent, one per\n"
        f"single command, charged to the batch that made it ({outside} made outside batches:\n"
        "startup pings). Topics, consumer groups and Redis keys are deleted."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Queue worker throughput; prints figures.")
    parser.add_argument("--events", type=int, default=20_000, help="about this many events")
    parser.add_argument("--batch", type=int, default=500, help="max records per batch")
    args = parser.parse_args()
    configure_logging("WARNING")
    asyncio.run(benchmark(args.events, args.batch))


if __name__ == "__main__":
    main()
