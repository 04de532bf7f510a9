"""Which real servers a test session uses: environment URLs, else containers, else local."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager

from mysessions_platform import infra
from mysessions_platform.infra.endpoints import KAFKA_ENV, MONGODB_ENV, REDIS_ENV, is_external
from mysessions_platform.infra.probes import ping_kafka, ping_mongodb, ping_redis
from mysessions_platform.infra.waiting import wait_until_ready

from .containers import start_containers
from .docker_engine import docker_engine_answers

__all__ = ["session_servers"]

_READY_SECONDS = 120.0


async def _wait_for_all(urls: infra.Endpoints) -> None:
    await asyncio.gather(
        wait_until_ready(
            "kafka", lambda: ping_kafka(urls.kafka_bootstrap_servers), give_up_after=_READY_SECONDS
        ),
        wait_until_ready("redis", lambda: ping_redis(urls.redis_url), give_up_after=_READY_SECONDS),
        wait_until_ready(
            "mongodb", lambda: ping_mongodb(urls.mongodb_url), give_up_after=_READY_SECONDS
        ),
    )


@asynccontextmanager
async def session_servers() -> AsyncIterator[infra.Endpoints]:
    """The three URLs for this test session, each server answering.

    1. Every URL set in the environment: used as is.
    2. Else, where a Docker engine answers: containers for the unset ones, removed at the end.
    3. Else: the local servers of ``mysessions infra up`` (started if needed). They are left
       running afterwards on purpose: the next run, and the developer, reuse them; stop them
       with ``mysessions infra down``.
    """
    urls = infra.endpoints()
    if all(is_external(env_var) for env_var in (KAFKA_ENV, REDIS_ENV, MONGODB_ENV)):
        await _wait_for_all(urls)
        yield urls
    elif await asyncio.to_thread(docker_engine_answers):
        with ExitStack() as stack:
            urls = await asyncio.to_thread(start_containers, urls, stack)
            await _wait_for_all(urls)
            yield urls
    else:
        yield await infra.up(lean_kafka=True)  # as scripts/test.sh starts it
