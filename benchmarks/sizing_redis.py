"""Redis bytes under one key prefix, by key kind, for sizing.py; and an agent at the
history cap, built from measured tasks, since a simulated day leaves every agent far below
the sizes at which Redis switches a hash or sorted set from its compact encoding.

Bytes are ``MEMORY USAGE key SAMPLES 0``: exact for the key's value and its key, without
the allocator's fragmentation or the server's own overhead (``INFO memory``'s
``used_memory`` minus ``used_memory_dataset`` is the server's, and
``mem_fragmentation_ratio`` the allocator's)."""

from collections import Counter
from dataclasses import dataclass

from redis.asyncio import Redis

__all__ = ["KeyKinds", "agent_at_cap", "key_kind", "measure_keys"]


def key_kind(name: str, prefix: str) -> str:
    """The key's name without its prefix, hash tag and ids: ``<prefix>:agent:{t:u}:events:
    bounds`` → ``agent:events:bounds``, ``<prefix>:transcripts:{t:s}:order:<id>`` →
    ``transcripts:order``, ``<prefix>:watchdog:idle:voice`` → ``watchdog:idle:voice``."""
    rest = name.removeprefix(f"{prefix}:")
    if "}" in rest:
        rest = rest.partition("{")[0] + rest.rpartition("}")[2]
    return ":".join(part for part in rest.split(":") if part.isalpha() and part.islower())


@dataclass(frozen=True)
class KeyKinds:
    """Bytes and keys per kind, and the entries the per-unit figures divide by."""

    bytes_by_kind: dict[str, int]
    keys_by_kind: dict[str, int]
    tasks: int
    """Sum of HLEN over agents' task hashes: tasks stored (live and history)."""
    live_tasks: int
    """Sum of ZCARD over agents' live sets."""
    stream_entries: int
    """Sum of XLEN over agents' events streams."""
    agents: int
    sessions: int
    """Session fact hashes."""
    ttl_s_by_kind: dict[str, float]
    """The longest time to live left on a key of the kind; -1: some key has none."""

    def total(self, *kinds: str) -> int:
        return sum(size for kind, size in self.bytes_by_kind.items() if kind.startswith(kinds))


async def measure_keys(redis: Redis, prefix: str) -> KeyKinds:
    names = [key.decode() async for key in redis.scan_iter(match=f"{prefix}:*", count=1000)]
    kinds = [key_kind(name, prefix) for name in names]
    counted = {"agent:tasks": "hlen", "agent:live": "zcard", "agent:events": "xlen"}
    async with redis.pipeline(transaction=False) as pipe:
        for name in names:
            pipe.memory_usage(name, samples=0)
        for name in names:
            pipe.pttl(name)
        for name, kind in zip(names, kinds, strict=True):
            if kind in counted:
                pipe.execute_command(counted[kind].upper(), name)
        replies = await pipe.execute()
    sizes, ttls = replies[: len(names)], replies[len(names) : 2 * len(names)]
    lengths = iter(replies[2 * len(names) :])
    by_kind, keys, entries = Counter[str](), Counter[str](), Counter[str]()
    longest: dict[str, float] = {}
    for kind, size, ttl_ms in zip(kinds, sizes, ttls, strict=True):
        by_kind[kind] += size or 0
        keys[kind] += 1
        left = -1.0 if ttl_ms == -1 or longest.get(kind) == -1 else ttl_ms / 1000
        longest[kind] = left if left == -1 else max(left, longest.get(kind, 0.0))
        if kind in counted:
            entries[kind] += next(lengths)
    return KeyKinds(
        dict(by_kind),
        dict(keys),
        tasks=entries["agent:tasks"],
        live_tasks=entries["agent:live"],
        stream_entries=entries["agent:events"],
        agents=keys["agent:tasks"],
        sessions=keys["session:facts"],
        ttl_s_by_kind=longest,
    )


@dataclass(frozen=True)
class FullAgent:
    entries: int
    bytes_by_key: dict[str, int]
    encodings: dict[str, str]

    @property
    def per_task(self) -> float:
        """Tasks hash, revisions hash and history sorted set, per task."""
        return sum(self.bytes_by_key[k] for k in ("tasks", "revs", "history")) / self.entries

    @property
    def per_stream_entry(self) -> float:
        return self.bytes_by_key["events"] / self.entries


async def agent_at_cap(redis: Redis, prefix: str, entries: int) -> FullAgent:
    """An agent holding ``entries`` ended tasks and as many events-stream entries, made of
    the measured day's own stored values (task JSON, revision, stream view), cycled under new
    ids, in the shapes the queue writes (hash, hash, sorted set by update time, stream).
    Keys under ``prefix`` (deleted with it). Measures the data structures at the cap, whose
    encodings differ from the small agents' of a short simulated day."""
    samples = await _samples(redis, prefix)
    base = f"{prefix}:agent:{{sizing:full-agent}}"
    async with redis.pipeline(transaction=False) as pipe:
        for number in range(entries):
            task_json, revision, view = samples[number % len(samples)]
            user_session = f"sizing-us-{number:06d}"
            pipe.hset(f"{base}:tasks", user_session, task_json)
            pipe.hset(f"{base}:revs", user_session, revision)
            pipe.zadd(f"{base}:history", {user_session: 1_700_000_000_000 + number * 1000})
            pipe.xadd(f"{base}:events", {"view": view})
        await pipe.execute()
    sizes, encodings = {}, {}
    for part in ("tasks", "revs", "history", "events"):
        sizes[part] = int(await redis.memory_usage(f"{base}:{part}", samples=0) or 0)
        encodings[part] = (await redis.object("encoding", f"{base}:{part}")).decode()
    return FullAgent(entries, sizes, encodings)


async def _samples(redis: Redis, prefix: str) -> list[tuple[bytes, bytes, bytes]]:
    """(task JSON, revision, events-stream view) of the day's stored tasks."""
    found: list[tuple[bytes, bytes, bytes]] = []
    async for name in redis.scan_iter(match=f"{prefix}:agent:*:tasks", count=1000):
        agent = name.decode().removesuffix(":tasks")
        # Raw replies (redis-py's stubs type them loosely): bytes keys and values.
        tasks: dict[bytes, bytes] = await redis.execute_command("HGETALL", name)  # type: ignore[no-untyped-call]
        revisions: dict[bytes, bytes] = await redis.execute_command(  # type: ignore[no-untyped-call]
            "HGETALL", f"{agent}:revs"
        )
        entries: list[tuple[bytes, dict[bytes, bytes]]] = await redis.execute_command(  # type: ignore[no-untyped-call]
            "XRANGE", f"{agent}:events", "-", "+"
        )
        views = [fields[b"view"] for _, fields in entries]
        for number, (user_session, task_json) in enumerate(tasks.items()):
            view = views[number % len(views)] if views else task_json
            found.append((task_json, revisions.get(user_session, b"1"), view))
    if not found:
        raise RuntimeError("no stored task under the prefix to build an agent from")
    return found
