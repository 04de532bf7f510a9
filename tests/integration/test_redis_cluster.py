"""The pipeline on the local Redis Cluster (three primaries, a replica each), with a primary
SIGKILLed mid-stream: its replica takes over and the workers (ingest, queue and reporting as
processes, REDIS_CLUSTER=true) ride through it; every agent's view and every reporting record
equal those of a run on the single Redis that nobody touched (its workers in the test's
process). Then the gateway serves an agent's tasks from the cluster, and ``mysessions
rebuild`` restores the whole prefix from the changelog onto it.

What makes it so: every script touches one slot (an agent's ``{tenant:user}`` keys, a
session's ``{tenant:session}`` facts), the commands of a batch go out slot by slot through
the cluster client, which follows the new primary once the cluster elected it, and what
still fails while no primary serves a slot (lost connections, CLUSTERDOWN, TRYAGAIN) is an
outage: the batch is retried, its offsets not committed, and the scripts' revision guards
make the retried writes idempotent.

About 40 s, plus the cluster's start and stop (about 5 s) when the session starts it.
"""

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from contracts import SessionEvent, SessionRecord, topics
from faststream import TestApp
from gateway_service.live.reader import AgentStream
from gateway_service.testing import isolated_gateway
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.topics import ensure_topics
from mysessions_platform.key_parts import encode_part, glob_escape
from mysessions_platform.lua import LuaScript, run_pipeline
from mysessions_platform.mongo import Document, connect
from mysessions_platform.redis_client import RedisClient, is_cluster, redis_client
from mysessions_platform.sse_client import Received, received_events
from mysessions_platform.testing.cli import run_cli
from mysessions_platform.testing.kafka_reading import group_caught_up, read_records, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_cluster import (
    ClusterNodeState,
    LocalRedisCluster,
    local_redis_cluster,
)
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.testing.redis_keys import redis_keys as keys_on
from mysessions_platform.worker_process import WorkerProcess
from pymongo import AsyncMongoClient
from queue_service.adapters import keys
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.read import AgentEvents
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from .pipeline import make_pipeline
from .worker_run import WorkerRun, new_run, records, reporting_done

# One xdist worker runs this module: its module fixture starts and stops the one local
# Redis Cluster (fixed ports); two workers would stop it under each other.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.xdist_group("redis-cluster")]


@pytest.fixture(scope="module")
async def redis_cluster() -> AsyncIterator[LocalRedisCluster]:
    """Started if it is not running (and then stopped after this module, not at the end of
    the session: idle, it took CPU from the other tests); fails if it cannot be."""
    async with local_redis_cluster() as cluster:
        yield cluster


@pytest.fixture
async def cluster_keys(redis_cluster: LocalRedisCluster) -> AsyncIterator[RedisKeys]:
    async with keys_on(redis_cluster.url, cluster=True) as owned:
        yield owned


SENDING_S = 150.0
"""How long sending the events may take, through the kill and the failover."""


async def _settled(runs: Sequence[WorkerRun], workers: Sequence[WorkerProcess]) -> bool:
    """Every group at the end of its topics, every record written and published; fails at
    once when a worker exited (none may: an outage is ridden through, not restarted from)."""
    for worker in workers:
        if worker.process is not None and worker.process.returncode is not None:
            tail = worker.log_file.read_text()[-2000:]
            raise AssertionError(
                f"{worker.log_file.name}: exit {worker.process.returncode}\n{tail}"
            )
    client = connect(runs[0].mongodb_url)
    try:
        for run in runs:
            if not await run.caught_up() or not await reporting_done(client[run.database]):
                return False
        return True
    finally:
        await client.close()


@dataclass(frozen=True)
class Outage:
    victim: int
    before: list[ClusterNodeState]
    during: list[ClusterNodeState]
    """The nodes once the victim's replica took its slots over."""


def _entry_order(entry_id: str | None) -> tuple[int, int]:
    assert entry_id is not None
    ms, sequence = entry_id.split("-")
    return int(ms), int(sequence)


def _busiest_agent(events: Sequence[SessionEvent]) -> tuple[str, str]:
    counts: dict[tuple[str, str], int] = {}
    for event in events:
        if (user := getattr(event, "user_id", None)) is not None:
            counts[(event.tenant_id, user)] = counts.get((event.tenant_id, user), 0) + 1
    return max(counts, key=counts.__getitem__)


