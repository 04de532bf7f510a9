"""What the queue keeps, as plain values two runs can be compared by.

In Redis under a prefix (``queue_state``): every agent's tasks, their revisions, the live
queue and the history (members with their scores, which are event times), every session's
facts, the watchdog's idle indexes. Not the agents' events streams: their entry ids are the
instants a run wrote them, and which views of a task a stream holds depends on how the
events were cut into batches (a batch folds a session's facts at once and writes one view).
Not the watchdog's lease (who holds it).

On the task changelog (``changelog_state``): each task's newest version, what a rebuild and
reporting read. A batch's records are written after its Redis step, so a worker killed in
between leaves them to whoever reads the batch again.
"""

from typing import Any

from contracts import QueueTask
from mysessions_platform.testing.kafka_reading import read_everything
from redis.asyncio import Redis

RUN_KEYS = (":events", ":events:bounds", ":events:live", ":watchdog:lease")
"""Key endings of what a run writes by its own clock or its own batches."""


async def queue_state(redis: Redis, prefix: str) -> dict[str, Any]:
    state: dict[str, Any] = {}
    async for raw in redis.scan_iter(match=f"{prefix}:*", count=1000):
        key = raw.decode()
        if key.endswith(RUN_KEYS):
            continue
        found: Any = await redis.type(key)
        kind = found.decode() if isinstance(found, bytes) else str(found)
        name = key.removeprefix(prefix)
        if kind == "hash":
            state[name] = await redis.hgetall(key)
        elif kind == "zset":
            state[name] = await redis.zrange(key, 0, -1, withscores=True)
        elif kind == "string":
            state[name] = await redis.get(key)
        else:
            state[name] = kind
    return state


async def changelog_state(bootstrap_servers: str, topic: str) -> dict[bytes, bytes]:
    """Each task's newest record (the highest revision) on the changelog, by key."""
    newest: dict[bytes, tuple[int, bytes]] = {}
    for record in await read_everything(bootstrap_servers, topic):
        rev = QueueTask.model_validate_json(record.value).rev
        if record.key not in newest or newest[record.key][0] < rev:
            newest[record.key] = (rev, record.value)
    return {key: value for key, (_, value) in newest.items()}
