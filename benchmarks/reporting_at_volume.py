"""Reporting at volume: does a new tenant's day get its records as fast with a long stored
history as with an empty store? Prints figures, asserts nothing.

    uv run python benchmarks/reporting_at_volume.py [--facts 1000000] [--events 10000]
        [--backlog 20000] [--give-up 1800]

Two scenarios, each on a fresh database, fresh topics and a fresh Redis key prefix (all
removed at the end): an empty store, and one pre-loaded with the steady-state history of
``--facts`` facts (written markers and records, volume_history.py) in reporting's
collections. In each, the four
workers (ingest, queue, context, reporting; one child process each, volume_workers.py)
start, then ``--backlog`` events of other tenants go into the raw topic, then a new
tenant's day of ``--events`` events right behind them. Figures: events per second per worker
(its records ÷ first batch start to last batch end) and the delay from the day's last event
handed to Kafka to the last of its reporting records in MongoDB; a scenario still
unfinished ``--give-up`` seconds after the day's last event is reported as such, with the
records it had by then.
"""

import argparse
import asyncio
import multiprocessing
import os
import platform
import time
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from context_service.settings import ContextSettings
from contracts import SessionEvent
from ingest_service.settings import IngestSettings
from mysessions.commands.simulate import make_config
from mysessions.events_out import event_sender
from mysessions.simulation import SimulationStats, simulate
from mysessions_platform.logging import configure_logging
from mysessions_platform.mongo import connect, with_database
from mysessions_platform.settings import ServerSettings
from mysessions_platform.testing.kafka_reading import group_caught_up
from mysessions_platform.testing.kafka_topics import KafkaTopics, kafka_topics
from mysessions_platform.testing.mongo_databases import mongo_databases
from mysessions_platform.testing.naming import unique_name
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.settings import QueueSettings
from redis.asyncio import Redis
from reporting_service.settings import ReportingSettings
from volume_history import preload_history
from volume_workers import WorkerTally, run_worker

if TYPE_CHECKING:
    from multiprocessing import Queue
    from multiprocessing.synchronize import Event as StopEvent

SERVICES, AGENTS, RATE, PARTITIONS = 3, 40, 20.0, 3
SETTLE_S, SWEEP_S = 2.0, 0.5  # reporting judges a session 2 s after its last fact
QUIET_S = 5.0  # done: every group caught up, no session of the day pending, no new record
WORKERS = ("ingest", "queue", "context", "reporting")


def day(prefix: str, events: int, seed: int, tenants: int) -> list[SessionEvent]:
    config = make_config(tenants, SERVICES, AGENTS, RATE, events / RATE, seed, True, prefix)
    return list(simulate(config, SimulationStats()))


@dataclass(frozen=True)
class Outcome:
    name: str
    facts: int
    preload_s: float
    tallies: dict[str, WorkerTally]
    records: int
    sessions: int
    delay_s: float | None
    """None: given up."""


@asynccontextmanager
async def workers(settings: dict[str, ServerSettings]) -> Any:
    """The four workers started and ready; yields the tallies they send back at stop."""
    spawn = multiprocessing.get_context("spawn")
    tallies: Queue[WorkerTally] = spawn.Queue()
    found: dict[str, WorkerTally] = {}
    processes, stops = [], []
    for kind, worker_settings in settings.items():
        ready: StopEvent = spawn.Event()
        stop: StopEvent = spawn.Event()
        process = spawn.Process(
            target=run_worker, args=(kind, worker_settings, ready, tallies, stop), daemon=True
        )
        process.start()
        processes.append((process, ready))
        stops.append(stop)
    try:
        for _, ready in processes:
            await asyncio.to_thread(ready.wait, 120)
        yield found
    finally:
        for stop in stops:
            stop.set()
        for _ in processes:
            tally = await asyncio.to_thread(tallies.get, True, 60)
            found[tally.kind] = tally
        for process, _ in processes:
            await asyncio.to_thread(process.join, 30)


