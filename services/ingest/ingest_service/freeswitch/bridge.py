"""The FreeSWITCH bridge: events from the event socket, through each call's state in Redis,
to the raw topic, reconnecting with backoff whenever the socket goes away.

Per event: load the call's state, translate, publish (confirmed), then save the state. A
crash between publishing and saving replays the event on the same state: the same event ids,
which ingest's de-duplication drops. One connection handles its events one at a time, so a
call's events are applied in the order FreeSWITCH fired them.
"""

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from contracts import SessionEvent

from ingest_service.freeswitch.connection import EslAuthError, EslConnection
from ingest_service.freeswitch.esl import EslEvent, EslProtocolError
from ingest_service.freeswitch.fields import MissingField
from ingest_service.freeswitch.mapping import FreeSwitchOptions
from ingest_service.freeswitch.store import CallStore
from ingest_service.freeswitch.translate import session_of, translate

log = logging.getLogger(__name__)

Publish = Callable[[Sequence[SessionEvent]], Awaitable[None]]


@dataclass(frozen=True)
class Backoff:
    first_s: float = 0.5
    max_s: float = 30.0

    def delays(self) -> "BackoffDelays":
        return BackoffDelays(self)


class BackoffDelays:
    def __init__(self, backoff: Backoff) -> None:
        self._backoff = backoff
        self._next = backoff.first_s

    def reset(self) -> None:
        self._next = self._backoff.first_s

    def next(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self._backoff.max_s)
        return delay


class FreeSwitchBridge:
    def __init__(self, options: FreeSwitchOptions, store: CallStore, publish: Publish) -> None:
        self._options = options
        self._store = store
        self._publish = publish
        self.counts: Counter[str] = Counter()

    async def handle(self, event: EslEvent) -> None:
        session_id = session_of(event)
        if session_id is None:
            self.counts["skipped: not a call event"] += 1
            return
        state = await self._store.load(session_id)
        try:
            result = translate(self._options, state, event)
        except MissingField as error:  # names the header, never a value
            self.counts["invalid"] += 1
            log.warning("freeswitch event not mapped", extra={"reason": str(error)})
            return
        if result.events:
            await self._publish(result.events)
            self.counts["published"] += len(result.events)
        if result.skipped:
            self.counts[f"skipped: {result.skipped}"] += 1
        if result.state is not None and result.state != state:
            await self._store.save(result.state)

    async def handle_until_done(self, event: EslEvent, backoff: Backoff) -> None:
        """FreeSWITCH never sends an event twice, so one that could not be published or
        stored (Kafka or Redis away) is retried here until it is, never dropped; meanwhile
        FreeSWITCH queues the next events for this socket."""
        delays = backoff.delays()
        while True:
            try:
                await self.handle(event)
                return
            except Exception as error:  # any outage: its kind is logged
                delay = delays.next()
                self.counts["retries"] += 1
                log.warning(
                    "freeswitch event not handled; retrying",
                    extra={"error": type(error).__name__, "retry_in_s": delay},
                )
                await asyncio.sleep(delay)

    async def run_connection(self, connection: EslConnection, backoff: Backoff) -> None:
        async for event in connection.events():
            await self.handle_until_done(event, backoff)


async def follow(
    bridge: FreeSwitchBridge,
    host: str,
    port: int,
    password: str,
    backoff: Backoff = Backoff(),
    on_connected: Callable[[], None] | None = None,
) -> None:
    """Connect, follow events, reconnect with backoff; forever (cancel to stop). A refused
    password ends it (``EslAuthError``): retrying would not help and would flood the log."""
    delays = backoff.delays()
    while True:
        try:
            connection = await EslConnection.open(host, port, password)
        except EslAuthError:
            raise
        except (OSError, EslProtocolError, TimeoutError, asyncio.IncompleteReadError) as error:
            delay = delays.next()
            log.warning(
                "event socket unreachable; retrying",
                extra={"error": type(error).__name__, "retry_in_s": delay},
            )
            await asyncio.sleep(delay)
            continue
        delays.reset()
        bridge.counts["connections"] += 1
        log.info("event socket connected")
        if on_connected is not None:
            on_connected()
        try:
            await bridge.run_connection(connection, backoff)
        except (OSError, EslProtocolError, asyncio.IncompleteReadError) as error:
            log.warning("event socket lost; reconnecting", extra={"error": type(error).__name__})
        finally:
            await connection.close()
        await asyncio.sleep(delays.next())
