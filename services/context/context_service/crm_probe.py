"""The tenant admin's CRM test: one lookup of a typed number or UPN, asked exactly as the
worker asks (``adapters.crm.fetch_caller``: the same client, total deadline, answer limit
and URL rules), with what came back told instead of swallowed.

Published for the gateway's admin screen. It takes the tenant's *stored* template only (the
gateway reads it from the settings store), never one from the request: the test can reach
no host the tenant's configuration does not already name, and the typed address is
percent-encoded into the path or query, where it cannot change the host. Nothing is cached
or stored, and no circuit breaker counts it (a test must not open the worker's circuit; the
worker keeps its own per process anyway).
"""

import time
from dataclasses import dataclass, field
from typing import Final, Literal

import httpx

from context_service.adapters.crm import (
    ANSWER_FIELDS,
    LOOKUP_FAILURES,
    CrmConfig,
    crm_client,
    failure_reason,
    fetch_caller,
    render_url,
)

__all__ = ["ANSWER_FIELDS", "MAX_ANSWER_BYTES", "CrmProbe", "crm_client", "probe_crm"]

MAX_ANSWER_BYTES: Final = CrmConfig().max_answer_bytes

Outcome = Literal["found", "not_found", "failed"]


@dataclass(frozen=True)
class CrmProbe:
    outcome: Outcome
    fields: dict[str, str] = field(default_factory=dict)
    """What the CRM said of the caller (``found`` only), each field cut to its limit."""
    reason: str | None = None
    """Why it failed (``failed`` only): timeout, its HTTP status, too large, not JSON; never
    the URL or the address."""
    elapsed_ms: int = 0


async def probe_crm(
    client: httpx.AsyncClient,
    template: str,
    address: str,
    timeout_s: float,
) -> CrmProbe:
    """Ask the CRM of ``template`` about ``address`` once, within ``timeout_s``."""
    started = time.monotonic()
    try:
        caller = await fetch_caller(
            client, render_url(template, address), address, timeout_s, MAX_ANSWER_BYTES
        )
    except LOOKUP_FAILURES as failure:
        return CrmProbe("failed", reason=failure_reason(failure), elapsed_ms=_since(started))
    if caller is None:
        return CrmProbe("not_found", elapsed_ms=_since(started))
    found = {name: value for name in ANSWER_FIELDS if (value := getattr(caller, name))}
    return CrmProbe("found", fields=found, elapsed_ms=_since(started))


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
