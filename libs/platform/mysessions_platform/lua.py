"""Lua scripts run by SHA inside pipelines, with one reload if Redis forgot them.

redis-py's own Script objects check SCRIPT EXISTS before every pipeline, which costs a round
trip each time; here the check happens only when Redis answers NOSCRIPT (after a restart, or
on a replica just promoted by a failover: scripts loaded with SCRIPT LOAD are not replicated).

Redis Cluster: redis-py's cluster pipeline refuses EVALSHA ("blocked when running redis in
cluster mode"), so on a cluster client the same builder queues into a pipeline that only
records, and the commands are sent on their own (:func:`_run_on_cluster`): the commands of
one slot one after the other in the builder's order, up to ``SLOTS_AT_ONCE`` slots
concurrently. Each command then
goes through the cluster client's routing, which follows MOVED and ASK and retries
TRYAGAIN, CLUSTERDOWN and lost connections on a fresh slot map; what still fails is raised
like a pipeline's first error. A batch costs about (commands / ``SLOTS_AT_ONCE``) round
trips instead of one; every script touches one slot, so each stays atomic.
"""

import asyncio
import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import NoScriptError

from mysessions_platform.redis_client import RedisClient, is_cluster

__all__ = ["LuaScript", "run_pipeline"]

Command = tuple[tuple[Any, ...], dict[str, Any]]


class LuaScript:
    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()

    def queue(self, pipe: Pipeline, keys: Sequence[str], args: Sequence[str | int | float]) -> None:
        pipe.evalsha(self.sha, len(keys), *keys, *args)


async def run_pipeline(
    redis: RedisClient, scripts: Sequence[LuaScript], build: Callable[[Pipeline], None]
) -> list[Any]:
    """One round trip in the steady state; two more after Redis lost its script cache."""
    for _ in range(2):
        try:
            if is_cluster(redis):
                return await _run_on_cluster(redis, build)
            async with redis.pipeline(transaction=False) as pipe:
                build(pipe)
                return await pipe.execute()
        except NoScriptError:
            for script in scripts:
                await redis.script_load(script.source)  # on a cluster: on every primary
    raise NoScriptError("scripts could not be loaded")


def recorded(build: Callable[[Pipeline], None]) -> list[Command]:
    """The commands ``build`` queues, in order, without a connection: a single-node pipeline
    of a client that never connects (it is never executed)."""
    recorder = Redis().pipeline(transaction=False)
    build(recorder)
    return [(tuple(args), dict(options)) for args, options in recorder.command_stack]


def first_key(args: Sequence[Any]) -> Any:
    """The key a command is routed by: EVALSHA's first key, else its first argument (every
    command queued here names one key first, or a channel for PUBLISH)."""
    if str(args[0]).upper() in ("EVALSHA", "EVAL"):
        return args[3] if int(args[2]) > 0 else None
    return args[1] if len(args) > 1 else None


SLOTS_AT_ONCE = 16
"""Slots a batch writes to concurrently, each on a connection of its own: redis-py's
cluster client keeps at most 100 per node (``max_connections``) and refuses the 101st
(MaxConnectionsError) instead of waiting for one."""


async def _run_on_cluster(redis: RedisClient, build: Callable[[Pipeline], None]) -> list[Any]:
    commands = recorded(build)
    # Once, before the first concurrent burst: redis-py 8.1's cluster client, used
    # concurrently before it learnt the cluster's nodes, broke some of those first commands'
    # connections under them (AttributeError in the connection's writer, measured).
    await redis.initialize()  # a no-op once initialized
    at_once = asyncio.Semaphore(SLOTS_AT_ONCE)
    by_slot: dict[int | None, list[int]] = defaultdict(list)
    for number, (args, _) in enumerate(commands):
        key = first_key(args)
        by_slot[None if key is None else redis.keyslot(key)].append(number)  # type: ignore[attr-defined]
    results: list[Any] = [None] * len(commands)

    async def run_slot(numbers: list[int]) -> None:
        async with at_once:
            await run_in_order(numbers)

    async def run_in_order(numbers: list[int]) -> None:
        for number in numbers:  # in order: a later command may read what an earlier wrote
            args, options = commands[number]
            try:
                results[number] = await redis.execute_command(*args, **options)  # type: ignore[no-untyped-call]
            except Exception as error:  # a pipeline goes on after an error, and so do we
                results[number] = error

    await asyncio.gather(*(run_slot(numbers) for numbers in by_slot.values()))
    errors = [result for result in results if isinstance(result, Exception)]
    for error in errors:
        if isinstance(error, NoScriptError):
            raise error  # the caller reloads the scripts and runs the batch again
    if errors:
        raise errors[0]
    return results
