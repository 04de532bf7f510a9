"""``mysessions bench latency``: at a fixed offered rate through every worker and a gateway
holding one live stream per agent, from handing an event to Kafka to its change on the
agent's stream.

An event's change is recognised on arrival by its session and instant: a task view's
``updated_at`` is the ``occurred_at`` of the newest event folded into it. Latency = arrival
minus the moment the event was handed to the producer (one clock: this process's
``time.monotonic``), split at the view's ``as_of`` (when the queue rendered it; the wall
clock of the same box) into the pipeline's leg (ingest, queue) and the gateway's (Redis
stream to SSE). The first ``warmup`` seconds are left out (groups joining, scripts
loading)."""

import asyncio
import json
import statistics
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from contracts import SessionEvent, TaskOffered, encode
from mysessions_platform.settings import ServerSettings
from mysessions_platform.sse_client import received_events
from mysessions_platform.testing.naming import unique_name
from mysessions_platform.worker_process import WorkerProcess

from mysessions.bench.identity import Identity, identity
from mysessions.bench.pipeline import free_port, running_workers
from mysessions.bench.stage import Stage, stage
from mysessions.bench.workload import SERVICES, Workload
from mysessions.commands.simulate import make_config
from mysessions.simulation import SimulationStats, simulate

TENANTS, SEED = 4, 7
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
LEGS = ("end to end", "pipeline: produced -> queue rendered", "gateway: rendered -> on SSE")
SHARES = (0.50, 0.95, 0.99, 0.999)


def _ms(instant: datetime) -> int:
    return (instant - _EPOCH) // _MS


@dataclass
class Tally:
    sent_at: dict[tuple[str, int], tuple[float, float]] = field(default_factory=dict)
    """(session_id, occurred_at ms) -> when the newest such event went to the producer
    (monotonic, and wall clock for comparing with the view's ``as_of``)."""
    legs: dict[str, list[float]] = field(default_factory=lambda: {leg: [] for leg in LEGS})
    task_events: int = 0
    seen: set[tuple[str, int]] = field(default_factory=set)
    """(user_session_id, updated_at ms) measured already: a later view with the same instant
    was changed by an event that did not move ``updated_at``; its cause is not known."""
    same_instant: int = 0
    unmatched: int = 0
    warm_until: float = float("inf")
    retried_opens: int = 0
    """Stream opens answered 429 or 503 and tried again after Retry-After."""


@dataclass(frozen=True)
class Latency:
    offered: int
    rate: float
    achieved_rate: float
    streams: int
    tally: Tally

    def percentiles(self, leg: str) -> dict[str, float]:
        values = sorted(self.tally.legs[leg])
        if len(values) < 2:
            return {}
        cuts = statistics.quantiles(values, n=1000, method="inclusive")
        found = {f"p{share * 100:g}": cuts[round(share * 1000) - 1] for share in SHARES}
        return found | {"max": values[-1]}

    def as_json(self) -> dict[str, Any]:
        t = self.tally
        return {
            "offered_events": self.offered,
            "offered_rate": self.rate,
            "achieved_rate": self.achieved_rate,
            "live_streams": self.streams,
            "task_events_received": t.task_events,
            "measured": len(t.legs[LEGS[0]]),
            "same_instant": t.same_instant,
            "unmatched": t.unmatched,
            "retried_stream_opens": t.retried_opens,
            "milliseconds": {leg: self.percentiles(leg) for leg in LEGS},
        }


RETRIED = (429, 503)
"""Answers a page retries after their Retry-After, as the bench's streams do."""


async def _listen(client: httpx.AsyncClient, token: str, tally: Tally, up: asyncio.Event) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        async with client.stream("GET", "/api/v1/live", headers=headers) as response:
            if response.status_code in RETRIED:
                tally.retried_opens += 1
                await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            response.raise_for_status()
            up.set()
            await _read(response, tally)
            return


async def _read(response: httpx.Response, tally: Tally) -> None:
    """Times every task view the stream delivers against when its event was sent."""
    async for event in received_events(response.aiter_lines()):
        if event.event != "task":
            continue
        arrived, arrived_wall = time.monotonic(), time.time()
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
            tally.legs[LEGS[0]].append((arrived - sent[0]) * 1000)
            tally.legs[LEGS[1]].append((rendered - sent[1]) * 1000)
            tally.legs[LEGS[2]].append((arrived_wall - rendered) * 1000)


async def _offer(
    bootstrap: str, topic: str, events: Sequence[SessionEvent], rate: float, tally: Tally
) -> float:
    """Sends every event at its slot (``i / rate`` s after the start); returns the seconds
    the sending took (the achieved rate is events / that)."""
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
            tally.sent_at[(event.session_id, _ms(event.occurred_at))] = (
                time.monotonic(),
                time.time(),
            )
            pending.append(await producer.send(topic, encode(event), key=event.session_id.encode()))
        took = time.monotonic() - start
        await asyncio.gather(*pending)
        return took
    finally:
        await producer.stop()


