"""Follows a live queue_log: read new lines, translate, publish, checkpoint; repeat.

Per batch the order is: translate the lines, publish their events and wait for Kafka,
then write the checkpoint (position after the batch + the translator's memory). Nothing
is skipped: a line is behind the checkpoint only once its events are confirmed. Nothing
is doubled downstream: lines after the checkpoint are translated again after a restart
into the same event ids (uuid5 over the line's text), which ingest drops.

An outage of Kafka (or of the disk holding the checkpoint) holds the batch and retries it
with backoff, 1 s doubling to 30 s, until it succeeds or the follower is stopped.
"""

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from contracts import SessionEvent
from mysessions_platform.failures import Failure, classify, describe

from ingest_service.queue_log import QueueLogOptions, QueueLogTranslator
from ingest_service.queue_log_follow.checkpoint import Checkpoint, CheckpointFile
from ingest_service.queue_log_follow.tail import FileTail

log = logging.getLogger(__name__)

BATCH_LINES: Final = 500
POLL_S: Final = 0.5
FIRST_BACKOFF_S: Final = 1.0
MAX_BACKOFF_S: Final = 30.0

Publish = Callable[[list[SessionEvent]], Awaitable[None]]


@dataclass
class FollowStats:
    lines: int = 0
    events: int = 0
    errors: int = 0


async def follow(
    path: Path,
    options: QueueLogOptions,
    checkpoints: CheckpointFile,
    publish: Publish,
    stop: asyncio.Event,
    stats: FollowStats | None = None,
    poll_s: float = POLL_S,
) -> None:
    stats = stats if stats is not None else FollowStats()
    # File reads and the checkpoint's fsync run in a thread: the producer's loop keeps going.
    followed = str(await asyncio.to_thread(path.resolve))
    saved = await asyncio.to_thread(checkpoints.load, path)
    translator = (
        QueueLogTranslator(options)
        if saved is None
        else QueueLogTranslator.resume(options, saved.translator)
    )
    tail = FileTail(path, saved.position if saved else None)
    try:
        while not stop.is_set():
            lines = await asyncio.to_thread(tail.read_lines, BATCH_LINES)
            if not lines:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), poll_s)
                continue
            events = [event for text, _ in lines for event in translator.feed(text)]
            checkpoint = Checkpoint(followed, lines[-1][1], translator.snapshot())
            deliver = functools.partial(_deliver, publish, checkpoints, events, checkpoint)
            if not await _until_done(deliver, stop):
                return  # stopped during an outage: the checkpoint stays before this batch
            stats.lines += len(lines)
            stats.events += len(events)
            for error in translator.errors:  # names the line and field, never a value
                log.warning("%s; skipped", error)
            stats.errors += len(translator.errors)
            translator.errors.clear()
    finally:
        tail.close()


async def _deliver(
    publish: Publish, checkpoints: CheckpointFile, events: list[SessionEvent], at: Checkpoint
) -> None:
    await publish(events)
    await asyncio.to_thread(checkpoints.save, at)


async def _until_done(step: Callable[[], Awaitable[None]], stop: asyncio.Event) -> bool:
    backoff = FIRST_BACKOFF_S
    while not stop.is_set():
        try:
            await step()
            return True
        except Exception as error:
            if classify(error) is not Failure.OUTAGE:
                raise
            log.warning("publishing held: %s; retrying in %.0f s", describe(error), backoff)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_S)
    return False
