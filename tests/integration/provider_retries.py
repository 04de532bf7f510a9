"""How the cloud providers deliver a callback the edge could not take: again."""

import asyncio
from collections.abc import Awaitable, Callable

import httpx


async def as_the_provider_retries(
    post: Callable[[], Awaitable[httpx.Response]], attempts: int = 5
) -> httpx.Response:
    """A 503 (Kafka slower than the edge's deadline, on a loaded box) is sent again, as a
    provider retries a callback that failed; anything else is the answer."""
    for _ in range(attempts - 1):
        response = await post()
        if response.status_code != 503:
            return response
        await asyncio.sleep(1)
    return await post()
