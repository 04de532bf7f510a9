"""The AMI bridge's loop: connect, log in, translate each event, record it, publish it.

Per message: load the call's state (Redis), translate, record the new state with the
events as pending (one MULTI), publish and wait for Kafka's confirmation, mark them
published. On every (re)connection it first publishes what an earlier run recorded but
did not confirm. A lost connection, and an outage of Kafka or Redis
(``mysessions_platform.failures``), close the connection and retry with exponential backoff
(1 s doubling to 30 s, reset after a login); whatever was recorded and not confirmed is
published on the next login. A refused login stops the bridge. Any other failure while
handling one message (a bug, not an outage) is logged with its fields' names, counted in
``BridgeStats.failed``, and the message skipped: the bridge keeps running.

Calls that ended while the bridge was away: AMI does not replay, so their last events are
never seen; the queue watchdog closes such sessions (``session.expired``) after its idle
limit, and the call's Redis state expires after ``CALL_TTL_S``.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, Protocol

from contracts import SessionEvent
from mysessions_platform.failures import Failure, classify, describe

from ingest_service.ami.client import AmiClient, AmiEndpoint, AmiLoginError
from ingest_service.ami.frames import AmiMessage
from ingest_service.ami.redis_calls import RedisCalls
from ingest_service.ami.translate import AmiTranslator

log = logging.getLogger(__name__)

FIRST_BACKOFF_S: Final = 1.0
MAX_BACKOFF_S: Final = 30.0


class Publish(Protocol):
    def __call__(self, events: list[SessionEvent]) -> Awaitable[None]: ...


@dataclass
class BridgeStats:
    connections: int = 0
    messages: int = 0
    published: int = 0
    republished: int = 0
    failed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


def _now() -> datetime:
    return datetime.now(UTC)


async def flush_pending(calls: RedisCalls, publish: Publish) -> int:
    """Publish what was recorded but never confirmed; returns how many events."""
    count = 0
    for linkedid, events in (await calls.pending()).items():
        await publish(events)
        await calls.published(linkedid)
        count += len(events)
    return count


async def handle(
    message: AmiMessage,
    translator: AmiTranslator,
    calls: RedisCalls,
    publish: Publish,
    clock: Callable[[], datetime] = _now,
) -> int:
    """One message, recorded then published; returns the events published."""
    linkedid = translator.call_of(message)
    if linkedid is None:
        return 0
    errors_before = sum(translator.errors.values())
    state = await calls.load(linkedid)
    result = translator.translate(message, state, clock())
    if sum(translator.errors.values()) > errors_before:
        log.warning("%s; skipped", translator.last_error)
    if result.state is None:
        return 0
    await calls.record(linkedid, result.state, result.events)
    if result.events:
        try:
            await publish(result.events)
        except Exception as error:
            if classify(error) is not Failure.OUTAGE:
                # These events can never be published (too large, ...): not kept for a retry.
                await calls.published(linkedid)
            raise
        await calls.published(linkedid)
    return len(result.events)


async def run_bridge(
    endpoint: AmiEndpoint,
    translator: AmiTranslator,
    calls: RedisCalls,
    publish: Publish,
    stats: BridgeStats | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Runs until ``stop`` is set (or forever); raises only :class:`AmiLoginError`."""
    stats = stats if stats is not None else BridgeStats()
    stop = stop if stop is not None else asyncio.Event()
    backoff = FIRST_BACKOFF_S
    while not stop.is_set():
        try:
            client = await AmiClient.connect(endpoint)
        except AmiLoginError:
            raise
        except (OSError, TimeoutError) as error:
            reason = type(error).__name__
            log.warning("AMI connection failed (%s); retrying in %.0f s", reason, backoff)
            await _sleep_or_stop(backoff, stop)
            backoff = min(backoff * 2, MAX_BACKOFF_S)
            continue
        backoff = FIRST_BACKOFF_S
        stats.connections += 1
        log.info("AMI logged in (%s)", client.frames.banner)
        try:
            stats.republished += await flush_pending(calls, publish)
            await _pump(client, translator, calls, publish, stats, stop)
        except Exception as error:
            if classify(error) is not Failure.OUTAGE:
                raise
            log.warning("AMI bridge interrupted: %s; reconnecting", describe(error))
            backoff = min(backoff * 2, MAX_BACKOFF_S)
        finally:
            stats.skipped = dict(client.skipped)
            await client.close()
        if not stop.is_set():
            await _sleep_or_stop(backoff, stop)


async def _pump(
    client: AmiClient,
    translator: AmiTranslator,
    calls: RedisCalls,
    publish: Publish,
    stats: BridgeStats,
    stop: asyncio.Event,
) -> None:
    skipped = 0
    async for message in client.messages():
        stats.messages += 1
        try:
            stats.published += await handle(message, translator, calls, publish)
        except Exception as error:
            if classify(error) is Failure.OUTAGE:
                raise
            stats.failed += 1
            log.error("AMI %s not handled (%s); skipped", _name(message), describe(error))
        now_skipped = sum(client.skipped.values())
        if now_skipped > skipped:
            skipped = now_skipped
            log.warning("%s (%d so far)", client.frames.last_skipped, skipped)
        if stop.is_set():
            return


def _name(message: AmiMessage) -> str:
    """The event's name for a log line, only when it looks like one (it is a value)."""
    name = message.event
    return name if name.isascii() and name.isalnum() and len(name) <= 64 else "event"


async def _sleep_or_stop(seconds: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
