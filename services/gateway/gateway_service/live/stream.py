"""One agent's live stream: replay from the events stream, then follow it, with caption
lines of the agent's live tasks, and a heartbeat.

The stream's own pub/sub connection listens to the agent's update channel, which the
queue publishes on in the same Lua step that appends to the events stream: a message there
only says "read the stream", and every read goes through the replay rule, so a lost or
doubled message can neither drop nor repeat a change (a read at each heartbeat catches up
anyway). The same connection listens to the caption channels of the sessions where the
agent has a live task, re-subscribed as task changes arrive, and to their context channels
(a message there says the session's parameters or caller changed: a ``context`` event per
live task of the agent in it). Captions published before a subscription (or while the
client was away) are not replayed: the page gets them by refetching the task's detail
(its transcript), as it gets the context.

Redis away: the stream ends (its Redis client does not retry, so no silent gap), and the
client reconnects with its Last-Event-ID. The caller closes the stream (``aclose``) however
it ended; the stream also closes itself as soon as its events end.

Evicted (a newer stream of the same user needs its slot, ``live/slots.py``): the read it
waits in is cancelled and the stream closes its connection at once, not at its next
heartbeat, and only then frees its slot (``release``), so the slots count the connections
really held.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

import structlog
from contracts import LiveCaption
from fastapi.sse import ServerSentEvent
from pydantic import ValidationError
from redis.asyncio.client import PubSub
from redis.exceptions import RedisClusterException, RedisError

from gateway_service.live.captions import LiveTasks
from gateway_service.live.events import (
    HEARTBEAT,
    caption_event,
    context_event,
    refresh_event,
    task_event,
)
from gateway_service.live.ids import parse_id
from gateway_service.live.reader import BATCH, AgentStream
from gateway_service.live.replay import Position, Refresh, judge, start_position
from gateway_service.live.stored_callers import StoredCallerViews

__all__ = ["LiveStream"]

log = structlog.get_logger(__name__)

_LIVE_STATES = frozenset({"incoming", "dialing", "ringing", "connected"})


class LiveStream:
    def __init__(
        self,
        reader: AgentStream,
        pubsub: PubSub,
        agent_channel: str,
        caption_channel: Callable[[str], str],
        context_channel: Callable[[str], str],
        heartbeat_s: float,
        evicted: asyncio.Event,
        release: Callable[[], None],
        views: StoredCallerViews,
    ) -> None:
        self._reader = reader
        self._pubsub = pubsub
        self._agent_channel = agent_channel.encode()
        self._caption_channel = caption_channel
        self._context_channel = context_channel
        self._heartbeat_s = heartbeat_s
        self._evicted = evicted
        self._release = release
        self._views = views
        self._position: Position = None
        self._first: list[ServerSentEvent] = []
        self._tasks = LiveTasks()
        self._captions: dict[bytes, str] = {}
        """Subscribed caption channel → its session id."""
        self._contexts: dict[bytes, str] = {}
        """Subscribed context channel → its session id."""

    async def open(self, requested: str | None) -> None:
        """Subscribes, then decides where to start (raises RedisError when Redis is away:
        the route answers 503 before any event is sent)."""
        await self._pubsub.subscribe(self._agent_channel)
        start = start_position(requested, await self._reader.bounds())
        if isinstance(start, Refresh):
            self._first.append(self._refresh(start))
        else:
            self._position = start
        await self._follow_live_tasks()

    async def aclose(self) -> None:
        """Closes the connection, then frees the slot (twice: nothing more)."""
        try:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py
        finally:
            self._release()

    async def events(self) -> AsyncIterator[ServerSentEvent]:
        loop = asyncio.get_running_loop()
        evicted = asyncio.ensure_future(self._evicted.wait())
        try:
            if self._evicted.is_set():
                return  # evicted while it opened: nothing to send
            for event in self._first:
                yield event
            async for event in self._catch_up():
                yield event
            beat = loop.time() + self._heartbeat_s
            while not self._evicted.is_set():
                message = await self._message(max(0.0, beat - loop.time()), evicted)
                if message is not None and message["channel"] != self._agent_channel:
                    for event in self._session_message(message):
                        yield event
                elif message is not None or loop.time() >= beat:
                    async for event in self._catch_up():
                        yield event
                if loop.time() >= beat:
                    yield HEARTBEAT
                    beat = loop.time() + self._heartbeat_s
        except (RedisError, RedisClusterException) as error:
            log.info("live stream ended: Redis unavailable", error=type(error).__name__)
        finally:
            evicted.cancel()
            await self.aclose()

    async def _message(
        self, wait_s: float, evicted: "asyncio.Future[Literal[True]]"
    ) -> dict[str, Any] | None:
        """The next pub/sub message within ``wait_s``, else None; None at once when the
        stream is evicted meanwhile (its read cancelled, so the connection can close now)."""
        reading = asyncio.ensure_future(
            self._pubsub.get_message(ignore_subscribe_messages=True, timeout=wait_s)
        )
        try:
            await asyncio.wait((reading, evicted), return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not reading.done():
                reading.cancel()
                await asyncio.wait((reading,))  # never raises: the cancelled read is over
        if reading.cancelled():
            return None
        message: dict[str, Any] | None = reading.result()
        return message

    async def _catch_up(self) -> AsyncIterator[ServerSentEvent]:
        while True:
            read = await self._reader.after(self._position)
            reason = judge(self._position, read.bounds)
            if reason is not None:
                yield self._refresh(Refresh(reason, read.bounds.tip))
                await self._follow_live_tasks()
                return
            for entry in read.entries:
                self._position = parse_id(entry.id)
                view = json.loads(entry.view)
                self._tasks.apply(
                    view["session_id"], view["user_session_id"], live=view["state"] in _LIVE_STATES
                )
                yield task_event(entry.id, await self._views.compose(entry.view, view))
            await self._subscribe_captions()
            if len(read.entries) < BATCH:
                return

    def _refresh(self, refresh: Refresh) -> ServerSentEvent:
        self._position = refresh.tip
        return refresh_event(refresh.tip, refresh.reason)

    async def _follow_live_tasks(self) -> None:
        self._tasks = LiveTasks(await self._reader.live_tasks())
        await self._subscribe_captions()

    async def _subscribe_captions(self) -> None:
        """Follows the caption and context channels of the agent's live sessions."""
        sessions = self._tasks.sessions()
        captions = {self._caption_channel(s).encode(): s for s in sessions}
        contexts = {self._context_channel(s).encode(): s for s in sessions}
        held = self._captions.keys() | self._contexts.keys()
        wanted = captions.keys() | contexts.keys()
        if gone := [channel for channel in held if channel not in wanted]:
            await self._pubsub.unsubscribe(*gone)
        if new := [channel for channel in wanted if channel not in held]:
            await self._pubsub.subscribe(*new)
        self._captions, self._contexts = captions, contexts

    def _session_message(self, message: dict[str, Any]) -> list[ServerSentEvent]:
        """A message on a session's channel: a caption line, or its context changed."""
        session_id = self._contexts.get(message["channel"])
        if session_id is None:
            return self._caption(message)
        return [context_event(session_id, t) for t in self._tasks.recipients(session_id, None)]

    def _caption(self, message: dict[str, Any]) -> list[ServerSentEvent]:
        session_id = self._captions.get(message["channel"])
        if session_id is None:
            return []  # a session the agent no longer has live (unsubscribed since)
        try:
            caption = LiveCaption.model_validate_json(message["data"])
        except ValidationError:
            log.warning("caption dropped: not a LiveCaption", session_channel=True)
            return []
        return [
            caption_event(session_id, task, caption)
            for task in self._tasks.recipients(session_id, caption.user_session_id)
        ]