def worker_settings(
    servers: ServerSettings, database: str, prefix: str, topics: dict[str, str]
) -> dict[str, ServerSettings]:
    common = {
        "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
        "redis_url": servers.redis_url,
        "mongodb_url": database,
        "dead_letter_topic": topics["dlq"],
        "partitions": PARTITIONS,
    }
    group = {kind: f"{prefix}-{kind}" for kind in WORKERS}
    return {
        "ingest": IngestSettings().model_copy(
            update={
                **common,
                "key_prefix": prefix,
                "group_id": group["ingest"],
                "source_topic": topics["raw"],
                "target_topic": topics["sessions"],
            }
        ),
        "queue": QueueSettings().model_copy(
            update={
                **common,
                "key_prefix": prefix,
                "group_id": group["queue"],
                "source_topic": topics["sessions"],
                "changelog_topic": topics["changelog"],
                "acw_topic": topics["acw"],
            }
        ),
        "context": ContextSettings().model_copy(
            update={
                **common,
                "key_prefix": prefix,
                "group_id": group["context"],
                "source_topic": topics["sessions"],
            }
        ),
        "reporting": ReportingSettings().model_copy(
            update={
                **common,
                "queue_key_prefix": prefix,
                "group_id": group["reporting"],
                "changelog_topic": topics["changelog"],
                "events_topic": topics["sessions"],
                "acw_topic": topics["acw"],
                "target_topic": topics["reporting"],
                "settle_s": SETTLE_S,
                "sweep_interval_s": SWEEP_S,
            }
        ),
    }


async def caught_up(bootstrap: str, settings: dict[str, Any]) -> bool:
    reporting = settings["reporting"]
    checks = [
        (settings["ingest"].group_id, settings["ingest"].source_topic),
        (settings["queue"].group_id, settings["queue"].source_topic),
        (settings["context"].group_id, settings["context"].source_topic),
        (reporting.group_id, reporting.events_topic),
        (reporting.group_id, reporting.changelog_topic),
    ]
    for group, topic in checks:
        if not await group_caught_up(bootstrap, group, topic):
            return False
    return True


async def all_written(database: Any, tenant: str) -> bool:
    """Reporting wrote records of the day and none of its sessions is still pending (a
    written session's tracker is deleted). Equality on the tenant only: a ``$in`` or a
    count of the markers would read the whole stored history on FerretDB v1 every poll,
    and the benchmark would slow the server it measures."""
    if not await database["reporting_records"].find_one({"tenant_id": tenant}, {"_id": 1}):
        return False
    pending = {"tenant_id": tenant, "status": "pending"}
    return not await database["reporting_sessions"].find_one(pending, {"_id": 1})


async def last_record(
    database: Any, tenant: str, settings: dict[str, Any], bootstrap: str, give_up: float
) -> tuple[int, float | None]:
    """Polls the day's records until every group caught up, no session of the day is
    pending and no record came for QUIET_S; returns their count and when the count last
    grew (``time.time``), or None for that when it was not over after ``give_up`` s."""
    count, grew_at, deadline = 0, time.time(), time.monotonic() + give_up
    while time.monotonic() < deadline:
        now = await database["reporting_records"].count_documents({"tenant_id": tenant})
        if now != count:
            count, grew_at = now, time.time()
        elif (
            time.time() - grew_at > QUIET_S
            and await all_written(database, tenant)
            and await caught_up(bootstrap, settings)
        ):
            return count, grew_at
        await asyncio.sleep(0.5)
    return count, None


async def scenario(
    name: str,
    facts: int,
    backlog: list[SessionEvent],
    the_day: list[SessionEvent],
    servers: ServerSettings,
    topics: KafkaTopics,
    cleanup: AsyncExitStack,
    give_up: float,
) -> Outcome:
    prefix = unique_name("bench-volume")
    redis = Redis.from_url(servers.redis_url)
    cleanup.push_async_callback(redis.aclose)
    cleanup.push_async_callback(RedisKeys(redis, prefix).delete_all)
    databases = await cleanup.enter_async_context(mongo_databases(servers.mongodb_url))
    database = databases.create("bench-volume")
    print(f"[{name}] pre-loading {facts:,} facts' worth of history...", flush=True)
    preload_s = await preload_history(database, facts)
    names = ("raw", "sessions", "dlq", "changelog", "acw", "reporting")
    made = {n: await topics.create(f"bench-{n}", partitions=PARTITIONS) for n in names}
    settings = worker_settings(
        servers, with_database(servers.mongodb_url, database.name), prefix, made
    )
    (tenant,) = {event.tenant_id for event in the_day}  # the day is one tenant's
    bootstrap = servers.kafka_bootstrap_servers
    client = connect(with_database(servers.mongodb_url, database.name))
    cleanup.push_async_callback(client.close)
    watched = client[database.name]
    async with workers(settings) as tallies:
        print(f"[{name}] workers up; sending {len(backlog):,} + {len(the_day):,} events...")
        async with event_sender(bootstrap, made["raw"]) as sender:
            for events in (backlog, the_day):
                for at in range(0, len(events), 1000):
                    await sender.send_all(events[at : at + 1000])
        last_event = time.time()
        count, last_at = await last_record(watched, tenant, settings, bootstrap, give_up)
    sessions = len({event.session_id for event in the_day})
    delay = None if last_at is None else last_at - last_event
    return Outcome(name, facts, preload_s, tallies, count, sessions, delay)


