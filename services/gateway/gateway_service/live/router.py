"""``GET /api/v1/live``: the agent's own task changes and caption lines as Server-Sent
Events (protocol in the README's "Live updates" and in ``live/events.py``)."""

from collections.abc import AsyncIterable, AsyncIterator
from typing import Annotated

import structlog
from context_service.read import captions_channel, context_channel
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, status
from fastapi.sse import EventSourceResponse, ServerSentEvent
from mysessions_platform.redis_client import initialized
from queue_service.read import agent_channel
from redis.exceptions import RedisClusterException, RedisError

from gateway_service.auth.dependencies import Agent, Resourced
from gateway_service.errors import ERROR_RESPONSES, ErrorBody
from gateway_service.live.ids import MAX_ID_CHARS, requested_id
from gateway_service.live.reader import AgentStream
from gateway_service.live.slots import Full, OldestNotClosed, Stopping
from gateway_service.live.stored_callers import StoredCallerViews
from gateway_service.live.stream import LiveStream

__all__ = ["router"]

log = structlog.get_logger(__name__)

router = APIRouter(prefix="/api/v1", tags=["live"])

_UNAVAILABLE = {"Retry-After": "5"}


async def open_stream(
    agent: Agent,
    resources: Resourced,
    last_event_id_header: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            max_length=MAX_ID_CHARS,
            description="The id of the last event received; wins over the query parameter."
            " Anything that is no stream id gets a refresh event.",
        ),
    ] = None,
    last_event_id: Annotated[
        str | None,
        Query(
            max_length=MAX_ID_CHARS,
            description="The same, where no header can be sent.",
        ),
    ] = None,
) -> AsyncIterator[LiveStream]:
    """Opens the stream before the response starts (so Redis away is a 503, not an empty
    stream) and closes it after the response ended, however it ended (the stream closes
    itself first when its events end, an eviction's included)."""
    live, settings = resources.live, resources.settings
    prefix, tenant, user = settings.queue_key_prefix, agent.tenant_id, agent.user_id
    try:
        slot = await live.slots.take(tenant, user)
    except Full:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "this gateway holds its maximum of live streams; try again shortly",
            headers=_UNAVAILABLE,
        ) from None
    except OldestNotClosed:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "your oldest live stream has not closed yet; try again shortly",
            headers=_UNAVAILABLE,
        ) from None
    except Stopping:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "this gateway is stopping; reconnect",
            headers=_UNAVAILABLE,
        ) from None
    stream = LiveStream(
        AgentStream(resources.queue.events(tenant, user, live.redis)),
        live.redis.pubsub(),
        agent_channel(prefix, tenant, user),
        lambda session_id: captions_channel(prefix, tenant, session_id),
        lambda session_id: context_channel(prefix, tenant, session_id),
        settings.sse_heartbeat_s,
        slot.evicted,
        lambda: live.slots.release(slot),
        StoredCallerViews(resources.context, tenant, resources.saves),
    )
    try:
        try:
            await initialized(live.redis)  # a cluster's pub/sub needs its slot map first
            await stream.open(requested_id(last_event_id_header, last_event_id))
        except (RedisError, RedisClusterException) as error:
            log.warning("live stream refused: Redis unavailable", error=type(error).__name__)
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                "live updates are unavailable right now; try again shortly",
                headers=_UNAVAILABLE,
            ) from None
        yield stream
    finally:
        await stream.aclose()  # closes the connection, then frees the slot


@router.get(
    "/live",
    response_class=EventSourceResponse,
    summary="The agent's live updates (Server-Sent Events)",
    responses={
        **ERROR_RESPONSES,
        422: {"model": ErrorBody, "description": "The last event id is longer than an id."},
        503: {
            "model": ErrorBody,
            "description": "Redis is away, the gateway is full or stopping, or the caller's"
            " evicted oldest stream has not closed yet.",
        },
    },
)
async def live(
    agent: Agent, stream: Annotated[LiveStream, Depends(open_stream)], request: Request
) -> AsyncIterable[ServerSentEvent]:
    """``task`` (id = stream entry id, data = TaskView) for every change of the caller's
    tasks, ``caption`` (no id) for caption lines of their live tasks, ``context`` (no id)
    when a live task's custom parameters or caller changed (reread its detail), ``refresh``
    (id = the stream's tip) when the changes since ``Last-Event-ID`` are not all kept: refetch the
    list. A ``: heartbeat`` comment every ``GATEWAY_SSE_HEARTBEAT_S``."""
    sent = request.app.state.metrics.sse_events
    async for event in stream.events():
        sent.inc()
        yield event
