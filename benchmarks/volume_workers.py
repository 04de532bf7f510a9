"""The four workers of reporting_at_volume.py, one child process each (as deployed), each
timing its own consumer group's batches; the tally goes back to the parent at stop."""

import asyncio
import time
from dataclasses import dataclass
from multiprocessing.synchronize import Event as StopEvent
from typing import TYPE_CHECKING, Any

from context_service.entrypoints.app import create_app as create_context
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from mysessions_platform.kafka.batches import BatchDelivery, BatchStep, Records
from mysessions_platform.logging import configure_logging
from mysessions_platform.settings import ServerSettings
from queue_service.entrypoints.app import create_app as create_queue
from reporting_service.entrypoints.app import create_app as create_reporting

if TYPE_CHECKING:
    from multiprocessing import Queue

__all__ = ["WorkerTally", "run_worker"]

_FACTORIES: dict[str, Any] = {
    "ingest": create_ingest,
    "queue": create_queue,
    "context": create_context,
    "reporting": create_reporting,
}


@dataclass
class WorkerTally:
    """One worker's batches: records handled, wall-clock (``time.time``) of the first
    batch's start and the last batch's end, and seconds spent inside batch handlers."""

    kind: str
    records: int = 0
    first_start: float = 0.0
    last_end: float = 0.0
    busy_s: float = 0.0


def _count(tally: WorkerTally) -> None:
    run = BatchDelivery.run

    async def counted(self: BatchDelivery, records: Records, step: BatchStep) -> None:
        started = time.time()
        tally.first_start = tally.first_start or started
        try:
            await run(self, records, step)
        finally:
            tally.records += len(records)
            tally.last_end = time.time()
            tally.busy_s += tally.last_end - started

    BatchDelivery.run = counted  # type: ignore[method-assign]


def run_worker(
    kind: str,
    settings: ServerSettings,
    ready: StopEvent,
    tallies: "Queue[WorkerTally]",
    stop: StopEvent,
) -> None:
    """A child process: one worker until ``stop``, then its tally on ``tallies``."""
    configure_logging("ERROR")  # not the warnings about the benchmark's topics' settings
    tally = WorkerTally(kind)
    _count(tally)

    async def serve() -> None:
        async with TestApp(_FACTORIES[kind](settings)):
            ready.set()
            await asyncio.to_thread(stop.wait)

    asyncio.run(serve())
    tallies.put(tally)
