"""The product documentation's transfer example on the page (issue 17): a caller from the
tenant's user directory goes from service A (stores context) to B (stores nothing) to C
(stores context), one agent answering in each; the events go through the real queue and
context workers. Then, as the documentation's table shows it:

- A: John Doe, German, #1111 (all set in A);
- B: John Doe (footnote (1)), and "Not Available" for everything it would have stored;
- C: John Doe and German (from Service A), Male and #3151 (from Service B), each value
  naming the service that set it;

"John Doe" comes from the directory every time it is shown (footnote (1): the records keep
only the address and ``source: directory``; B's ended task, of the tenant's own user,
keeps only the UPN), in the detail panels, the history rows and the admin's historical
sessions (there A and C only: reporting's records keep no caller, and B stored none). And
the concluded session's embedded context (issue 17, item 6) is the service's template
configured NOW with the data its service stored THEN, "Not Available" where it stored
nothing, framed under the page's unchanged policy.

Screenshots in artifacts/screenshots/, axe-core clean on each screen.
"""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

import contracts as c
import httpx
import pytest
from context_service.adapters.directory import MongoDirectory
from context_service.adapters.stored_context import StoredContextStore
from context_service.transfer_example import events
from integration.scenario import AGENT, TENANT
from mysessions_platform.service_settings.store import ServiceSettingsStore
from mysessions_platform.testing.kafka_reading import wait_for
from playwright.async_api import BrowserContext, Locator, Page, expect
from queue_service.read import QueueTaskReader
from reporting_service.adapters.records_store import RECORDS, to_document

from .browser import axe_violations, screenshot
from .test_owner_screens import open_screen
from .world import World

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SESSION = "s-transfer"
UPN = "john.doe@tenant-q.example"
SERVICES = {
    "svc-a": ("Service A", True),
    "svc-b": ("Service B", False),
    "svc-c": ("Service C", True),
}
PARAMETERS = ("Customer Name", "Spoken Language", "Gender", "Ticket ID")
THEN_URL = "https://context.example.com/then?s={system.session_id}"
NOW_URL = (
    "https://context.example.com/now/{system.session_id}"
    "?ticket={param.Ticket ID}&who={caller.display_name}"
)
FRAMED = "The CRM's page for this call"
NAMESPACE = UUID("5d1e7a8c-3b9f-4c2a-8e10-00000000e2e7")


@pytest.fixture
def context_worker() -> bool:
    """The caller's resolution and the stored records are the context worker's."""
    return True


def task_of(service: str) -> str:
    return f"{SESSION}-{service}-{AGENT}"


def spec(service: str, embedded_url: str) -> c.ServiceSettingsSpec:
    name, stores = SERVICES[service]
    return c.ServiceSettingsSpec(
        tenant_id=TENANT,
        service_id=service,
        service_name=name,
        store_context=stores,
        widgets=c.Widgets(caller_information=True, session_details=True, embedded_context=True),
        embedded_context_url=embedded_url,
        session_details_fields=c.SessionDetailsFields(system=(), parameters=PARAMETERS),
    )


def example(t0: datetime) -> list[c.SessionEvent]:
    """The documentation's events (``context_service.transfer_example``), the caller a UPN
    of the tenant's directory, and the agent answering in each service before the transfer."""
    stream = events(TENANT, SESSION, t0)
    start = stream[0]
    assert isinstance(start, c.SessionStarted)
    stream[0] = start.model_copy(update={"caller": c.Party(address=UPN, address_kind="upn")})
    answers: list[c.SessionEvent] = []
    for n, (service, minute) in enumerate((("svc-a", 0.5), ("svc-b", 2.5), ("svc-c", 5.5))):
        common: dict[str, Any] = {
            "tenant_id": TENANT,
            "session_id": SESSION,
            "service_session_id": f"{SESSION}-{service}",
            "user_session_id": task_of(service),
            "user_id": AGENT,
        }
        at = t0 + timedelta(minutes=minute)
        answers += [
            c.TaskOffered(**common, event_id=_id(n, 0), occurred_at=at, service_id=service),
            c.TaskAccepted(**common, event_id=_id(n, 1), occurred_at=at + timedelta(seconds=5)),
        ]
    return stream[:-1] + answers + stream[-1:]


def _id(n: int, step: int) -> UUID:
    return uuid5(NAMESPACE, f"{SESSION}/{n}/{step}")


