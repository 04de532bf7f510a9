"""One agent opening 1,000 live streams holds at most GATEWAY_SSE_MAX_STREAMS_PER_USER of
them at any instant, counted where it matters: the gateway's slots and the pub/sub
connections Redis itself lists (CLIENT LIST, by the gateway's client name). An evicted
stream used to stop counting at once but keep its connection until its next heartbeat, so
a burst of opens held hundreds. Meanwhile another user's stream keeps delivering."""

import asyncio
import time
from typing import Any

import httpx
import pytest
from gateway_service.testing import RunningGateway
from mysessions_platform.infra import Endpoints
from queue_service.adapters.store import TaskStore

from .live_changes import change, store
from .test_live_stream import eventually, listening, pubsub_connections

pytestmark = pytest.mark.integration

PER_USER = 4
OPENS = 1000
AT_ONCE = 50
"""Opens in flight at a time: a burst, within the file descriptors a test may use."""


@pytest.fixture
def gateway_overrides() -> dict[str, Any]:
    """The default bound and heartbeat (15 s: an evicted stream that waits for it keeps its
    connection that long); reads unlimited enough for 1,000 opens."""
    return {
        "sse_max_streams_per_user": PER_USER,
        "sse_heartbeat_s": 15,
        "reads_per_minute": 10 * OPENS,
    }


class Peaks:
    """The most the gateway counted, and the most pub/sub connections Redis listed."""

    def __init__(self) -> None:
        self.slots = 0
        self.connections = 0
        self.samples = 0
        self.stopped = False
        """Set when the test ends: a cancelled sample could be swallowed inside the Redis
        client, and the sampler then ran CLIENT LIST every 10 ms for the rest of the test
        process (and kept its event loop from closing at the end: CI hung there once)."""


async def sample(gateway: RunningGateway, servers: Endpoints, peaks: Peaks) -> None:
    slots = gateway.resources.live.slots
    while not peaks.stopped:
        peaks.slots = max(peaks.slots, slots.open)
        peaks.connections = max(peaks.connections, await pubsub_connections(gateway, servers))
        peaks.slots = max(peaks.slots, slots.open)
        peaks.samples += 1
        await asyncio.sleep(0.01)


async def open_many(gateway: RunningGateway, statuses: list[int]) -> None:
    """OPENS streams of alice, AT_ONCE at a time, each read until the server ends it (the
    last few never end: the caller cancels them)."""
    gate = asyncio.Semaphore(AT_ONCE)
    limits = httpx.Limits(max_connections=AT_ONCE + 10, max_keepalive_connections=0)
    timeout = httpx.Timeout(30, read=None)
    alice = gateway.headers("acme", "alice")

    async def one(client: httpx.AsyncClient) -> None:
        async with gate, client.stream("GET", "/api/v1/live", headers=alice) as response:
            statuses.append(response.status_code)
            async for _ in response.aiter_raw():
                pass

    async with httpx.AsyncClient(base_url=gateway.base_url, limits=limits, timeout=timeout) as c:
        await asyncio.gather(*(one(c) for _ in range(OPENS)))


@pytest.mark.slow
async def test_a_thousand_streams_of_one_user_never_hold_more_than_the_bound(
    gateway: RunningGateway, servers: Endpoints
) -> None:
    tasks: TaskStore = store(gateway.resources.redis, gateway.settings.queue_key_prefix)
    peaks = Peaks()
    statuses: list[int] = []
    delivered_during = 0

    async def open_slots() -> int:
        return gateway.resources.live.slots.open

    async with listening(gateway, "acme", "bob") as bob:
        sampling = asyncio.create_task(sample(gateway, servers, peaks))
        opening = asyncio.create_task(open_many(gateway, statuses))
        began = time.monotonic()
        try:
            async with asyncio.timeout(120):
                # Bob's changes keep arriving while alice opens stream after stream.
                while len(statuses) < OPENS:
                    await change(tasks, "acme", "bob", f"b-{delivered_during}", "incoming")
                    (event,) = await bob.events(1)
                    assert event.event == "task"
                    delivered_during += 1
                    # Fails as soon as the bound is broken (not after a slow storm).
                    assert peaks.connections <= PER_USER + 1, vars(peaks)
                    assert peaks.slots <= PER_USER + 1, vars(peaks)
                    await asyncio.sleep(0.2)
                # The last PER_USER stay open; everything else closed.
                await eventually(open_slots, PER_USER + 1)
            opened_in = time.monotonic() - began
            await change(tasks, "acme", "bob", "b-after", "incoming")
            (after,) = await bob.events(1)
        finally:
            peaks.stopped = True
            opening.cancel()
            sampling.cancel()
            # Cancelling hundreds of client streams at once may take a while; it must not
            # hang the run (the assertions below are about the gateway, not this client).
            await asyncio.wait({opening, sampling}, timeout=30)

    print(
        f"{OPENS} opens in {opened_in:.1f} s; most held: {peaks.slots} slots, "
        f"{peaks.connections} pub/sub connections ({peaks.samples} samples)"
    )
    # An open waits up to 5 s for the stream it evicts to close, then answers 503 with
    # Retry-After (documented) rather than exceed the bound; on a loaded box some do (10 %
    # seen with six tests at once on two cores). Most must still be served.
    answered = {code: statuses.count(code) for code in set(statuses)}
    assert set(answered) <= {200, 503}, answered
    assert answered.get(200, 0) >= OPENS * 0.75, answered
    assert peaks.samples > 10
    assert peaks.slots <= PER_USER + 1  # alice's bound, and bob's one stream
    assert peaks.connections <= PER_USER + 1
    assert delivered_during > 0
    assert after.event == "task"
