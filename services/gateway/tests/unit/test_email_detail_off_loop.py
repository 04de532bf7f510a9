"""Rendering a received mail does not hold the gateway's event loop (issue 13).

nh3's parser (html5ever) walks its stack of open elements at every tag, so a deeply nested
body costs time that grows with its square. The sender chooses that body: while one agent's
page renders it, every other request of the gateway must still be answered.
"""

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from uuid import uuid4

import contracts as c
import pytest
from gateway_service.auth.principal import Principal
from gateway_service.email.detail import email_detail_of
from gateway_service.email.ports import EmailPorts
from mysessions_platform.testing.linear_time import repeated_to

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
NESTED = repeated_to("<ul><li>", 100_000)  # about half a second of html5ever, quadratic


@dataclass
class _Task:
    session_id: str = "s-1"
    user_session_id: str = "s-1:1:agent-1"
    service_id: str | None = "support"
    modality: str = "email"
    state: str = "connected"


class _Settings:
    async def get(self, tenant_id: str, service_id: str) -> c.ServiceSettings:
        widgets = c.Widgets(email=True)
        return c.ServiceSettings(
            tenant_id=tenant_id,
            service_id=service_id,
            service_name="Support",
            widgets=widgets,
            version=1,
            updated_at=NOW,
            store_context_enabled_at=None,
        )


class _Mail:
    async def get(self, tenant_id: str, session_id: str) -> c.EmailReceived:
        return c.EmailReceived(
            event_id=uuid4(),
            occurred_at=NOW,
            tenant_id=tenant_id,
            session_id=session_id,
            sender=c.Party(address="mallory@example.com", address_kind="email"),
            subject="hello",
            html_body=NESTED,
            received_at=NOW,
        )


class _Nothing:
    """No draft and no sent reply."""

    async def get(self, *args: object) -> None:
        return None

    async def find(self, *args: object) -> None:
        return None


def _ports() -> EmailPorts:
    nothing: Any = _Nothing()
    return EmailPorts(
        mail=cast(Any, _Mail()),
        drafts=nothing,
        replies=nothing,
        settings=_Settings(),
        publisher=cast(Any, None),
        topic="unused",
        clock=lambda: NOW,
    )


@pytest.mark.serial
async def test_a_deeply_nested_mail_renders_without_holding_the_event_loop() -> None:
    ports = _ports()
    caller = Principal(tenant_id="t", user_id="agent-1", roles=frozenset({"agent"}))
    lags: list[float] = []

    async def other_requests() -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - started - 0.01)

    ticker = asyncio.create_task(other_requests())
    try:
        detail = await email_detail_of(ports, caller, _Task())
    finally:
        ticker.cancel()
    assert detail is not None
    assert detail.html.startswith("<ul><li>")
    assert lags, "the event loop never ran while the mail was rendered"
    assert max(lags) < 0.1, f"the loop was held {max(lags):.2f} s"
