"""Scripts run by SHA in pipelines survive a Redis that forgot them (a restart)."""

import pytest
from mysessions_platform.lua import LuaScript, run_pipeline
from mysessions_platform.testing.redis_keys import RedisKeys
from redis.asyncio.client import Pipeline

pytestmark = pytest.mark.integration

INCREMENT = LuaScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")


async def test_a_flushed_script_cache_is_reloaded_once(redis_keys: RedisKeys) -> None:
    key = redis_keys.key("counter")
    built = 0

    def increment_twice(pipe: Pipeline) -> None:
        nonlocal built
        built += 1
        INCREMENT.queue(pipe, [key], [2])
        INCREMENT.queue(pipe, [key], [3])

    await redis_keys.client.script_flush()
    assert await run_pipeline(redis_keys.client, [INCREMENT], increment_twice) == [2, 5]
    assert built == 2, "first try answered NOSCRIPT, the second ran"
    assert await run_pipeline(redis_keys.client, [INCREMENT], increment_twice) == [7, 10]
    assert built == 3, "loaded now: one try"