async def _kill_mid_stream(
    cluster: LocalRedisCluster, run: WorkerRun, events: list[SessionEvent], redis: RedisClient
) -> Outage:
    """A third of the events, then SIGKILL to the primary serving the busiest agent's keys
    once the first tasks are stored; a third sent while its replica takes over, and the
    last third once the killed node is back (a replica now)."""
    third = len(events) // 3
    before = await cluster.states()
    victim = await cluster.primary_of(keys.agent_tasks(run.prefix, *_busiest_agent(events)))
    raw = run.topics[topics.TELEPHONY_EVENTS]
    try:
        async with asyncio.timeout(SENDING_S), event_sender(run.bootstrap_servers, raw) as sender:
            await sender.send_all(events[:third])

            async def flowing() -> bool:
                return len(await run.store(redis).snapshot()) > 0

            await wait_for(flowing, timeout_s=60, what="the first tasks of the run")
            cluster.kill(victim)
            try:
                await sender.send_all(events[third : 2 * third])
                during = await cluster.failed_over(victim)
            finally:
                await cluster.restart(victim)  # also when the test fails: the next test
            await sender.send_all(events[2 * third :])
    except TimeoutError:
        raise AssertionError(f"the events were not all sent within {SENDING_S:.0f} s") from None
    return Outage(victim, before, during)


@dataclass(frozen=True)
class Outcome:
    views: dict[str, dict[str, str]]
    records: dict[str, dict[str, Any]]
    published: set[str]
    dead_letters: int


async def _outcome(
    run: WorkerRun, redis: RedisClient, client: AsyncMongoClient[Document]
) -> Outcome:
    written = await records(client[run.database])
    published = await read_records(
        run.bootstrap_servers, run.topics[topics.REPORTING_SESSIONS], len(written)
    )
    dead = await read_records(run.bootstrap_servers, run.topics[topics.DEAD_LETTERS], 1, 2)
    return Outcome(
        views=await run.store(redis).snapshot(),
        records=written,
        published={SessionRecord.model_validate_json(r.value).record_id for r in published},
        dead_letters=len(dead),
    )


