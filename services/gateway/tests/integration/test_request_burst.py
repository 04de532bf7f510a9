"""A burst of requests, more at once than the gateway's Redis connections (every request
counts itself there): they wait their turn for a connection, none is refused. redis-py 8's
pool refused the 101st at once ("Too many connections"), which the gateway answered 503
"reads cannot be counted right now": 133 of 237 agents' pages opening together got it."""

import asyncio

import httpx
import pytest
from gateway_service.resources import REQUEST_CONNECTIONS
from gateway_service.testing import RunningGateway

pytestmark = pytest.mark.integration

AT_ONCE = 2 * REQUEST_CONNECTIONS + 44


async def test_a_burst_beyond_the_redis_connections_waits_its_turn(
    gateway: RunningGateway,
) -> None:
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(base_url=gateway.base_url, limits=limits, timeout=60) as client:
        answers = await asyncio.gather(
            *(
                client.get("/api/v1/tasks", headers=gateway.headers("acme", f"agent-{n}"))
                for n in range(AT_ONCE)
            )
        )
    statuses = sorted({answer.status_code for answer in answers})
    assert statuses == [200], [a.text for a in answers if a.status_code != 200][:3]
