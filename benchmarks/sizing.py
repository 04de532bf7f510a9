"""Sizing figures for the README's "Running in production": what one simulated day leaves
in Redis and MongoDB, per task, session and agent, and what that makes for 100, 1,000 and
10,000 agents under stated assumptions. Prints figures, asserts nothing.

    uv run python benchmarks/sizing.py [--events 3000] [--agents 300] [--seed 5]
        [--tasks-per-agent-day 60] [--day-hours 8] [--peak-factor 2]
        [--stored-context-share 1] [--worker-load 0.5]

The measuring is sizing_day.py (the four real workers on a fresh prefix, database and
topics; removed at the end), sizing_redis.py and sizing_mongo.py; the arithmetic is
sizing_model.py. The figures go to stdout and to artifacts/sizing/<UTC time>.json
(git-ignored).
"""

import argparse
import asyncio
import json
import os
import platform
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from mysessions_platform.logging import configure_logging
from mysessions_platform.settings import ServerSettings
from sizing_day import Day, run_day
from sizing_model import KEPT_DAYS, WORKER_EVENTS_PER_S, Assumptions, Size, UnitCosts, size_for

AGENT_COUNTS = (100, 1_000, 10_000)
OUT = Path(__file__).resolve().parent.parent / "artifacts" / "sizing"


def unit_costs(day: Day) -> UnitCosts:
    end, half = day.end, day.half_way
    collection = {c.name: c for c in day.collections}

    def bson(name: str) -> int:
        return collection[name].bson_bytes if name in collection else 0

    live_kinds = ("ctx:live", "ctx:mail", "agent:live", "agent:events:live", "watchdog:")
    modelled = ("agent:", "session:facts", "ingest:seen", "watchdog:")
    other = [kind for kind in end.bytes_by_kind if not kind.startswith(modelled)]
    if any(end.ttl_s_by_kind[kind] == -1 for kind in other):
        raise RuntimeError(f"a key kind without a time to live, not modelled: {other}")
    other_per_session_day = sum(
        end.bytes_by_kind[kind] / day.sessions * end.ttl_s_by_kind[kind] / 86400 for kind in other
    )
    return UnitCosts(
        events_per_session=day.events / day.sessions,
        tasks_per_session=end.tasks / day.sessions,
        stream_entries_per_task=end.stream_entries / end.tasks,
        redis_per_history_task=day.full_agent.per_task,
        redis_per_stream_entry=day.full_agent.per_stream_entry,
        redis_facts_per_session=end.total("session:") / end.sessions,
        redis_dedupe_per_event=end.total("ingest:") / day.events,
        redis_live_per_live_task=half.total(*live_kinds) / max(half.live_tasks, 1),
        redis_other_per_session_day=other_per_session_day,
        mongo_per_session={name: bson(name) / day.sessions for name in KEPT_DAYS},
        mongo_context_per_stored_session=bson("stored_context")
        / max(day.stored_context_sessions, 1),
    )


def measured_table(day: Day) -> str:
    end, half, full = day.end, day.half_way, day.full_agent
    lines = [
        f"the day: {day.events:,} events, {day.sessions:,} sessions, {day.agents} agents; "
        f"{end.tasks:,} tasks, {end.stream_entries:,} events-stream entries; "
        f"{day.records:,} reporting records; half-way {half.live_tasks:,} live tasks",
        "",
        f"{'Redis key kind':28} {'keys':>7} {'bytes half-way':>15} {'bytes at end':>13} "
        f"{'longest TTL left':>17}",
    ]
    for kind in sorted(set(end.bytes_by_kind) | set(half.bytes_by_kind)):
        keys = end.keys_by_kind.get(kind) or half.keys_by_kind.get(kind, 0)
        ttl = end.ttl_s_by_kind.get(kind, half.ttl_s_by_kind.get(kind, -1))
        lines.append(
            f"{kind:28} {keys:>7,} {half.bytes_by_kind.get(kind, 0):>15,} "
            f"{end.bytes_by_kind.get(kind, 0):>13,} "
            + (f"{'none':>17}" if ttl == -1 else f"{ttl / 3600:>15,.1f} h")
        )
    lines += [
        "",
        f"an agent at the cap ({full.entries:,} tasks, {full.entries:,} stream entries), "
        "built from the day's stored values:",
    ]
    for part, size in full.bytes_by_key.items():
        lines.append(f"  {part:10} {size:>10,} bytes  {full.encodings[part]}")
    lines += [
        "",
        f"{'MongoDB collection':28} {'docs':>6} {'BSON bytes':>11} {'per doc':>8} "
        f"{'server size':>12} {'storage':>10} {'indexes':>10}",
    ]
    for c in day.collections:
        lines.append(
            f"{c.name:28} {c.documents:>6,} {c.bson_bytes:>11,} {c.bson_per_document:>8,.0f} "
            f"{c.server_size:>12,} {c.server_storage:>10,} {c.server_indexes:>10,}"
        )
    return "\n".join(lines)


