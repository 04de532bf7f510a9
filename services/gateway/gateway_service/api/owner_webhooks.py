"""Service owners' trigger-event webhooks: ``/api/v1/owner/webhooks...``.

Scoped like the rest of the owner API: the token's tenant, and only endpoints of services
in the token's ``services`` claim; an endpoint of another service or tenant answers 404,
the same as one that does not exist. The signing secret is in the answer to the creation
only. The URL rule (https; http only to loopback in development; no private, link-local
or reserved targets in production) is the registry's (``webhooks_service.targets``): a
refusal is a 422 naming ``url``.
"""

from typing import Annotated

from contracts.webhooks import WEBHOOK_EVENT_TYPES, WebhookEventType
from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel, Field
from webhooks_service.registry import Attempt, Endpoint, TargetRefused

from gateway_service.auth.dependencies import Owner, Resourced
from gateway_service.auth.principal import Principal
from gateway_service.errors import ERROR_RESPONSES, forbidden, invalid, not_found, responses
from gateway_service.ports import Ports

router = APIRouter(
    prefix="/api/v1/owner/webhooks", tags=["service owner"], responses=ERROR_RESPONSES
)

EndpointId = Annotated[str, Path(max_length=64, description="The endpoint's id (ep_…).")]


class NewEndpoint(BaseModel):
    service_id: str = Field(max_length=128)
    url: str = Field(max_length=2048)
    event_types: list[WebhookEventType] = Field(
        min_length=1,
        max_length=len(WEBHOOK_EVENT_TYPES),
        description=f"Any of: {', '.join(WEBHOOK_EVENT_TYPES)} (a repeat counts once).",
    )
    include_caller: bool = Field(
        default=False, description="Payloads carry the caller's details (off by default)."
    )


class EndpointView(Endpoint):
    pending: int = Field(description="Deliveries on the schedule (due or waiting to retry).")
    dead_letters: int


class CreatedEndpoint(BaseModel):
    endpoint: EndpointView
    secret: str = Field(description="whsec_…: verify signatures with it. Shown this once.")


class DeadLetterView(BaseModel):
    message_id: str
    dead_lettered_at: float


class Redelivery(BaseModel):
    message_ids: list[Annotated[str, Field(max_length=64)]] | None = Field(
        default=None, max_length=1000, description="Only these webhook ids; default all."
    )


class Redelivered(BaseModel):
    queued: int


async def _view(ports: Ports, endpoint: Endpoint) -> EndpointView:
    tenant, ident = endpoint.tenant_id, endpoint.endpoint_id
    return EndpointView(
        **endpoint.model_dump(),
        pending=await ports.webhooks.pending(tenant, ident),
        dead_letters=len(await ports.webhooks.dead_letters(tenant, ident)),
    )


async def _owned_endpoint(caller: Principal, ports: Ports, endpoint_id: str) -> Endpoint:
    found = await ports.webhooks.get(caller.tenant_id, endpoint_id)
    if found is None or not caller.owns(found.service_id):
        raise not_found("endpoint")
    return found


@router.get("", response_model=list[EndpointView])
async def endpoints(caller: Owner, resources: Resourced) -> list[EndpointView]:
    """The endpoints of every owned service (never their secrets)."""
    found = await resources.webhooks.listed(caller.tenant_id, set(caller.services))
    return [await _view(resources, endpoint) for endpoint in found]


@router.post(
    "",
    response_model=CreatedEndpoint,
    status_code=status.HTTP_201_CREATED,
    responses=responses(403),
)
async def add_endpoint(new: NewEndpoint, caller: Owner, resources: Resourced) -> CreatedEndpoint:
    """Register an endpoint for an owned service; the answer holds its signing secret,
    which is never shown again. 422 names ``url`` when the URL rule refuses it."""
    if not caller.owns(new.service_id):
        raise forbidden("you are not an owner of this service")
    try:
        endpoint, secret = await resources.webhooks.add(
            caller.tenant_id,
            new.service_id,
            new.url,
            tuple(dict.fromkeys(new.event_types)),
            new.include_caller,
        )
    except TargetRefused as refused:
        raise invalid("url", str(refused)) from None
    return CreatedEndpoint(endpoint=await _view(resources, endpoint), secret=secret)


@router.delete("/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT, responses=responses(404))
async def remove_endpoint(endpoint_id: EndpointId, caller: Owner, resources: Resourced) -> None:
    """Remove the endpoint and everything queued, dead-lettered or logged for it."""
    await _owned_endpoint(caller, resources, endpoint_id)
    await resources.webhooks.remove(caller.tenant_id, endpoint_id)


@router.get("/{endpoint_id}/deliveries", response_model=list[Attempt], responses=responses(404))
async def deliveries(
    endpoint_id: EndpointId,
    caller: Owner,
    resources: Resourced,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[Attempt]:
    """The most recent attempts, newest first: status code or failure kind, timing, what
    followed; no payload values."""
    await _owned_endpoint(caller, resources, endpoint_id)
    return await resources.webhooks.deliveries(caller.tenant_id, endpoint_id, limit)


@router.get(
    "/{endpoint_id}/dead-letters", response_model=list[DeadLetterView], responses=responses(404)
)
async def dead_letters(
    endpoint_id: EndpointId, caller: Owner, resources: Resourced
) -> list[DeadLetterView]:
    """Deliveries that failed their last retry (or met a 410), newest first."""
    await _owned_endpoint(caller, resources, endpoint_id)
    found = await resources.webhooks.dead_letters(caller.tenant_id, endpoint_id)
    return [
        DeadLetterView(message_id=d.message_id, dead_lettered_at=d.dead_lettered_at) for d in found
    ]


@router.post("/{endpoint_id}/redeliver", response_model=Redelivered, responses=responses(404))
async def redeliver(
    endpoint_id: EndpointId, redelivery: Redelivery, caller: Owner, resources: Resourced
) -> Redelivered:
    """Dead letters due again at once (then on the usual schedule); an endpoint a 410
    disabled is enabled again."""
    await _owned_endpoint(caller, resources, endpoint_id)
    queued = await resources.webhooks.redeliver(
        caller.tenant_id, endpoint_id, redelivery.message_ids
    )
    return Redelivered(queued=queued)
