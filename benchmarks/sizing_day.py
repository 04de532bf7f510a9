"""One simulated day of one tenant through the four real workers, for sizing.py: what it
leaves in Redis (half-way, while sessions are live, and at the end) and in MongoDB.

The tenant gets the demo's realistic settings (codes and tags everywhere, its first service
storing conversation context, an address book), with the shortest after-call-work window
(60 s): the day lies just behind now (``simulate --fast``), so windows close during the run
and reporting writes every session's records, as the system would after a real day. The
workers are reporting_at_volume.py's (one child process each, on a fresh database, fresh
topics, consumer groups and a fresh Redis key prefix, all removed at the end)."""

import io
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from context_service.contacts_import import import_parsed, parse_rows
from contracts import SessionEvent
from mysessions.commands.simulate import make_config
from mysessions.demo_contacts import demo_contacts
from mysessions.demo_settings import demo_service_settings
from mysessions.events_out import event_sender
from mysessions.simulation import SimulationStats, simulate
from mysessions.simulation.config import SimulationConfig
from mysessions_platform.mongo import connect, with_database
from mysessions_platform.service_settings.store import ServiceSettingsStore
from mysessions_platform.settings import ServerSettings
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import kafka_topics
from mysessions_platform.testing.mongo_databases import mongo_databases
from mysessions_platform.testing.naming import unique_name
from mysessions_platform.testing.redis_keys import RedisKeys
from pymongo.asynchronous.database import AsyncDatabase
from queue_throughput import delete_groups
from redis.asyncio import Redis
from reporting_at_volume import PARTITIONS, last_record, worker_settings, workers
from sizing_mongo import CollectionSize, measure_collections
from sizing_redis import FullAgent, KeyKinds, agent_at_cap, measure_keys

__all__ = ["Day", "run_day"]

SERVICES, RATE, ACW_WINDOW_S = 3, 20.0, 60
# One tenant at 20 events/s: with 300 agents nearly every session is answered, as in
# queue_throughput.py's 4 x 70 (fewer agents and most calls are abandoned while queued).


@dataclass(frozen=True)
class Day:
    events: int
    sessions: int
    agents: int
    half_way: KeyKinds
    end: KeyKinds
    full_agent: FullAgent
    collections: list[CollectionSize]
    stored_context_sessions: int
    """Sessions of the day's service that stores context (the only one that does)."""
    records: int


def the_day(events: int, agents: int, seed: int) -> tuple[SimulationConfig, list[SessionEvent]]:
    config = make_config(1, SERVICES, agents, RATE, events / RATE, seed, True, "sizing")
    return config, list(simulate(config, SimulationStats()))


async def apply_settings(
    database: AsyncDatabase[dict[str, object]], config: SimulationConfig
) -> None:
    store = ServiceSettingsStore(database)
    await store.ensure_indexes()
    switched_on = config.start - timedelta(days=1)  # not retroactive: on before the day
    for spec in demo_service_settings(config):
        await store.apply(spec.model_copy(update={"acw_window_s": ACW_WINDOW_S}), switched_on)
    for tenant, text in demo_contacts(config).items():
        await import_parsed(
            database, tenant, "contacts", parse_rows(io.StringIO(text), "contacts", None)
        )


async def send(bootstrap: str, topic: str, events: list[SessionEvent]) -> None:
    async with event_sender(bootstrap, topic) as sender:
        for at in range(0, len(events), 1000):
            await sender.send_all(events[at : at + 1000])


async def run_day(servers: ServerSettings, events: int, agents: int, seed: int, cap: int) -> Day:
    config, day = the_day(events, agents, seed)
    bootstrap = servers.kafka_bootstrap_servers
    prefix = unique_name("sizing")
    async with AsyncExitStack() as cleanup:
        redis = Redis.from_url(servers.redis_url)
        cleanup.push_async_callback(redis.aclose)
        cleanup.push_async_callback(RedisKeys(redis, prefix).delete_all)
        topics = await cleanup.enter_async_context(kafka_topics(bootstrap))
        groups = [f"{prefix}-{kind}" for kind in ("ingest", "queue", "context", "reporting")]
        cleanup.push_async_callback(delete_groups, bootstrap, groups)
        databases = await cleanup.enter_async_context(mongo_databases(servers.mongodb_url))
        name = databases.create("sizing").name
        client = connect(with_database(servers.mongodb_url, name))
        cleanup.push_async_callback(client.close)
        database = client[name]
        await apply_settings(database, config)
        names = ("raw", "sessions", "dlq", "changelog", "acw", "reporting")
        made = {n: await topics.create(f"sizing-{n}", partitions=PARTITIONS) for n in names}
        settings = worker_settings(servers, with_database(servers.mongodb_url, name), prefix, made)
        (tenant,) = config.tenant_ids
        live: list[Any] = [settings[kind] for kind in ("ingest", "queue", "context")]
        half = len(day) // 2
        async with workers(settings) as _:
            print(f"workers up; sending {len(day):,} events, half-way snapshot between", flush=True)
            await send(bootstrap, made["raw"], day[:half])

            async def live_caught_up() -> bool:
                return all(
                    [await group_caught_up(bootstrap, s.group_id, s.source_topic) for s in live]
                )

            await wait_for(live_caught_up, 300, "ingest, queue and context to catch up")
            half_way = await measure_keys(redis, prefix)
            await send(bootstrap, made["raw"], day[half:])
            records, last_at = await last_record(database, tenant, settings, bootstrap, 600)
            if last_at is None:
                raise RuntimeError("reporting did not write the day's records in 600 s")
        end = await measure_keys(redis, prefix)
        collections = await measure_collections(database)
        full_agent = await agent_at_cap(redis, prefix, cap)
        storing = [s.service_id for s in demo_service_settings(config) if s.store_context]
        opted_in = {"service_id": {"$in": storing}}
        stored_sessions = len(await database["reporting_records"].distinct("session_id", opted_in))
    return Day(
        events=len(day),
        sessions=len({e.session_id for e in day}),
        agents=agents,
        half_way=half_way,
        end=end,
        full_agent=full_agent,
        collections=collections,
        stored_context_sessions=stored_sessions,
        records=records,
    )