async def concluded(world: World) -> None:
    """The directory's John Doe, the three services' settings (switched on a day before),
    the example's events; waits until the records of A and C are shown in the history."""
    directory = MongoDirectory(world.database)
    await directory.ensure_indexes()
    await directory.collection.insert_one(
        {"tenant_id": TENANT, "upn": UPN, "display_name": "John Doe", "company": "Tenant Q"}
    )
    store = ServiceSettingsStore(world.database)
    for service in SERVICES:
        await store.apply(spec(service, THEN_URL), datetime.now(UTC) - timedelta(days=1))
    await world.sessions.send_all(example(datetime.now(UTC) - timedelta(minutes=15)))

    async def stored_and_shown() -> bool:
        answer = await client.get("/api/v1/tasks?limit=100", headers=world.headers())
        rows = {i["user_session_id"]: i for i in answer.json()["items"]}
        return all(
            rows.get(task_of(s), {}).get("caller", {}).get("display_name") == "John Doe"
            for s in ("svc-a", "svc-c")
        )

    async with httpx.AsyncClient(base_url=world.gateway.base_url) as client:
        await wait_for(stored_and_shown, timeout_s=60, what="the stored records in the history")


async def open_task(page: Page, service: str) -> Locator:
    await page.locator(f'li.task[data-id="{task_of(service)}"] button').click()
    detail = page.locator("#detail")
    await expect(detail.locator(".result-label")).to_be_visible()
    return detail


async def shows_details(detail: Locator, expected: list[tuple[str, str]]) -> None:
    """The Session details widget shows exactly these (name, value) pairs, waiting for the
    panel of the task just opened (the previous one's caller may read the same: John Doe)."""
    box = detail.locator(".widget", has_text="Session details")
    if not expected:
        await expect(box.locator("dt")).to_have_count(0)
        await expect(box.locator("dd")).to_have_count(0)
        return
    await expect(box.locator("dt")).to_have_text([name for name, _ in expected])
    await expect(box.locator("dd")).to_have_text([value for _, value in expected])


async def no_violations(page: Page, axe: str) -> None:
    violations = await axe_violations(page, axe)
    assert [(v["id"], v["impact"]) for v in violations] == []


async def test_the_documentations_transfer_example_with_a_directory_caller(
    browser: BrowserContext, world: World, axe: str
) -> None:
    await concluded(world)
    page = await world.open_page(browser)

    # The history rows: John Doe in every service, from the directory; in B, which stored
    # nothing, from the UPN its ended task kept.
    rows = {s: page.locator(f'li.task[data-id="{task_of(s)}"] .caller') for s in SERVICES}
    await expect(rows["svc-a"]).to_have_text("John Doe")
    await expect(rows["svc-b"]).to_have_text("John Doe")
    await expect(rows["svc-c"]).to_have_text("John Doe")

    detail = await open_task(page, "svc-a")
    await shows_details(
        detail,
        [("Customer Name", "John Doe"), ("Spoken Language", "German"), ("Ticket ID", "#1111")],
    )
    await expect(detail.locator(".caller-name")).to_have_text("John Doe")
    await expect(detail.locator(".caller-address")).to_have_text(UPN)
    await screenshot(page, "transfer-example-service-a")
    await no_violations(page, axe)

    detail = await open_task(page, "svc-b")
    await expect(detail.locator(".widget", has_text="Session details")).to_contain_text(
        "Not Available"
    )
    await shows_details(detail, [])
    await expect(detail.locator(".caller-name")).to_have_text("John Doe")
    await expect(detail.locator(".caller-address")).to_have_text(UPN)
    await screenshot(page, "transfer-example-service-b")
    await no_violations(page, axe)

    detail = await open_task(page, "svc-c")
    await shows_details(
        detail,
        [
            ("Customer Name", "John Doe (from Service A)"),
            ("Spoken Language", "German (from Service A)"),
            ("Gender", "Male (from Service B)"),
            ("Ticket ID", "#3151 (from Service B)"),
        ],
    )
    await expect(detail.locator(".caller-name")).to_have_text("John Doe")
    await screenshot(page, "transfer-example-service-c")
    await no_violations(page, axe)

    # Shown, never stored: the records keep the directory caller's address only, and so
    # do the queue's ended tasks (Redis), the name nowhere.
    records = await StoredContextStore(world.database).for_session(
        TENANT, SESSION, datetime.now(UTC)
    )
    assert sorted(r.service_id for r in records) == ["svc-a", "svc-c"]
    assert {(r.caller.address, r.caller.display_name) for r in records if r.caller} == {(UPN, None)}
    reader = QueueTaskReader(world.gateway.resources.redis, world.pipeline.prefix)
    ended = await reader.tasks_of_session(TENANT, AGENT, SESSION)
    assert len(ended) == 3
    assert {(t.caller_address, t.caller_kind, t.caller_display_name) for t in ended} == {
        (UPN, "upn", None)
    }

    # The admin's historical sessions: reporting's records of the three service sessions
    # (the reporting worker does not run here), joined with what A and C stored.
    await world.database[RECORDS].insert_many(
        [to_document(reported(s, n)) for n, s in enumerate(SERVICES)]
    )
    token = world.gateway.token(TENANT, "boss", ("tenant_admin",))
    admin, errors = await open_screen(browser, world.gateway, "/admin", token)
    history = admin.locator("#history-rows")
    await expect(history.get_by_role("row")).to_have_count(3)
    a, b, c_ = (history.get_by_role("row").filter(has_text=f"Service {x}") for x in "ABC")
    await expect(a).to_contain_text(f"John Doe ({UPN})")
    await expect(a).to_contain_text(
        "Customer Name: John Doe, Spoken Language: German, Ticket ID: #1111"
    )
    await expect(b).to_contain_text("Not Available")
    await expect(b).not_to_contain_text("John Doe")
    await expect(c_).to_contain_text(f"John Doe ({UPN})")
    await expect(c_).to_contain_text(
        "Customer Name: John Doe, Spoken Language: German, Ticket ID: #3151, Gender: Male"
    )
    # The stored context records: A's and C's, John Doe again from the directory.
    kept = admin.locator("#rows").get_by_role("row")
    await expect(kept).to_have_count(2)
    for row in await kept.all():
        await expect(row).to_contain_text(f"John Doe ({UPN})")
    await screenshot(admin, "transfer-example-admin-history")
    await no_violations(admin, axe)
    assert errors == []


