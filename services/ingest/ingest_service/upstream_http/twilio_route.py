"""``POST /twilio/{tenant}/taskrouter``: TaskRouter's workspace event callback."""

from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Request, Response
from twilio.request_validator import RequestValidator

from ingest_service.twilio import TwilioOptions, translate_taskrouter
from ingest_service.twilio.translate import InvalidCallback
from ingest_service.upstream_http.body import bounded_body
from ingest_service.upstream_http.publish import Publish, PublishFailed
from ingest_service.upstream_http.settings import UpstreamSettings
from ingest_service.upstream_http.tenants import TenantUpstream


def signed_url(request: Request, settings: UpstreamSettings) -> str:
    """The URL Twilio posted to (and signed): behind a proxy, the public base URL's."""
    if settings.public_base_url is None:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{settings.public_base_url.rstrip('/')}{request.url.path}{query}"


def twilio_router(
    settings: UpstreamSettings, tenants: dict[str, TenantUpstream], publish: Publish
) -> APIRouter:
    router = APIRouter()

    @router.post("/twilio/{tenant}/taskrouter", status_code=204)
    async def taskrouter_event(tenant: str, request: Request) -> Response:
        body = await bounded_body(request, settings.max_body_bytes)
        config = tenants.get(tenant)
        signature = request.headers.get("x-twilio-signature", "")
        form = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
        token = config.twilio_auth_token if config is not None else None
        # One answer for an unknown tenant and a bad signature: nothing to probe tenants by.
        if token is None or not RequestValidator(token.get_secret_value()).validate(
            signed_url(request, settings), form, signature
        ):
            raise HTTPException(403, detail="X-Twilio-Signature: invalid")
        assert config is not None
        options = TwilioOptions(tenant, config.twilio_workers, config.twilio_queues)
        try:
            events = translate_taskrouter(options, form)
        except InvalidCallback as error:
            raise HTTPException(400, detail=str(error)) from None
        except ValueError:  # a contract refused a value: name no value
            raise HTTPException(400, detail="callback: a field is not valid") from None
        if events:
            try:
                await publish(events)
            except PublishFailed:
                raise HTTPException(503, detail="publishing: unavailable, retry") from None
        return Response(status_code=204, media_type="application/json")

    return router