def table(outcomes: list[Outcome], give_up: float) -> str:
    rows: list[tuple[str, list[str]]] = [
        ("history before the day, facts' worth", [f"{o.facts:,}" for o in outcomes]),
        ("pre-load s", [f"{o.preload_s:.0f}" for o in outcomes]),
    ]
    for kind in WORKERS:
        cells = []
        for outcome in outcomes:
            tally = outcome.tallies.get(kind)
            span = tally.last_end - tally.first_start if tally and tally.records else 0.0
            cells.append(f"{tally.records / span:,.0f}" if tally and span > 0 else "-")
        rows.append((f"{kind}: events/s", cells))
    rows += [
        ("day's records / sessions", [f"{o.records:,} / {o.sessions:,}" for o in outcomes]),
        (
            "last event -> last record, s",
            [f"{o.delay_s:.1f}" if o.delay_s is not None else f"> {give_up:.0f}" for o in outcomes],
        ),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"{'':{width}}" + "".join(f"  {o.name:>16}" for o in outcomes)]
    lines += [f"{label:{width}}" + "".join(f"  {c:>16}" for c in cells) for label, cells in rows]
    return "\n".join(lines)


def costliest(outcome: Outcome, top: int = 6) -> str:
    """Each worker's costliest MongoDB command shapes in a scenario: what to make cheaper."""
    lines = [f"MongoDB time by command shape, {outcome.name} (count, total s, mean ms):"]
    for kind in WORKERS:
        tally = outcome.tallies.get(kind)
        shapes = sorted((tally.commands if tally else {}).items(), key=lambda i: -i[1][1])
        for shape, (count, seconds) in shapes[:top]:
            mean_ms = 1000 * seconds / count
            lines.append(f"  {kind:9} {shape[:70]:70} {count:7,} {seconds:8.1f} {mean_ms:8.1f}")
    return "\n".join(lines)


async def benchmark(facts: int, events: int, backlog_events: int, give_up: float) -> None:
    servers = ServerSettings()
    backlog = day("backlog", backlog_events, 3, 4)[:backlog_events]
    the_day = day("newday", events, 5, 1)
    print(
        f"machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}; MongoDB-wire server {servers.mongodb_url}; load "
        f"average {os.getloadavg()[0]:.1f}\nthe day: {len(the_day):,} events of 1 tenant "
        f"x {AGENTS} agents; backlog: {len(backlog):,} events of 4 other tenants; reporting "
        f"settle {SETTLE_S:.0f} s, sweep every {SWEEP_S} s; {PARTITIONS} partitions",
        flush=True,
    )
    outcomes = []
    for name, stored in (("empty store", 0), (f"{facts:,} facts", facts)):
        async with AsyncExitStack() as cleanup:
            topics = await cleanup.enter_async_context(
                kafka_topics(servers.kafka_bootstrap_servers)
            )
            outcomes.append(
                await scenario(name, stored, backlog, the_day, servers, topics, cleanup, give_up)
            )
        print(table(outcomes, give_up), flush=True)  # so far: a slow second keeps the first
    print(costliest(outcomes[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description="Reporting at volume; prints figures.")
    parser.add_argument("--facts", type=int, default=1_000_000, help="stored facts")
    parser.add_argument("--events", type=int, default=10_000, help="the day's events, about")
    parser.add_argument("--backlog", type=int, default=20_000, help="other tenants' events")
    parser.add_argument("--give-up", type=float, default=1800.0, help="seconds per scenario")
    args = parser.parse_args()
    configure_logging("WARNING")
    asyncio.run(benchmark(args.facts, args.events, args.backlog, args.give_up))


if __name__ == "__main__":
    main()
