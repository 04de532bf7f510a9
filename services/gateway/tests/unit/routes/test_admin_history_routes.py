"""The tenant admin's historical sessions, in process over fakes: every concluded session of
the token's tenant from reporting's records, its stored context joined where the service
kept one (else null: "Not Available"), filtered, paged by this list's own cursor, one
stored-context read a page; the CSV export holds the current filter with formula-safe
cells."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from context_service.domain import Caller
from context_service.domain.live_context import Parameter
from gateway_service.api import admin_history

from .builders import service_record
from .in_process import InProcessGateway
from .test_admin_routes import record

pytestmark = pytest.mark.unit

HISTORY = "/api/v1/admin/history"
EXPORT = "/api/v1/admin/history.csv"


def admin(gateway: InProcessGateway, tenant_id: str = "acme") -> httpx.AsyncClient:
    return gateway.client(tenant_id, "boss", ("tenant_admin",))


def ids(page: dict[str, Any]) -> list[str]:
    return [item["session_id"] for item in page["items"]]


async def test_only_tenant_admins(gateway: InProcessGateway) -> None:
    async with gateway.client("acme", "ada", ("agent", "service_owner")) as agent:
        assert (await agent.get(HISTORY)).status_code == 403
        assert (await agent.get(EXPORT)).status_code == 403


async def test_the_tokens_tenants_sessions_newest_first_with_stored_context_or_none(
    gateway: InProcessGateway,
) -> None:
    gateway.fakes.history.records += [
        service_record("acme", "s-old", 30),
        service_record("acme", "s-new", 1, service_id="support", service_name="Support"),
        service_record("other", "s-theirs", 2),
    ]
    parameters = {"order": Parameter("A-17", "sales", "ss-s-old")}
    gateway.fakes.context.records += [
        record("acme", "s-old", 29, parameters=parameters),
        record("other", "s-new", 1, service_id="support"),  # same ids, another tenant's
    ]
    async with admin(gateway) as boss:
        first = (await boss.get(HISTORY, params={"limit": 1})).json()
        rest = (await boss.get(HISTORY, params={"cursor": first["next_cursor"]})).json()
    assert ids(first) == ["s-new"]
    newest = first["items"][0]
    assert newest["service_name"] == "Support"
    assert newest["user_id"] == "ada"
    assert newest["outcome_name"] == "Accepted"
    assert newest["talk_s"] == 280.0
    assert (newest["primary_code"], newest["tags"]) == ("Sale", ["vip"])
    assert newest["context"] is None  # another tenant stored one for the same ids
    assert ids(rest) == ["s-old"]
    assert rest["next_cursor"] is None
    stored = rest["items"][0]["context"]
    assert stored["caller_name"] == "Ann"
    assert stored["caller_address"] == "+41440000001"
    assert stored["parameters"] == {"order": "A-17"}
    expires = datetime.fromisoformat(stored["expires_at"])
    assert expires - datetime.fromisoformat(stored["stored_at"]) == timedelta(days=30)
    # one stored-context read a page, never one a row
    assert len(gateway.fakes.context.stored_of_calls) == 2
    async with admin(gateway, "other") as theirs:
        assert ids((await theirs.get(HISTORY)).json()) == ["s-theirs"]


async def test_expired_context_is_not_available(gateway: InProcessGateway) -> None:
    gateway.fakes.history.records.append(service_record("acme", "s-1", 60 * 24 * 31))
    gone = datetime.now(UTC) - timedelta(days=1)
    gateway.fakes.context.records.append(record("acme", "s-1", 60 * 24 * 31, expires_at=gone))
    async with admin(gateway) as boss:
        page = (await boss.get(HISTORY)).json()
    assert ids(page) == ["s-1"]
    assert page["items"][0]["context"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"service_id": "support"}, ["s-support"]),
        ({"user_id": "bob"}, ["s-bob"]),
        ({"outcome": "abandoned"}, ["s-abandoned"]),
        ({"q": "ss-s-bob"}, ["s-bob"]),
        ({"q": "s-support"}, ["s-support"]),
        ({"ended_from": "2026-01-01T00:00:00+00:00"}, ["s-support", "s-bob", "s-abandoned"]),
    ],
)
async def test_filters(
    gateway: InProcessGateway, params: dict[str, str], expected: list[str]
) -> None:
    gateway.fakes.history.records += [
        service_record("acme", "s-support", 1, service_id="support"),
        service_record("acme", "s-bob", 2, user_id="bob"),
        service_record("acme", "s-abandoned", 3, outcome_id="abandoned", outcome_name="Abandoned"),
        service_record("acme", "s-ancient", 0, ended_at=datetime(2025, 1, 1, tzinfo=UTC)),
    ]
    async with admin(gateway) as boss:
        answer = await boss.get(HISTORY, params=params)
    assert answer.status_code == 200, answer.text
    assert ids(answer.json()) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-ours"},
        {"cursor": "x" * 513},
        {"limit": 0},
        {"limit": 201},
        {"ended_from": "2026-01-01T00:00:00"},  # naive: which zone?
        {"q": "has spaces"},
    ],
)
async def test_bad_parameters_are_422(gateway: InProcessGateway, params: dict[str, Any]) -> None:
    async with admin(gateway) as boss:
        answer = await boss.get(HISTORY, params=params)
    assert answer.status_code == 422, answer.text
    assert [item["loc"][0] for item in answer.json()["detail"]] == ["query"]


async def test_a_stored_context_cursor_is_not_a_history_cursor(gateway: InProcessGateway) -> None:
    gateway.fakes.context.records += [record("acme", "a", 1), record("acme", "b", 2)]
    async with admin(gateway) as boss:
        stored = (await boss.get("/api/v1/admin/stored-sessions", params={"limit": 1})).json()
        answer = await boss.get(HISTORY, params={"cursor": stored["next_cursor"]})
    assert answer.status_code == 422


async def test_the_csv_holds_the_filter_with_formula_safe_cells(gateway: InProcessGateway) -> None:
    evil = Caller(address="+41440000002", address_kind="pstn", display_name="=HYPERLINK(1)")
    gateway.fakes.history.records += [
        service_record("acme", "s-1", 1, tags=("@risk", "-5")),
        service_record("acme", "s-2", 2),
        service_record("acme", "s-3", 3, service_id="support"),
        service_record("other", "s-4", 1),
    ]
    gateway.fakes.context.records.append(record("acme", "s-1", 1, caller=evil))
    async with admin(gateway) as boss:
        answer = await boss.get(EXPORT, params={"service_id": "sales"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [row["session_id"] for row in rows] == ["s-1", "s-2"]
    assert rows[0]["caller"] == "'=HYPERLINK(1)"
    assert rows[0]["caller_address"] == "'+41440000002"
    assert rows[0]["tags"] == "'@risk; -5"
    assert rows[1]["caller"] == "Not Available"
    assert rows[1]["context_expires_at"] == "Not Available"


async def test_the_csv_is_capped_and_read_a_page_at_a_time(
    gateway: InProcessGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(admin_history, "EXPORT_ROW_CAP", 5)
    monkeypatch.setattr(admin_history, "MAX_HISTORY_PAGE", 2)
    gateway.fakes.history.records += [service_record("acme", f"s-{n}", n) for n in range(7)]
    async with admin(gateway) as boss:
        answer = await boss.get(EXPORT)
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [row["session_id"] for row in rows] == [f"s-{n}" for n in range(5)]  # newest first
    assert len(gateway.fakes.context.stored_of_calls) == 3  # pages of 2, 2 and 1
