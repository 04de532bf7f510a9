"""``/api/v1/connector``: what a CRM flow sets on a live session with a tenant API key:
custom parameters (set, remove) and the caller's details. Each call becomes one event of
the session (``context.parameters_updated`` or ``context.caller_updated``) on the topic the
context worker consumes, answered 202 once Kafka confirmed it; the worker then updates the
live context and tells the agents' pages (README, "Connector API").

Refusals: 401 (no key, not valid, revoked: ``connector.auth``), 403 (the key's actions or
services do not cover the call), 404 (no live session of the key's tenant with that id: a
session of another tenant reads exactly the same), 409 (the session is not in that service
session now), 422 (a rule of the event), 429 (the key's rate), 503 (a store is away).
"""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import uuid4

import contracts as c
from aiokafka.errors import KafkaError
from context_service.read import LiveStay
from contracts.base import Identifier
from fastapi import APIRouter, HTTPException, Path, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from redis.exceptions import RedisClusterException, RedisError

from gateway_service.auth.dependencies import Resourced
from gateway_service.connector.auth import Keyed
from gateway_service.connector.keys import Action, ApiKey
from gateway_service.connector.models import (
    Accepted,
    CallerDetails,
    ParameterNames,
    ParameterValues,
)
from gateway_service.connector.targets import Missing, choose
from gateway_service.errors import ErrorBody, forbidden

__all__ = ["CONNECTOR_RESPONSES", "router"]

_UNAVAILABLE = {"Retry-After": "5"}

CONNECTOR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body cannot be read (not UTF-8 JSON)."},
    401: {"model": ErrorBody, "description": "No API key, one not valid, or a revoked one."},
    403: {"model": ErrorBody, "description": "The key does not allow this action or service."},
    404: {"model": ErrorBody, "description": "No live session with this id (of the key's tenant)."},
    409: {"model": ErrorBody, "description": "The session is not in that service session now."},
    413: {"model": ErrorBody, "description": "The request body is too large."},
    422: {"description": "The body breaks a documented rule (same rules as the events)."},
    429: {
        "model": ErrorBody,
        "description": "The key's requests a minute are used up.",
        "headers": {
            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
        },
    },
    503: {"model": ErrorBody, "description": "A server the gateway needs is away; retry."},
}

router = APIRouter(prefix="/api/v1/connector", tags=["connector"], responses=CONNECTOR_RESPONSES)

SessionId = Annotated[Identifier, Path(description="The session's id, as upstream sent it.")]


class KeyInfo(BaseModel):
    tenant_id: str
    key_id: str
    name: str
    services: list[str]
    actions: list[Action]


@router.get("/key", response_model=KeyInfo, summary="The API key's own scope (a key check)")
async def key_info(key: Keyed) -> KeyInfo:
    return KeyInfo(
        tenant_id=key.tenant_id,
        key_id=key.key_id,
        name=key.name,
        services=list(key.services),
        actions=list(key.actions),
    )


@router.post(
    "/sessions/{session_id}/parameters",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    summary="Set custom parameters of a live session",
)
async def set_parameters(
    session_id: SessionId, body: ParameterValues, key: Keyed, resources: Resourced
) -> Accepted:
    """A later value overwrites an earlier one; each is shown as set in the service."""
    stay = await _target(
        key, "set_parameters", session_id, body.service_session_id, body.service_id, resources
    )
    fields = {"parameters": body.parameters}
    return await _publish(c.CustomParametersUpdated, fields, key, session_id, stay, resources)


@router.post(
    "/sessions/{session_id}/parameters/remove",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    summary="Remove custom parameters of a live session",
)
async def remove_parameters(
    session_id: SessionId, body: ParameterNames, key: Keyed, resources: Resourced
) -> Accepted:
    stay = await _target(
        key, "remove_parameters", session_id, body.service_session_id, body.service_id, resources
    )
    fields = {"removed": tuple(dict.fromkeys(body.names))}
    return await _publish(c.CustomParametersUpdated, fields, key, session_id, stay, resources)


@router.put(
    "/sessions/{session_id}/caller",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    summary="Set the caller's details of a live session",
)
async def set_caller(
    session_id: SessionId, body: CallerDetails, key: Keyed, resources: Resourced
) -> Accepted:
    """Replaces what was known of the caller (shown as from the CRM)."""
    stay = await _target(
        key, "set_caller", session_id, body.service_session_id, body.service_id, resources
    )
    fields = body.model_dump(exclude={"service_session_id", "service_id"}, exclude_none=True)
    return await _publish(c.CallerDetailsUpdated, fields, key, session_id, stay, resources)


async def _target(
    key: ApiKey,
    action: Action,
    session_id: str,
    service_session_id: str | None,
    service_id: str | None,
    resources: Resourced,
) -> LiveStay:
    """The open service session the call changes, or the refusal (scope checks first, so a
    key that may not act learns nothing of the session)."""
    if not key.allows(action):
        raise forbidden(f"this API key does not allow {action}")
    if service_id is not None and not key.covers(service_id):
        raise forbidden("this API key does not cover that service")
    try:
        stays = await resources.connector.sessions.live_stays(key.tenant_id, session_id)
    except (RedisError, RedisClusterException):
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "live sessions cannot be read right now; try again shortly",
            headers=_UNAVAILABLE,
        ) from None
    if stays is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such live session")
    chosen = choose(stays, service_session_id, service_id)
    if isinstance(chosen, Missing):
        raise HTTPException(status.HTTP_409_CONFLICT, chosen.reason)
    if not key.covers(chosen.service_id):
        raise forbidden("this API key does not cover that service")
    return chosen


async def _publish(
    kind: type[c.CustomParametersUpdated] | type[c.CallerDetailsUpdated],
    fields: dict[str, Any],
    key: ApiKey,
    session_id: str,
    stay: LiveStay,
    resources: Resourced,
) -> Accepted:
    try:
        event = kind(
            event_id=uuid4(),
            occurred_at=datetime.now(UTC),
            tenant_id=key.tenant_id,
            session_id=session_id,
            service_session_id=stay.service_session_id,
            **fields,
        )
    except ValidationError as error:  # a rule only the whole event states (total size)
        raise RequestValidationError(
            [
                {**problem, "loc": ("body", *problem["loc"])}
                for problem in error.errors(include_input=False, include_url=False)
            ]
        ) from None
    connector = resources.connector
    try:
        await connector.publisher.publish_all(
            connector.topic, [(session_id.encode(), c.encode(event))]
        )
    except KafkaError:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the change cannot be sent right now; try again shortly",
            headers=_UNAVAILABLE,
        ) from None
    return Accepted(
        event_id=str(event.event_id),
        session_id=session_id,
        service_session_id=stay.service_session_id,
        service_id=stay.service_id,
    )