async def test_a_primary_killed_mid_stream_changes_no_view_and_no_record(
    servers: Endpoints,
    redis_cluster: LocalRedisCluster,
    cluster_keys: RedisKeys,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    tmp_path: Path,
) -> None:
    config = make_config(tenants=2, services=3, agents=20, rate=15, duration=60, seed=43, fast=True)
    config = replace(config, start=config.start - timedelta(days=3))  # every window closed
    events = list(simulate(config))
    on_cluster = replace(servers, redis_url=redis_cluster.url, redis_cluster=True)
    killed, steady = (
        new_run(name, servers.kafka_bootstrap_servers, where, kafka_topics, prefix, database)
        for name, where, prefix, database in (
            ("killed", on_cluster, cluster_keys.key("k"), mongo_databases.create("k").name),
            ("steady", servers, redis_keys.key("s"), mongo_databases.create("s").name),
        )
    )
    for run in (killed, steady):
        assert await ensure_topics(run.bootstrap_servers, run.specs()) == []

    workers = killed.workers(tmp_path)
    single = Redis.from_url(servers.redis_url)
    cluster = cluster_keys.client
    client: AsyncMongoClient[Document] = connect(servers.mongodb_url)
    try:
        for worker in workers:
            await worker.start()
        async with AsyncExitStack() as in_process:
            for app in steady.apps():
                await in_process.enter_async_context(TestApp(app))
            async with event_sender(
                steady.bootstrap_servers, steady.topics[topics.TELEPHONY_EVENTS]
            ) as sender:
                await sender.send_all(events)
            await killed.ready()
            outage = await _kill_mid_stream(redis_cluster, killed, events, cluster)
            await wait_for(
                lambda: _settled((killed, steady), workers), timeout_s=120, what="both runs"
            )
        after_kill = await _outcome(killed, cluster, client)
        uninterrupted = await _outcome(steady, single, client)
    finally:
        for worker in workers:
            await worker.stop()
        await single.aclose()
        await client.close()

    assert is_cluster(cluster)
    # The kill mattered: the victim was a primary serving slots; while it was dead its
    # replica served them, and the agents' keys lay on every primary.
    victim_before = next(s for s in outage.before if s.port == outage.victim)
    assert victim_before.primary
    assert victim_before.slots
    victim_during = next(s for s in outage.during if s.port == outage.victim)
    assert victim_during.failed
    heirs = [
        s for s in outage.during if s.primary and not s.failed and s.slots == victim_before.slots
    ]
    assert len(heirs) == 1
    assert heirs[0].port != outage.victim
    owners = {await redis_cluster.primary_of(key) for key in after_kill.views}
    assert len(owners) == 3, "the run's agents are spread over every primary"
    assert after_kill == uninterrupted
    assert uninterrupted.dead_letters == 0
    assert len(uninterrupted.views) >= 40, "agents of both tenants have tasks"
    assert len(uninterrupted.records) > 100
    assert uninterrupted.published == set(uninterrupted.records)

    # The gateway on the cluster: an agent's tasks as the queue stored them.
    busiest = _busiest_agent(events)
    async with (
        isolated_gateway(
            on_cluster,
            cluster_keys,
            mongo_databases,
            kafka_topics,
            redis_cluster=True,
            queue_key_prefix=killed.prefix,
        ) as gateway,
        httpx.AsyncClient(base_url=gateway.base_url, timeout=10) as http,
    ):
        page = await http.get(
            "/api/v1/tasks", params={"limit": 1000}, headers=gateway.headers(*busiest)
        )
    assert page.status_code == 200, page.text
    served = {item["user_session_id"] for item in page.json()["items"]}
    stored = after_kill.views[keys.agent_tasks(killed.prefix, *busiest).removeprefix(killed.prefix)]
    assert served == set(stored)
    assert served

    # `mysessions rebuild` on the cluster: the prefix cleared (Redis lost it), then restored
    # from the changelog and the events still on Kafka, every scan over all three primaries.
    assert await killed.store(cluster).clear() > 0
    assert await killed.store(cluster).snapshot() == {}
    rebuilt = await run_cli("rebuild", "--prefix", killed.prefix, env=killed.env())
    assert rebuilt.code == 0, rebuilt.err
    assert await killed.store(cluster).snapshot() == after_kill.views

    # `mysessions unprovision` of one tenant on the cluster: its keys found on every
    # primary and erased, the other tenant's left.
    gone, kept = busiest[0], {keys.agent_of(key)[0] for key in after_kill.views} - {busiest[0]}
    seen = f"{glob_escape(killed.prefix)}:ingest:seen:{{{encode_part(gone)}}}:*"
    assert [k async for k in cluster.scan_iter(match=seen, count=1000)], (
        "ingest marked the tenant's events"
    )
    env = {**killed.env(), "CONTEXT_KEY_PREFIX": killed.prefix}
    erased = await run_cli("unprovision", "--tenant", gone, "--yes", env=env)
    assert erased.code == 0, erased.err
    tenants_left = {keys.agent_of(key)[0] for key in await killed.store(cluster).snapshot()}
    assert tenants_left == kept
    assert kept
    assert [k async for k in cluster.scan_iter(match=seen, count=1000)] == []


async def test_scans_visit_every_primary(
    redis_cluster: LocalRedisCluster, cluster_keys: RedisKeys
) -> None:
    """A plain SCAN answers for one node; the client's scan asks each primary."""
    names = [cluster_keys.key("scan", f"{{{n}}}") for n in range(60)]
    for name in names:
        await cluster_keys.client.set(name, "1")
    owners = {await redis_cluster.primary_of(name) for name in names}
    found = [
        k
        async for k in cluster_keys.client.scan_iter(
            match=f"{cluster_keys.prefix}:scan:*", count=1000
        )
    ]
    one_node = redis_client(f"redis://127.0.0.1:{min(owners)}/0")
    try:
        _, alone = await one_node.scan(0, match=f"{cluster_keys.prefix}:scan:*", count=1000)
    finally:
        await one_node.aclose()

    assert len(owners) == 3
    assert sorted(k.decode() for k in found) == sorted(names)
    assert 0 < len(alone) < len(names)