async def test_a_concluded_sessions_embedded_context_is_todays_template_with_stored_data(
    browser: BrowserContext, world: World, axe: str
) -> None:
    await concluded(world)
    # The owners changed the template after the session ended: history follows it.
    store = ServiceSettingsStore(world.database)
    for service in SERVICES:
        await store.apply(spec(service, NOW_URL), datetime.now(UTC))
    framed: list[str] = []

    async def context_page(route: Any) -> None:
        framed.append(route.request.url)
        await route.fulfill(body=f"<p>{FRAMED}</p>", content_type="text/html", status=200)

    await browser.route("https://context.example.com/**", context_page)
    page = await world.open_page(browser)

    for service, ticket in (("svc-a", "%231111"), ("svc-c", "%233151")):
        detail = await open_task(page, service)
        frame = detail.locator("iframe.embedded")
        url = f"https://context.example.com/now/{SESSION}?ticket={ticket}&who=John%20Doe"
        await expect(frame).to_have_attribute("src", url)
        await expect(frame).to_have_attribute(
            "sandbox", "allow-scripts allow-forms allow-popups allow-same-origin"
        )
        await expect(detail.frame_locator("iframe.embedded").locator("p")).to_have_text(FRAMED)
        await screenshot(page, f"concluded-embedded-context-{service}")
        await no_violations(page, axe)
    assert framed, "the configured page was loaded"
    assert all("/now/" in url for url in framed), "never the template of then"

    # B stored nothing: no page, said as the other widgets say it.
    detail = await open_task(page, "svc-b")
    embedded = detail.locator(".embedded-widget")
    await expect(embedded).to_contain_text("Not Available")
    await expect(detail.locator("iframe.embedded")).to_have_count(0)
    await screenshot(page, "concluded-embedded-context-not-stored")
    await no_violations(page, axe)

    # The page's policy is the same: frames from https only, the page itself never framed.
    async with httpx.AsyncClient(base_url=world.gateway.base_url) as client:
        headers = (await client.get("/")).headers
    policy = headers["content-security-policy"]
    assert "frame-src https:;" in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["x-frame-options"] == "DENY"


def reported(service: str, n: int) -> c.SessionRecord:
    """Reporting's record of the example's service session in ``service`` (what the
    admin's list is made of), as the reporting worker writes it."""
    ended = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10 - 3 * n)
    started = ended - timedelta(minutes=2)
    name, _ = SERVICES[service]
    return c.SessionRecord.model_validate(
        {
            "record_id": f"r-{SESSION}-{service}",
            "record_type": "service_session",
            "tenant_id": TENANT,
            "session_id": SESSION,
            "service_session_id": f"{SESSION}-{service}",
            "user_session_id": task_of(service),
            "service_id": service,
            "service_name": name,
            "user_id": AGENT,
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
            "queue_s": 30.0,
            "ring_s": 5.0,
            "talk_s": 85.0,
            "hold_s": None,
            "acw_s": None,
            "handle_s": 85.0,
            "previous_service_session_id": None,
            "next_service_session_id": None,
            "transfer_target_kind": "service" if service != "svc-c" else None,
            "primary_code_id": None,
            "primary_code_label": None,
            "secondary_code_id": None,
            "secondary_code_label": None,
            "tags": (),
            "concluded_by": "user",
            "acw_saved_by": None,
            "written_at": ended,
        }
    )