def _size(value: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= scale:
            return f"{value / scale:,.1f} {unit}"
    return f"{value:,.0f} B"


def sizing_table(costs: UnitCosts, sizes: list[Size]) -> str:
    rows: list[tuple[str, list[str]]] = [
        ("sessions a day", [f"{s.sessions_per_day:,.0f}" for s in sizes]),
        ("events a day", [f"{s.events_per_day:,.0f}" for s in sizes]),
        ("events/s, busiest hour", [f"{s.peak_events_per_s:,.1f}" for s in sizes]),
    ]
    for worker in WORKER_EVENTS_PER_S:
        rows.append((f"{worker} replicas", [str(s.replicas[worker]) for s in sizes]))
    rows += [
        ("Redis: agents' history+streams", [_size(s.redis_agents) for s in sizes]),
        ("Redis: session facts (7 d)", [_size(s.redis_facts) for s in sizes]),
        ("Redis: ingest event ids (24 h)", [_size(s.redis_dedupe) for s in sizes]),
        ("Redis: live context", [_size(s.redis_live) for s in sizes]),
        ("Redis: other session keys", [_size(s.redis_other) for s in sizes]),
        ("Redis: total (dataset)", [_size(s.redis_total) for s in sizes]),
    ]
    for name in sizes[0].mongo_per_day:
        rows.append((f"MongoDB {name}: a day", [_size(s.mongo_per_day[name]) for s in sizes]))
        kept = [s.mongo_kept[name] for s in sizes]
        rows.append(
            (
                f"MongoDB {name}: held",
                ["for ever" if k is None else _size(k) for k in kept],
            )
        )
    rows.append(("MongoDB: a day, all", [_size(sum(s.mongo_per_day.values())) for s in sizes]))
    width = max(len(label) for label, _ in rows)
    lines = [f"{'agents':{width}}" + "".join(f"  {s.agents:>12,}" for s in sizes)]
    lines += [f"{label:{width}}" + "".join(f"  {c:>12}" for c in cells) for label, cells in rows]
    lines.append(f"unit costs: {json.dumps(asdict(costs), indent=1)}")
    return "\n".join(lines)


async def sizing(args: argparse.Namespace, assume: Assumptions) -> None:
    servers = ServerSettings()
    print(
        f"machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}; Kafka, Redis and the MongoDB-wire server "
        f"({servers.mongodb_url}) on the same box; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    day = await run_day(servers, args.events, args.agents, args.seed, cap=1000)
    costs = unit_costs(day)
    sizes = [size_for(agents, costs, assume) for agents in AGENT_COUNTS]
    print(
        measured_table(day),
        f"assumptions: {asdict(assume)}",
        sizing_table(costs, sizes),
        sep="\n\n",
    )
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    figures = {
        "machine": {"cores": os.cpu_count(), "platform": platform.platform()},
        "load_average": os.getloadavg()[0],
        "day": asdict(day),
        "unit_costs": asdict(costs),
        "assumptions": asdict(assume),
        "sizes": [asdict(size) | {"redis_total": size.redis_total} for size in sizes],
    }
    path.write_text(json.dumps(figures, indent=2, default=str))
    print(f"written: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Sizing figures; prints them.")
    parser.add_argument("--events", type=int, default=3000, help="the day's events, about")
    parser.add_argument("--agents", type=int, default=300, help="agents of the day's tenant")
    parser.add_argument("--seed", type=int, default=5)
    defaults = Assumptions()
    for name, value in asdict(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=value)
    args = parser.parse_args()
    assume = Assumptions(**{name: getattr(args, name) for name in asdict(defaults)})
    configure_logging("WARNING")
    asyncio.run(sizing(args, assume))


if __name__ == "__main__":
    main()