async def test_scripts_run_slot_by_slot_in_order_and_are_reloaded_after_a_flush(
    redis_cluster: LocalRedisCluster, cluster_keys: RedisKeys
) -> None:
    """``run_pipeline`` on a cluster (its pipeline refuses EVALSHA): NOSCRIPT (a promoted
    replica never had the scripts) is answered by loading them on every primary and running
    the batch again (as on one node: what a batch queues is idempotent); each slot's
    commands run in the builder's order, and the answers come in the builder's order."""
    put = LuaScript("redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])")
    append = LuaScript("return redis.call('APPEND', KEYS[1], ARGV[1])")
    names = [cluster_keys.key(f"{{{n}}}") for n in range(40)]
    client = cluster_keys.client
    await client.script_flush()  # every primary forgets every script

    def put_all(pipe: Pipeline) -> None:
        for name in names:
            put.queue(pipe, [name], ["a"])

    reloaded = await run_pipeline(client, [put], put_all)

    def in_order(pipe: Pipeline) -> None:
        for name in names:
            append.queue(pipe, [name], ["b"])
            pipe.append(name, "c")
            append.queue(pipe, [name], ["d"])

    await client.script_load(append.source)
    ordered = await run_pipeline(client, [append], in_order)
    values = [await client.get(name) for name in names]

    assert {await redis_cluster.primary_of(name) for name in names} == {
        s.port for s in await redis_cluster.states() if s.primary
    }
    assert reloaded == [b"a"] * len(names)
    assert ordered == [2, 3, 4] * len(names)
    assert values == [b"abcd"] * len(names)


async def test_an_agent_s_live_stream_follows_the_queue_on_the_cluster(
    servers: Endpoints,
    redis_cluster: LocalRedisCluster,
    cluster_keys: RedisKeys,
    kafka_topics: KafkaTopics,
    mongo_databases: MongoDatabases,
) -> None:
    """The queue (in this process, its client from REDIS_CLUSTER) publishes each change on
    the agent's channel from inside its script; the gateway's live stream, subscribed
    through the cluster client's pub/sub on whichever node it chose, receives every entry
    of the agent's events stream, in order, with the view the queue stored. The stream's
    heartbeat (which also catches up) is longer than the wait: only the channel's messages
    can bring the entries."""
    config = make_config(
        tenants=1, services=2, agents=2, rate=0.5, duration=1800, seed=59, fast=True
    )
    events = list(simulate(config))
    agent = _busiest_agent(events)
    on_cluster = replace(servers, redis_url=redis_cluster.url, redis_cluster=True)
    pipeline = await make_pipeline(on_cluster, kafka_topics, cluster_keys.prefix)
    assert pipeline.queue.redis_cluster
    tip = AgentStream(AgentEvents(cluster_keys.client, cluster_keys.prefix, *agent))
    received: list[Received] = []

    async def read(response: httpx.Response) -> None:
        assert response.status_code == 200, await response.aread()
        async for event in received_events(response.aiter_lines()):
            if event.event != "comment":
                received.append(event)

    async def up_to_the_tip() -> bool:
        return bool(received) and received[-1].id == str((await tip.bounds()).last)

    async with (
        TestApp(create_queue(pipeline.queue)),
        isolated_gateway(
            on_cluster,
            cluster_keys,
            mongo_databases,
            kafka_topics,
            redis_cluster=True,
            sse_heartbeat_s=60,  # the stream catches up on its heartbeat too: not in this test
        ) as gateway,
        httpx.AsyncClient(base_url=gateway.base_url, timeout=httpx.Timeout(10, read=None)) as http,
        http.stream("GET", "/api/v1/live", headers=gateway.headers(*agent)) as response,
    ):
        reading = asyncio.create_task(read(response))
        try:
            async with event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender:
                await sender.send_all(events)

            async def queue_done() -> bool:
                return await group_caught_up(
                    servers.kafka_bootstrap_servers, pipeline.queue.group_id, pipeline.sessions
                )

            # The tip first, then the client: checked while the queue still wrote, the client
            # could be at the tip of the moment and the last entries come after (seen once).
            await wait_for(queue_done, 30, "the queue to take every event")
            await wait_for(up_to_the_tip, 20, "the stream's newest entry to reach the client")
        finally:
            reading.cancel()
            await asyncio.gather(reading, return_exceptions=True)
        client: Any = cluster_keys.client  # redis-py's command types: sync and async unions
        raw = await client.xrange(keys.agent_events(cluster_keys.prefix, *agent))

    kept = [(i.decode(), fields[b"view"].decode()) for i, fields in raw]
    assert {e.event for e in received} == {"task"}
    assert len(kept) >= 5, "the agent's calls made changes"
    got = {e.id: e.data for e in received}
    assert [i for i, _ in kept if i in got] == [i for i, _ in kept], "every kept entry arrived"
    assert all(got[i] == view for i, view in kept)
    assert [e.id for e in received] == sorted(got, key=_entry_order)
