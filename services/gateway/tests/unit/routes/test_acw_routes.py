"""After-call work through the route, in process: saved exactly once (one event, the second
save 409 with who and when), refusals save and publish nothing, the documented maxima are
enforced at the edge, and only the caller's own task can be saved or suggested for."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from acw.domain import MAX_TAG_CHARS
from acw.service import MAX_ID_CHARS, MAX_TAGS_GIVEN

from .builders import a_day_ago, sales_spec, stored_task
from .in_process import ACW_TOPIC, InProcessGateway, in_process_gateway

pytestmark = pytest.mark.unit

SAVE = "/api/v1/tasks/{}/acw"


@pytest.fixture
async def gateway() -> AsyncIterator[InProcessGateway]:
    """Alice (acme) has an ended call due for after-call work (u2) and a live one (u1);
    Mallory has m1; the sales service takes code ``sale`` in acme only."""
    async with in_process_gateway() as running:
        fakes = running.fakes
        fakes.queue.add(stored_task("acme", "alice", "u1", state="connected"))
        fakes.queue.add(stored_task("acme", "alice", "u2"))
        fakes.queue.add(stored_task("acme", "mallory", "m1"))
        fakes.queue.add(stored_task("other", "alice", "u2"))
        await fakes.settings.apply(sales_spec("acme"), a_day_ago())
        await fakes.settings.apply(sales_spec("other"), a_day_ago())
        yield running


def nothing_saved(gateway: InProcessGateway) -> None:
    assert gateway.fakes.saves.documents == {}
    assert gateway.fakes.published.sent == []


async def test_saved_exactly_once_then_409_with_who_and_when(gateway: InProcessGateway) -> None:
    body = {"primary_code": "sale", "tags": ["Upsell", " upsell ", "Renewal"]}
    async with gateway.client("acme", "alice") as alice:
        first = await alice.post(SAVE.format("u2"), json=body)
        second = await alice.post(SAVE.format("u2"), json={"primary_code": "sale"})
        detail = (await alice.get("/api/v1/tasks/u2")).json()
    assert first.status_code == 201, first.text
    saved = first.json()
    assert saved["primary_code"] == {"id": "sale", "label": "Sale"}
    assert saved["tags"] == ["Upsell", "Renewal"]
    assert (saved["saved_by"], saved["published"]) == ("alice", True)
    assert second.status_code == 409
    assert second.json()["saved_by"] == "alice"
    assert second.json()["saved_at"] == saved["saved_at"]
    assert [topic for topic, _, _ in gateway.fakes.published.sent] == [ACW_TOPIC]
    assert list(gateway.fakes.saves.documents) == [("acme", "u2")]
    assert detail["acw"]["open"] is False
    assert detail["acw"]["saved"]["tags"] == ["Upsell", "Renewal"]


@pytest.mark.parametrize(
    ("task", "body", "says"),
    [
        ("u2", {"primary_code": "not-a-code"}, "code"),
        ("u2", {"secondary_code": "sale"}, "code"),
        ("u2", {"primary_code": "sale", "tags": [f"t{n}" for n in range(21)]}, "at most 20"),
        ("u2", {"tags": ["Upsell"]}, "a primary code is required"),
        ("u1", {"primary_code": "sale"}, "ended"),
    ],
)
async def test_a_refused_save_is_422_and_saves_nothing(
    gateway: InProcessGateway, task: str, body: dict[str, Any], says: str
) -> None:
    async with gateway.client("acme", "alice") as alice:
        answer = await alice.post(SAVE.format(task), json=body)
    assert answer.status_code == 422, answer.text
    assert says in answer.json()["detail"]
    nothing_saved(gateway)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"primary_code": "x" * (MAX_ID_CHARS + 1)}, "primary_code"),
        ({"secondary_code": "x" * (MAX_ID_CHARS + 1)}, "secondary_code"),
        ({"tags": ["x" * (MAX_TAG_CHARS + 1)]}, "tags"),
        ({"tags": ["t"] * (MAX_TAGS_GIVEN + 1)}, "tags"),
        ({"primary_code": ""}, "primary_code"),
        ({"tags": "Upsell"}, "tags"),
    ],
)
async def test_oversized_or_malformed_input_is_422_at_the_edge(
    gateway: InProcessGateway, body: dict[str, Any], field: str
) -> None:
    async with gateway.client("acme", "alice") as alice:
        answer = await alice.post(SAVE.format("u2"), json=body)
    assert answer.status_code == 422, answer.text
    assert [item["loc"][:2] for item in answer.json()["detail"]] == [["body", field]]
    nothing_saved(gateway)


async def test_the_documented_maxima_are_accepted(gateway: InProcessGateway) -> None:
    gateway.fakes.queue.add(stored_task("acme", "alice", "u9"))
    body = {"primary_code": "sale", "tags": ["x" * MAX_TAG_CHARS] * MAX_TAGS_GIVEN}
    async with gateway.client("acme", "alice") as alice:
        answer = await alice.post(SAVE.format("u9"), json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["tags"] == ["x" * MAX_TAG_CHARS]


async def test_nobody_else_saves_the_callers_task(gateway: InProcessGateway) -> None:
    """Mallory (same tenant) and the other tenant's alice ask for u2: Mallory has no u2,
    and the other alice's u2 is her own (saved in her tenant, not acme's)."""
    async with gateway.client("acme", "mallory") as mallory:
        answer = await mallory.post(SAVE.format("u2"), json={"primary_code": "sale"})
    assert (answer.status_code, answer.json()) == (404, {"detail": "no such task"})
    nothing_saved(gateway)
    async with gateway.client("other", "alice") as other_alice:
        theirs = await other_alice.post(SAVE.format("u2"), json={"primary_code": "sale"})
    assert theirs.status_code == 201
    assert list(gateway.fakes.saves.documents) == [("other", "u2")]
    async with gateway.client("acme", "alice") as alice:
        mine = await alice.post(SAVE.format("u2"), json={"primary_code": "sale"})
    assert mine.status_code == 201, "the other tenant's save is not acme's"


async def test_suggestions_are_the_callers_tenants_tags_only(gateway: InProcessGateway) -> None:
    await gateway.fakes.tags.record("acme", "sales", "old-1", ["Upsell", "Unhappy"])
    await gateway.fakes.tags.record("acme", "sales", "old-2", ["Upsell"])
    await gateway.fakes.tags.record("other", "sales", "old-3", ["Undisclosed"])
    async with gateway.client("acme", "alice") as alice:
        answer = await alice.get("/api/v1/tasks/u2/tags", params={"prefix": "u"})
        too_long = await alice.get("/api/v1/tasks/u2/tags", params={"prefix": "x" * 65})
    assert answer.json() == {
        "suggestions": [{"tag": "Upsell", "count": 2}, {"tag": "Unhappy", "count": 1}]
    }
    assert too_long.status_code == 422
