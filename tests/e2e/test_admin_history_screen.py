"""The admin's historical sessions in Debian's Chromium, on a gateway alone: every
concluded session of the tenant from reporting's records, the stored caller and parameters
where the service kept them and "Not Available" where it did not, a filter, and no serious
or critical axe violation. The screenshot goes to artifacts/screenshots/."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from context_service.adapters.stored_context import StoredContextStore
from context_service.domain.live_context import Parameter
from contracts import SessionRecord
from gateway_service.testing import RunningGateway
from playwright.async_api import BrowserContext, expect
from reporting_service.adapters.records_store import RECORDS, to_document

from .browser import axe_violations, screenshot
from .test_owner_screens import open_screen, stored


def record(tenant_id: str, session_id: str, hours_ago: float, **fields: Any) -> SessionRecord:
    ended = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours_ago)
    started = ended - timedelta(minutes=4)
    base: dict[str, Any] = {
        "record_id": f"r-{tenant_id}-{session_id}",
        "record_type": "service_session",
        "tenant_id": tenant_id,
        "session_id": session_id,
        "service_session_id": f"{session_id}-q1",
        "user_session_id": None,
        "service_id": "sales",
        "service_name": "Sales",
        "user_id": "ada",
        "modality": "voice",
        "direction": "inbound",
        "outcome_id": "accepted",
        "outcome_name": "Accepted",
        "outcome_group": "handled by user",
        "end_reason": "normal",
        "inferred": False,
        "offers": 1,
        "started_at": started,
        "queued_at": started,
        "offered_at": started,
        "answered_at": started,
        "ended_at": ended,
        "acw_started_at": None,
        "acw_ended_at": None,
        "queue_s": 12.0,
        "ring_s": 4.0,
        "talk_s": 200.0,
        "hold_s": None,
        "acw_s": 30.0,
        "handle_s": 230.0,
        "previous_service_session_id": None,
        "next_service_session_id": None,
        "transfer_target_kind": None,
        "primary_code_id": "sale",
        "primary_code_label": "Sale",
        "secondary_code_id": None,
        "secondary_code_label": None,
        "tags": ("vip",),
        "concluded_by": "user",
        "acw_saved_by": "ada",
        "written_at": ended,
    }
    return SessionRecord.model_validate({**base, **fields})


pytestmark = pytest.mark.e2e


async def test_the_admin_sees_every_concluded_session(
    gateway: RunningGateway, browser: BrowserContext, axe: str
) -> None:
    records = [
        record("acme", "s-1", 1),
        record(
            "acme",
            "s-2",
            2,
            service_id="support",
            service_name="Support",
            user_id="bob",
            outcome_id="abandoned",
            outcome_name="Abandoned",
            talk_s=None,
            handle_s=None,
            primary_code_id=None,
            primary_code_label=None,
            tags=(),
        ),
        record("other", "s-theirs", 1),
    ]
    await gateway.resources.database[RECORDS].insert_many([to_document(r) for r in records])
    kept = stored("s-1", "sales")
    order = {"order": Parameter("A-17", "sales", "s-1-q1")}
    await StoredContextStore(gateway.resources.database).insert([replace(kept, parameters=order)])
    token = gateway.token("acme", "boss", ("tenant_admin",))
    page, errors = await open_screen(browser, gateway, "/admin", token)

    history = page.locator("#history-rows")
    first = history.get_by_role("row", name="s-1")
    await expect(first).to_contain_text("Accepted")
    await expect(first).to_contain_text("John Doe (+41446681800)")
    await expect(first).to_contain_text("order: A-17")
    await expect(first).to_contain_text("Sale, vip")
    second = history.get_by_role("row", name="s-2")
    await expect(second).to_contain_text("Abandoned")
    await expect(second).to_contain_text("Not Available")
    await expect(history.get_by_role("row")).to_have_count(2)  # never another tenant's
    await screenshot(page, "admin-historical-sessions")
    violations = await axe_violations(page, axe)
    assert [(v["id"], v["impact"]) for v in violations] == []

    await page.get_by_label("Agent", exact=True).fill("bob")
    await page.get_by_role("button", name="Filter").press("Enter")
    await expect(history.get_by_role("row")).to_have_count(1)
    await expect(history.get_by_role("row", name="s-2")).to_be_visible()
    assert errors == []
