"""``/healthz`` (the process answers), ``/readyz`` (its resources open and Redis answering,
not stopping) and ``/metrics`` (Prometheus), outside the API's sign-in and rate limits."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> JSONResponse:
    return JSONResponse({"alive": True})


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    resources = getattr(state, "resources", None)
    missing = []
    if resources is None or getattr(state, "draining", False):
        missing.append("start-up" if resources is None else "nothing: draining")
    else:
        try:
            await resources.redis.ping()
        except Exception:  # any failure: not ready; the reason is the server's to log
            missing.append("redis")
    return JSONResponse({"ready": not missing, "waiting_for": missing}, 503 if missing else 200)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    body = generate_latest(request.app.state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
