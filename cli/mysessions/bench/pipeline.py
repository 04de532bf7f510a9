"""(d): the whole pipeline as deployed, one process per worker replica (``python -m
<service>``, the same entry points as ``mysessions run``), on a stage's fresh topics,
database and key prefix, until every consumer group has read everything it should and every
reporting record is written. CPU and memory are read from /proc from outside, so the
workers run unchanged."""

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from mysessions_platform.mongo import mongo_client, mongo_database
from mysessions_platform.worker_process import WorkerProcess
from pymongo.asynchronous.database import AsyncDatabase

from mysessions.bench import procfs
from mysessions.bench.stage import Stage
from mysessions.operations.lag import group_lags

WORKERS = ("ingest", "queue", "context", "reporting")
SETTLE_S, SWEEP_S = "2", "0.5"
"""Reporting judges a session 2 s after its last fact (10 s by default), so the end of the
run is not 10 s of waiting; the sweep looks every 0.5 s."""
QUIET_S = 5.0
POLL_S = 0.5
READY_TIMEOUT_S = 120.0


@dataclass
class Replica:
    kind: str
    process: WorkerProcess
    port: int
    ready_at: float = 0.0
    cpu_at_ready: float = 0.0
    cpu_at_end: float = 0.0
    rss: list[tuple[float, int]] = field(default_factory=list)
    """(seconds since the run's start, bytes) samples."""

    @property
    def pid(self) -> int:
        assert self.process.process is not None
        return self.process.process.pid


@dataclass(frozen=True)
class PipelineRun:
    replicas: list[Replica]
    inputs: dict[str, int]
    """Records each worker kind read: the end offsets of its input topics."""
    records: int
    """Reporting records written for the workload's tenants."""
    wall_s: float
    """From ingest ready (the others were before) to the last group caught up and the last
    record."""
    finished: bool
    caught_up_s: dict[str, float] = field(default_factory=dict)
    """Per worker kind: seconds from ingest ready until its group had read all
    its inputs (and stayed so), as first seen by the progress polls."""
    records_over_time: list[tuple[float, int]] = field(default_factory=list)
    """(seconds from ingest ready, reporting records written) at each poll."""
    machine_busy_s: float = 0.0
    """CPU seconds the whole machine was busy (all its processes: the workers, the servers,
    this command) over ``measured_s``, as the workers' CPU figures."""
    command_cpu_s: float = 0.0
    """This command's own CPU seconds over the same time (its polls of Kafka and MongoDB)."""
    measured_s: float = 0.0
    """The time the CPU figures cover: ``wall_s`` and the quiet polls that confirm the end."""
    late_facts: int = 0
    """Facts reporting received after it had written their session's records: the replay
    compresses hours of a session into seconds, so a session whose next event is still
    behind thousands of others in the backlog can look settled for the 2 s settle."""

    def cpu_s(self, kind: str) -> float:
        return sum(r.cpu_at_end - r.cpu_at_ready for r in self.replicas if r.kind == kind)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _inputs(stage: Stage) -> dict[str, list[str]]:
    t = stage.topics
    return {
        "ingest": [t["raw"]],
        "queue": [t["sessions"], t["acw"]],
        "context": [t["sessions"]],
        "reporting": [t["changelog"], t["sessions"], t["acw"]],
    }


