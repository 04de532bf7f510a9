"""Lua scripts run by SHA inside pipelines, with one reload if Redis forgot them.

redis-py's own Script objects check SCRIPT EXISTS before every pipeline, which costs a round
trip each time; here the check happens only when Redis answers NOSCRIPT (after a restart).
"""

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import NoScriptError


class LuaScript:
    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()

    def queue(self, pipe: Pipeline, keys: Sequence[str], args: Sequence[str | int | float]) -> None:
        pipe.evalsha(self.sha, len(keys), *keys, *args)


async def run_pipeline(
    redis: Redis, scripts: Sequence[LuaScript], build: Callable[[Pipeline], None]
) -> list[Any]:
    """One round trip in the steady state; two more after Redis lost its script cache."""
    for _ in range(2):
        async with redis.pipeline(transaction=False) as pipe:
            build(pipe)
            try:
                return await pipe.execute()
            except NoScriptError:
                for script in scripts:
                    await redis.script_load(script.source)
    raise NoScriptError("scripts could not be loaded")
