"""An external CRM over HTTP: ``GET`` a per-tenant URL made from the caller's address.

Contract: the tenant's URL template holds ``{system.caller}``, replaced by the caller's
number or UPN, URL-encoded. The CRM answers ``200`` with a JSON object (fields as in
``ANSWER_FIELDS``; unknown ones are ignored) when it knows the caller, and ``404``, ``204``
or ``200`` with ``null``/``{}`` when it does not. Anything else, a timeout included, is a
failure: the caller stays unknown for now, the failure is logged without the address, and
after ``failure_threshold`` consecutive failures the circuit opens for ``cool_down_s``.
Answers (known and not known) are cached for ``cache_ttl_s``; failures are not.

A slow CRM must never hold up other sessions: every lookup has a total deadline, and an
open circuit answers "unknown" at once.
"""

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import httpx
import structlog
from contracts.templates import parse_url_template, render_url_template

from context_service.adapters.answer_cache import AnswerCache
from context_service.adapters.circuit_breaker import CircuitBreaker
from context_service.domain import FIELD_LIMITS, Caller

__all__ = [
    "ANSWER_FIELDS",
    "CALLER_PLACEHOLDER",
    "LOOKUP_FAILURES",
    "CrmConfig",
    "CrmFailure",
    "HttpCrm",
    "caller_from_answer",
    "crm_client",
    "failure_reason",
    "fetch_caller",
    "render_url",
]

CALLER_PLACEHOLDER: Final = "system.caller"
"""The one value a CRM template is rendered with: the caller's number or UPN."""
ANSWER_FIELDS: Final = tuple(FIELD_LIMITS)
NOT_KNOWN: Final = frozenset({204, 404})

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CrmConfig:
    timeout_s: float = 2.0
    """Total time for one lookup, connecting and reading included."""
    failure_threshold: int = 5
    cool_down_s: float = 30.0
    cache_ttl_s: float = 60.0
    cache_max_entries: int = 10_000
    max_answer_bytes: int = 64 * 1024


class CrmFailure(Exception):
    """Why a lookup failed; the message never holds the address or the URL."""


LOOKUP_FAILURES: Final = (CrmFailure, httpx.HTTPError, httpx.InvalidURL, TimeoutError)
"""What a lookup may raise that is the CRM's failure (not a cancellation)."""


def crm_client() -> httpx.AsyncClient:
    """The CRM's HTTP client as the worker opens it: httpx's defaults, so a redirect is
    never followed (an answer of 3xx is a failure) and the template's host is the only one
    ever asked. The admin's CRM test opens the same."""
    return httpx.AsyncClient()


def render_url(template: str, address: str) -> str:
    """The tenant's CRM URL template (the settings' grammar, ``contracts.templates``) with
    ``{system.caller}``, the caller's number or UPN, percent-encoded; nothing else is known
    at lookup time, so any other placeholder renders empty."""
    try:
        url = render_url_template(parse_url_template(template), {CALLER_PLACEHOLDER: address})
    except ValueError as error:  # validated when the settings were written; a stale one
        raise CrmFailure(f"the CRM URL template is not valid: {error}") from None
    if httpx.URL(url).scheme not in ("http", "https"):
        raise CrmFailure("the CRM URL template is not http or https")
    return url


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    return text or None


def caller_from_answer(answer: Any, address: str) -> Caller | None:
    """The caller a CRM answer describes, every field cut to its limit; ``None`` if the
    answer names nobody."""
    if answer is None:
        return None
    if not isinstance(answer, dict):
        raise CrmFailure("the CRM answer is not a JSON object")
    found = {name: _text(answer.get(name)) for name in ANSWER_FIELDS}
    if not any(found.values()):
        return None
    return Caller(address=address, address_kind="pstn", source="crm", **found).bounded()


class HttpCrm:
    """``Crm`` port. ``url_template`` gives a tenant's template, ``None`` when it has no
    CRM. One breaker per tenant: one tenant's broken CRM does not close another's."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        url_template: Callable[[str], str | None],
        config: CrmConfig = CrmConfig(),
        clock: Callable[[], float] = time.monotonic,
        timeout_for: Callable[[str], float | None] = lambda _tenant: None,
    ) -> None:
        """``timeout_for``: a tenant's own deadline (its settings' ``crm_timeout_s``), else
        ``config.timeout_s``."""
        self._client = client
        self._url_template = url_template
        self._timeout_for = timeout_for
        self._config = config
        self._clock = clock
        self._breakers: dict[str, CircuitBreaker] = {}
        self._cache: AnswerCache[tuple[str, str], Caller | None] = AnswerCache(
            config.cache_ttl_s, config.cache_max_entries, clock
        )

    def breaker(self, tenant: str) -> CircuitBreaker:
        if tenant not in self._breakers:
            self._breakers[tenant] = CircuitBreaker(
                self._config.failure_threshold, self._config.cool_down_s, self._clock
            )
        return self._breakers[tenant]

    async def lookup(self, tenant: str, address: str) -> Caller | None:
        template = self._url_template(tenant)
        if template is None:
            return None
        cached, answer = self._cache.get((tenant, address))
        if cached:
            return answer
        breaker = self.breaker(tenant)
        if not breaker.allow():
            return None
        try:
            timeout_s = self._timeout_for(tenant) or self._config.timeout_s
            answer = await self._fetch(render_url(template, address), address, timeout_s)
        except LOOKUP_FAILURES as failure:
            breaker.record_failure()
            log.warning(
                "crm_lookup_failed",
                tenant_id=tenant,
                reason=failure_reason(failure),
                circuit=breaker.state,
            )
            return None
        except BaseException:  # cancelled: neither a success nor the CRM's failure
            breaker.release()
            raise
        breaker.record_success()
        self._cache.put((tenant, address), answer)
        return answer

    async def _fetch(self, url: str, address: str, timeout_s: float) -> Caller | None:
        return await fetch_caller(
            self._client, url, address, timeout_s, self._config.max_answer_bytes
        )


async def fetch_caller(
    client: httpx.AsyncClient, url: str, address: str, timeout_s: float, max_answer_bytes: int
) -> Caller | None:
    """One lookup under a total deadline, the answer read up to ``max_answer_bytes``: the
    caller it names, ``None`` when the CRM does not know them; raises ``CrmFailure``,
    ``httpx.HTTPError`` or ``TimeoutError`` otherwise (``failure_reason`` words them)."""
    async with asyncio.timeout(timeout_s):
        async with client.stream(
            "GET",
            url,
            headers={"Accept": "application/json"},
            timeout=timeout_s,
        ) as response:
            if response.status_code in NOT_KNOWN:
                return None
            if response.status_code != 200:
                raise CrmFailure(f"the CRM answered HTTP {response.status_code}")
            body = await _read_bounded(response, max_answer_bytes)
    try:
        answer = json.loads(body) if body.strip() else None
    except ValueError:
        raise CrmFailure("the CRM answer is not JSON") from None
    return caller_from_answer(answer, address)


async def _read_bounded(response: httpx.Response, max_answer_bytes: int) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_answer_bytes:
            raise CrmFailure(f"the CRM answer exceeds {max_answer_bytes} bytes")
    return bytes(body)


def failure_reason(failure: Exception) -> str:
    """A reason fit for logs: httpx messages may quote the URL, which holds the address."""
    if isinstance(failure, CrmFailure):
        return str(failure)
    if isinstance(failure, TimeoutError | httpx.TimeoutException):
        return "timeout"
    if isinstance(failure, httpx.ConnectError):
        return "the CRM cannot be reached (ConnectError)"
    return type(failure).__name__
