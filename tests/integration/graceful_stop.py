"""A worker as a real process: its health routes checked, a counter read before and after
its first batches, then SIGTERM while a backlog is still waiting, and its exit timed.

Each worker's test compares what the interrupted and restarted worker produced with an
uninterrupted run (``test_*_graceful_stop.py``).
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.worker_process import WorkerProcess
from prometheus_client.parser import text_string_to_metric_families

GRACE_S = 10.0
"""The stop grace the tests give (``<WORKER>_STOP_GRACE_S``)."""

Check = Callable[[], Awaitable[bool]]


@dataclass(frozen=True)
class Stopped:
    exit_code: int
    took_s: float
    processed_before: float
    processed_after: float


async def sample(port: int, name: str, **labels: str) -> float:
    """The sum of the samples of ``name`` (``_total`` included) matching ``labels``; 0 when
    none was counted yet."""
    async with httpx.AsyncClient(timeout=5) as client:
        text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    total = 0.0
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                total += found.value
    return total


async def ready(port: int, timeout_s: float = 90) -> None:
    """``/healthz`` answers 200 (alive), then ``/readyz`` 200 (connected, in its group)."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:

        async def answers(path: str) -> bool:
            try:
                return (await client.get(path)).status_code == 200
            except httpx.TransportError:
                return False

        await wait_for(lambda: answers("/healthz"), timeout_s, "/healthz to answer 200")
        await wait_for(lambda: answers("/readyz"), timeout_s, "/readyz to answer 200")


async def sigterm_mid_backlog(
    worker: WorkerProcess,
    port: int,
    topic: str,
    send_backlog: Callable[[], Awaitable[None]],
    behind: Check,
) -> Stopped:
    """Starts ``worker`` (its health on ``port``), reads its processed counter for ``topic``,
    sends the backlog, waits for the counter to move, and stops the worker with SIGTERM
    while it is still ``behind``; returns its exit code and how long it took."""
    await worker.start()
    await ready(port)
    processed = "mysessions_events_processed_total"
    before = await sample(port, processed, topic=topic)
    await send_backlog()

    async def counted() -> bool:
        return await sample(port, processed, topic=topic) > before

    await wait_for(counted, 60, "the first batches to be counted")
    after = await sample(port, processed, topic=topic)
    assert await behind(), "the backlog must still be waiting when SIGTERM comes"
    began = time.monotonic()
    code = await worker.terminate(GRACE_S + 20)
    took = time.monotonic() - began
    log = worker.log_file.read_text()
    assert "batch cut short" not in log, "the batches under way finished within the grace"
    return Stopped(code, took, before, after)


async def settle(*checks: Check, timeout_s: float = 180) -> None:
    for check in checks:
        await wait_for(check, timeout_s, "the worker to catch up")
    await asyncio.sleep(0)
