"""The four workers of reporting_at_volume.py, one child process each (as deployed), each
timing its own consumer group's batches and its MongoDB commands by shape (command,
collection, filter field names: pymongo's command monitoring, registered for every client
the worker makes); the tally goes back to the parent at stop."""

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event as StopEvent
from typing import TYPE_CHECKING, Any

from context_service.entrypoints.app import create_app as create_context
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from mysessions_platform.kafka.batches import BatchDelivery, BatchStep, Records
from mysessions_platform.logging import configure_logging
from mysessions_platform.settings import ServerSettings
from pymongo import monitoring
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
    commands: dict[str, tuple[int, float]] = field(default_factory=dict)
    """Command shape -> (how many, seconds in all)."""


def _filter_of(command: Mapping[str, Any]) -> Mapping[str, Any]:
    for key in ("filter", "query"):
        if isinstance(command.get(key), Mapping):
            return command[key]  # type: ignore[no-any-return]
    for key, inner in (("updates", "q"), ("deletes", "q")):
        if command.get(key):
            return command[key][0].get(inner) or {}
    if command.get("pipeline"):
        return command["pipeline"][0].get("$match") or {}
    return {}


class CommandTimes(monitoring.CommandListener):
    def __init__(self, tally: WorkerTally) -> None:
        self._tally = tally
        self._shapes: dict[int, str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        command = event.command
        named = command.get(event.command_name)
        collection = named if isinstance(named, str) else ""
        fields = ",".join(sorted(_filter_of(command)))
        self._shapes[event.request_id] = f"{event.command_name} {collection} {{{fields}}}"

    def _done(
        self, event: monitoring.CommandSucceededEvent | monitoring.CommandFailedEvent
    ) -> None:
        shape = self._shapes.pop(event.request_id, None)
        if shape is not None:
            count, seconds = self._tally.commands.get(shape, (0, 0.0))
            self._tally.commands[shape] = (count + 1, seconds + event.duration_micros / 1e6)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._done(event)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._done(event)


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
    monitoring.register(CommandTimes(tally))

    async def serve() -> None:
        async with TestApp(_FACTORIES[kind](settings)):
            ready.set()
            await asyncio.to_thread(stop.wait)

    asyncio.run(serve())
    tallies.put(tally)
