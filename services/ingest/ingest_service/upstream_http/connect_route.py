"""``POST /amazon-connect/{tenant}/contact-events`` and ``.../agent-events``.

Contact events come from an EventBridge rule whose target is an API destination; its
connection (API key authorization) sends ``Authorization: Bearer <secret>``. Agent events
come from the agent event stream (Kinesis) through an EventBridge Pipe to an API destination
on the same connection, with the input transformer ``<$.data>`` so the body is the agent
event itself. A body may be one event or a JSON array of them.
"""

import json
from collections.abc import Callable

from contracts import SessionEvent
from fastapi import APIRouter, HTTPException, Request, Response

from ingest_service.amazon_connect import (
    ConnectOptions,
    InvalidConnectEvent,
    translate_agent_event,
    translate_contact_event,
)
from ingest_service.upstream_http.body import bounded_body
from ingest_service.upstream_http.publish import Publish, PublishFailed
from ingest_service.upstream_http.settings import UpstreamSettings
from ingest_service.upstream_http.tenants import TenantUpstream

Translate = Callable[[ConnectOptions, object], list[SessionEvent]]


def connect_router(
    settings: UpstreamSettings, tenants: dict[str, TenantUpstream], publish: Publish
) -> APIRouter:
    router = APIRouter()

    async def receive(tenant: str, request: Request, translate: Translate) -> Response:
        body = await bounded_body(request, settings.max_body_bytes)
        config = tenants.get(tenant)
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        if (
            config is None
            or scheme.casefold() != "bearer"
            or not config.connect_bearer_matches(secret.strip())
        ):
            raise HTTPException(401, detail="Authorization: invalid")
        try:
            parsed = json.loads(body)
        except ValueError:
            raise HTTPException(400, detail="body: not JSON") from None
        options = ConnectOptions(tenant, config.connect_agents, config.connect_queues)
        events: list[SessionEvent] = []
        for index, item in enumerate(parsed if isinstance(parsed, list) else [parsed]):
            try:
                events.extend(translate(options, item))
            except InvalidConnectEvent as error:
                where = f"[{index}]." if isinstance(parsed, list) else ""
                raise HTTPException(400, detail=f"{where}{error}") from None
            except ValueError:  # a contract refused a value: name no value
                raise HTTPException(400, detail="event: a field is not valid") from None
        if events:
            try:
                await publish(events)
            except PublishFailed:
                raise HTTPException(503, detail="publishing: unavailable, retry") from None
        return Response(status_code=204)

    @router.post("/amazon-connect/{tenant}/contact-events", status_code=204)
    async def contact_events(tenant: str, request: Request) -> Response:
        return await receive(tenant, request, translate_contact_event)

    @router.post("/amazon-connect/{tenant}/agent-events", status_code=204)
    async def agent_events(tenant: str, request: Request) -> Response:
        return await receive(tenant, request, translate_agent_event)

    return router