def _environment(stage: Stage, kind: str, port: int) -> dict[str, str]:
    t, servers = stage.topics, stage.servers
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
        "REDIS_URL": servers.redis_url,
        "REDIS_CLUSTER": "true" if servers.redis_cluster else "false",
        "MONGODB_URL": stage.database_url,
        "LOG_LEVEL": "WARNING",
    }
    own = {
        "GROUP_ID": f"{stage.key_prefix}-{kind}",
        "DEAD_LETTER_TOPIC": t["dlq"],
        "PARTITIONS": str(stage.partitions),
        "HEALTH_PORT": str(port),
    }
    if kind == "ingest":
        own |= {"SOURCE_TOPIC": t["raw"], "TARGET_TOPIC": t["sessions"]}
    elif kind == "queue":
        own |= {"SOURCE_TOPIC": t["sessions"], "CHANGELOG_TOPIC": t["changelog"]}
        own |= {"ACW_TOPIC": t["acw"]}
    elif kind == "context":
        own |= {"SOURCE_TOPIC": t["sessions"]}
    else:
        own |= {"CHANGELOG_TOPIC": t["changelog"], "EVENTS_TOPIC": t["sessions"]}
        own |= {"ACW_TOPIC": t["acw"], "TARGET_TOPIC": t["reporting"]}
        own |= {"QUEUE_KEY_PREFIX": stage.key_prefix, "SETTLE_S": SETTLE_S}
        own |= {"SWEEP_INTERVAL_S": SWEEP_S}
    if kind != "reporting":
        own["KEY_PREFIX"] = stage.key_prefix
    return env | {f"{kind.upper()}_{name}": value for name, value in own.items()}


