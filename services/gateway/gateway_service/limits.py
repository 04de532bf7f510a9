"""Bounds at the edge: the request body's size, and per-user rates of writes and reads.

Bodies: a request whose declared or actual body exceeds ``max_body_bytes`` is refused with
413 before any route reads it. Writes (any method but GET/HEAD/OPTIONS under /api): at most
``writes_per_minute`` per user; reads (GET and HEAD under /api, opening a live stream
included): at most ``reads_per_minute``, a budget of their own so reading never uses up
the changes an agent may make. Both are counted in Redis per (tenant, user) and minute so
every gateway instance shares one count; beyond it 429 with ``Retry-After``. A Redis that
cannot count answers 503 (an outage, retried by the client), never an unlimited request.
"""

import time
from dataclasses import dataclass
from typing import Final

from fastapi import HTTPException, Request, status
from mysessions_platform.key_parts import check_prefix, hash_tag
from redis.exceptions import RedisClusterException, RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway_service.auth.dependencies import Caller, Resourced
from gateway_service.auth.principal import Principal
from gateway_service.ports import Ports

__all__ = [
    "BUDGET_KEYS",
    "IMPORTS_PATH",
    "BodySizeLimit",
    "limit_crm_tests",
    "limit_key",
    "limit_reads",
    "limit_writes",
]

_READS: Final = frozenset({"GET", "HEAD"})
_NOT_COUNTED: Final = frozenset({"OPTIONS"})
"""A preflight reads nothing."""


@dataclass(frozen=True, slots=True)
class _Budget:
    key: str
    """Its part of the Redis key: ``<prefix>:gateway:<key>:{tenant,user}:<minute>``."""
    noun: str
    """What the refusal says the caller did too often."""


_WRITES: Final = _Budget("writes", "changes")
_READ_BUDGET: Final = _Budget("reads", "reads")
_CRM_TESTS: Final = _Budget("crm-tests", "CRM tests")
"""Counted per tenant, not per user: it is the tenant's CRM that is asked."""
_CONNECTOR: Final = _Budget("connector", "requests with this API key")
"""Per API key of the connector API (``{tenant,key id}`` in place of the user)."""
BUDGET_KEYS: Final = (_WRITES.key, _READ_BUDGET.key, _CRM_TESTS.key, _CONNECTOR.key)
"""Every budget's key part: unprovisioning erases the counters of each (their names carry
the users' ids)."""


async def limit_writes(request: Request, caller: Caller, resources: Resourced) -> None:
    """A router dependency: counts the caller's writes; 429 beyond the minute's allowance."""
    if request.method in _READS or request.method in _NOT_COUNTED:
        return
    await _count(
        _WRITES, resources.settings.writes_per_minute, (caller.tenant_id, caller.user_id), resources
    )


async def limit_reads(request: Request, caller: Caller, resources: Resourced) -> None:
    """A router dependency: counts the caller's reads; 429 beyond the minute's allowance."""
    if request.method not in _READS:
        return
    await _count(
        _READ_BUDGET,
        resources.settings.reads_per_minute,
        (caller.tenant_id, caller.user_id),
        resources,
    )


async def limit_crm_tests(caller: Principal, resources: Ports) -> None:
    """Counts one CRM test of the caller's tenant; 429 beyond the minute's allowance."""
    await _count(
        _CRM_TESTS, resources.settings.crm_tests_per_minute, (caller.tenant_id,), resources
    )


async def limit_key(tenant_id: str, key_id: str, resources: Ports) -> None:
    """Counts a connector API request of the key; 429 beyond its minute's allowance."""
    allowed = resources.settings.connector_requests_per_minute
    await _count(_CONNECTOR, allowed, (tenant_id, key_id), resources)


async def _count(budget: _Budget, allowed: int, whose: tuple[str, ...], resources: Ports) -> None:
    """``whose``: the counter's hash tag: (tenant id, user id or key id), or (tenant id,)
    for a budget of the whole tenant."""
    window = int(time.time() // 60)
    key = (
        f"{check_prefix(resources.settings.queue_key_prefix)}:gateway:{budget.key}:"
        f"{hash_tag(*whose)}:{window}"
    )
    try:
        count = await resources.requests.add(key, 120)
    except (RedisError, RedisClusterException):
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            f"{budget.noun} cannot be counted right now; try again shortly",
            headers={"Retry-After": "5"},
        ) from None
    if count > allowed:
        retry = 60 - int(time.time() % 60)
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"at most {allowed} {budget.noun} a minute; try again in {retry} s",
            headers={"Retry-After": str(retry)},
        )


IMPORTS_PATH: Final = "/api/v1/admin/imports/"
"""The upload routes, allowed ``max_import_bytes`` instead of ``max_body_bytes``."""


class BodySizeLimit:
    """ASGI middleware: 413 for a body larger than ``max_bytes`` (declared or streamed);
    for paths under ``IMPORTS_PATH``, ``max_import_bytes`` (a CSV file, not a form).

    A declared ``Content-Length`` is checked before anything is read (the server delivers
    no more than it declares). A body without one (chunked) is read here first, up to the
    limit, and handed on whole: refusing it from inside the app's ``receive`` would not
    work, since FastAPI turns any error while reading a body into 400 "error parsing"."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_import_bytes: int | None = None) -> None:
        self._app = app
        self._max = max_bytes
        self._max_import = max_import_bytes if max_import_bytes is not None else max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        limit = self._max_import if scope["path"].startswith(IMPORTS_PATH) else self._max
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                await _too_large(send, limit)
                return
            await self._app(scope, receive, send)
            return
        body = await _read_up_to(receive, limit)
        if body is None:
            await _too_large(send, limit)
            return
        await self._app(scope, _replay(body, receive), send)


async def _read_up_to(receive: Receive, max_bytes: int) -> bytes | None:
    """The whole body, or None as soon as it exceeds ``max_bytes`` (or the client left)."""
    parts: list[bytes] = []
    seen = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        part = message.get("body", b"")
        seen += len(part)
        if seen > max_bytes:
            return None
        parts.append(part)
        if not message.get("more_body", False):
            return b"".join(parts)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body as one message, then the client's own messages (its disconnect)."""
    delivered = False

    async def replayed() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _too_large(send: Send, max_bytes: int) -> None:
    body = f'{{"detail":"the request body exceeds {max_bytes} bytes"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