def _gateway_environment(ran: Stage, idp: Identity, port: int, streams: int) -> dict[str, str]:
    servers = ran.servers
    return {
        "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
        "REDIS_URL": servers.redis_url,
        "REDIS_CLUSTER": "true" if servers.redis_cluster else "false",
        "MONGODB_URL": ran.database_url,
        "LOG_LEVEL": "WARNING",
        "HEALTH_PORT": "0",
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(port),
        "GATEWAY_QUEUE_KEY_PREFIX": ran.key_prefix,
        "GATEWAY_ACW_TOPIC": ran.topics["acw"],
        "GATEWAY_CHANGELOG_TOPIC": ran.topics["changelog"],
        "GATEWAY_EMAIL_TOPIC": ran.topics["replies"],
        "GATEWAY_SSE_MAX_STREAMS": str(max(2000, 2 * streams)),
        "GATEWAY_READS_PER_MINUTE": "100000",
        **idp.gateway_environment(),
    }


async def _gateway_ready(base_url: str, gateway: WorkerProcess) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as client:
        for _ in range(600):
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if gateway.process and gateway.process.returncode is not None:
                raise RuntimeError(f"the gateway exited while starting; see {gateway.log_file}")
            await asyncio.sleep(0.2)
    raise TimeoutError(f"the gateway was not ready in 120 s; see {gateway.log_file}")


async def latency(
    servers: ServerSettings,
    rate: float,
    duration: float,
    agents: int,
    warmup: float,
    partitions: int,
    logs: Path,
    say: Any,
) -> Latency:
    config = make_config(
        TENANTS,
        SERVICES,
        agents,
        rate,
        duration,
        SEED,
        fast=True,
        tenant_prefix=unique_name("bench"),
    )
    events = list(islice(simulate(config, SimulationStats()), int(rate * duration)))
    workload = Workload(config, events, ())
    agent_ids = sorted({(e.tenant_id, e.user_id) for e in events if isinstance(e, TaskOffered)})
    say(
        f"offering {len(events):,} events at {rate:,.0f}/s for {duration:.0f} s; "
        f"{len(agent_ids)} live streams (one per agent with a task); first {warmup:.0f} s left out"
    )
    async with AsyncExitStack() as cleanup:
        ran = await cleanup.enter_async_context(stage(servers, partitions, workload))
        idp = cleanup.enter_context(identity())
        # A live run needs no short settle: reporting as deployed (its defaults, 10 s and
        # 2 s). With the throughput runs' 2 s, every session quiet for 2 s between its
        # events was judged again: ~one MongoDB read per event, on the machine measured.
        as_deployed = {
            "QUEUE_WATCHDOG_INTERVAL_S": "1000000000",
            "REPORTING_SETTLE_S": "10",
            "REPORTING_SWEEP_INTERVAL_S": "2",
        }
        await cleanup.enter_async_context(running_workers(ran, 1, logs, as_deployed))
        port = free_port()
        gateway = WorkerProcess(
            "gateway_service",
            _gateway_environment(ran, idp, port, len(agent_ids)),
            logs / "bench-gateway.log",
        )
        await gateway.start()
        cleanup.push_async_callback(gateway.stop)
        base_url = f"http://127.0.0.1:{port}"
        await _gateway_ready(base_url, gateway)
        client = await cleanup.enter_async_context(
            httpx.AsyncClient(
                base_url=base_url,
                timeout=httpx.Timeout(30, read=None),
                limits=httpx.Limits(max_connections=None, max_keepalive_connections=None),
            )
        )
        tally = Tally()
        ups = [asyncio.Event() for _ in agent_ids]
        listeners = [
            asyncio.create_task(_listen(client, idp.token(tenant, user), tally, up))
            for (tenant, user), up in zip(agent_ids, ups, strict=True)
        ]
        try:
            await asyncio.wait_for(asyncio.gather(*(up.wait() for up in ups)), 120)
            await asyncio.sleep(3)  # the consumer groups settle
            tally.warm_until = time.monotonic() + warmup
            took = await _offer(
                servers.kafka_bootstrap_servers, ran.topics["raw"], events, rate, tally
            )
            quiet = tally.task_events
            for _ in range(30):  # until nothing arrived for 2 s (at most 60 s)
                await asyncio.sleep(2)
                if tally.task_events == quiet:
                    break
                quiet = tally.task_events
        finally:
            for listener in listeners:
                listener.cancel()
            await asyncio.gather(*listeners, return_exceptions=True)
    return Latency(len(events), rate, len(events) / took, len(agent_ids), tally)