async def _ready(replica: Replica, client: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            answer = await client.get(f"http://127.0.0.1:{replica.port}/readyz")
            if answer.status_code == 200:
                replica.ready_at = time.monotonic()
                replica.cpu_at_ready = procfs.cpu_seconds(replica.pid)
                return
        except httpx.TransportError:
            pass
        if replica.process.process and replica.process.process.returncode is not None:
            raise RuntimeError(f"the {replica.kind} worker exited while starting; see its log")
        await asyncio.sleep(0.1)
    raise TimeoutError(f"the {replica.kind} worker was not ready in {READY_TIMEOUT_S:.0f} s")


class _Progress:
    """Whether the run is over: every group caught up, nothing of the tenants pending in
    reporting, and no new record for QUIET_S."""

    def __init__(self, stage: Stage, tenants: tuple[str, ...], groups: dict[str, str]) -> None:
        self.stage, self.tenants, self.groups = stage, tenants, groups
        self.records, self.grew_at, self.caught_up_at = 0, time.monotonic(), 0.0
        self.caught_up: dict[str, float] = {}
        self.timeline: list[tuple[float, int]] = []
        """(monotonic time, records written) at each poll."""

    async def over(self, database: AsyncDatabase[Any]) -> bool:
        collection = database["reporting_records"]
        pending = database["reporting_sessions"]
        # Equality on one tenant at a time: FerretDB v1 pushes no $in down.
        count = 0
        for tenant in self.tenants:
            count += await collection.count_documents({"tenant_id": tenant})
        now = time.monotonic()
        if count != self.records:
            self.records, self.grew_at = count, now
        self.timeline.append((now, count))
        lags = await group_lags(
            self.stage.servers.kafka_bootstrap_servers,
            [(group, _inputs(self.stage)[kind]) for kind, group in self.groups.items()],
        )
        for kind, lag in zip(self.groups, lags, strict=True):
            if lag.total:
                self.caught_up.pop(kind, None)
            else:
                self.caught_up.setdefault(kind, now)
        if any(lag.total for lag in lags):
            self.caught_up_at = 0.0
            return False
        self.caught_up_at = self.caught_up_at or now
        if time.monotonic() - self.grew_at < QUIET_S:
            return False
        for tenant in self.tenants:
            if await pending.find_one({"tenant_id": tenant, "status": "pending"}, {"_id": 1}):
                return False
        return True

    @property
    def ended_at(self) -> float:
        return max(self.grew_at, self.caught_up_at)


@asynccontextmanager
async def running_workers(
    stage: Stage, replicas: int, logs: Path, extra: dict[str, str] | None = None
) -> AsyncIterator[list[Replica]]:
    """``replicas`` processes of each worker, started and ready (``/readyz``); stopped
    (SIGTERM) at the end. ``extra``: more environment for every one of them.

    Ingest starts last, once the others are ready: the backlog is on its input, so the
    pipeline's work begins when ingest is ready, not while the others are still starting
    (their start-up times differ by seconds: measured from the first one ready, the run
    counted the slowest one's start as the pipeline's time)."""
    running = [
        Replica(kind, WorkerProcess(f"{kind}_service", {}, _log(logs, kind, n)), 0)
        for kind in (*[k for k in WORKERS if k != "ingest"], "ingest")
        for n in range(replicas)
    ]
    async with AsyncExitStack() as cleanup, httpx.AsyncClient(timeout=2) as client:
        for phase in ([r for r in running if r.kind != "ingest"], _ingest(running)):
            for replica in phase:
                replica.port = free_port()
                environment = _environment(stage, replica.kind, replica.port) | (extra or {})
                replica.process.env.update(environment)
                await replica.process.start()
                cleanup.push_async_callback(replica.process.stop)
            await asyncio.gather(*(_ready(r, client) for r in phase))
        yield running


def _ingest(running: list[Replica]) -> list[Replica]:
    return [r for r in running if r.kind == "ingest"]


async def run_pipeline(
    stage: Stage,
    tenants: tuple[str, ...],
    replicas: int,
    logs: Path,
    give_up_s: float,
    sample_every_s: float = POLL_S,
) -> PipelineRun:
    """Starts the workers on the stage's loaded topics and waits until the run is over."""
    started = time.monotonic()
    groups = {kind: f"{stage.key_prefix}-{kind}" for kind in WORKERS}
    stage.groups.extend(groups.values())
    async with running_workers(stage, replicas, logs) as running:
        first_ready = min(r.ready_at for r in _ingest(running))  # the pipeline's work begins
        for replica in running:  # what the others spent starting and waiting is not counted
            replica.cpu_at_ready = procfs.cpu_seconds(replica.pid)
        machine_at_start, own_at_start = procfs.machine_busy_seconds(), time.process_time()
        progress = _Progress(stage, tenants, groups)
        finished = False
        sampler = asyncio.create_task(_sample(running, started, sample_every_s))
        try:
            async with mongo_client(stage.database_url) as mongo:
                database = mongo_database(mongo)
                while time.monotonic() - first_ready < give_up_s:
                    if await progress.over(database):
                        finished = True
                        break
                    await asyncio.sleep(POLL_S)
                late = sum(  # by tenant: FerretDB v1 pushes no $in down
                    [
                        await database["reporting_late_facts"].count_documents({"tenant_id": t})
                        for t in tenants
                    ]
                )
        finally:
            sampler.cancel()
        for replica in running:
            replica.cpu_at_end = procfs.cpu_seconds(replica.pid)
        machine_busy = procfs.machine_busy_seconds() - machine_at_start
        own = time.process_time() - own_at_start
        measured = time.monotonic() - first_ready
        ended = progress.ended_at if finished else time.monotonic()
    totals = await _input_totals(stage)
    caught_up = {kind: at - first_ready for kind, at in progress.caught_up.items()}
    timeline = [(at - first_ready, count) for at, count in progress.timeline]
    return PipelineRun(
        running,
        totals,
        progress.records,
        ended - first_ready,
        finished,
        caught_up,
        timeline,
        machine_busy,
        own,
        measured,
        late,
    )


async def _sample(running: list[Replica], started: float, every_s: float) -> None:
    """Each replica's RSS every ``every_s``, apart from the progress polls (which wait on
    Kafka and MongoDB), so the series is evenly spaced."""
    while True:
        now = time.monotonic() - started
        for replica in running:
            replica.rss.append((now, procfs.rss_bytes(replica.pid)))
        await asyncio.sleep(every_s)


def _log(directory: Path, kind: str, number: int) -> Path:
    path = directory
    path.mkdir(parents=True, exist_ok=True)
    return path / f"bench-{kind}-{number}.log"


async def _input_totals(stage: Stage) -> dict[str, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=stage.servers.kafka_bootstrap_servers)
    await consumer.start()
    try:
        ends: dict[str, int] = {}
        for topic in stage.topics.values():
            partitions = [TopicPartition(topic, p) for p in range(stage.partitions)]
            offsets = await consumer.end_offsets(partitions)
            ends[topic] = sum(offsets.values())
    finally:
        await consumer.stop()
    return {kind: sum(ends[t] for t in topics) for kind, topics in _inputs(stage).items()}
