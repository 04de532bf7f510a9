"""The live stream's task events carry a returning caller's count of earlier notes, as the
list does (``StoredCallerViews``): a new call reaches the page on the stream, not in a list.
MongoDB away: the event goes out without the count (never held up); ended views ask
nothing."""

import json
from collections.abc import Mapping
from datetime import UTC, datetime

import pytest
from context_service.read import StoredContext
from gateway_service.live.stored_callers import StoredCallerViews
from pymongo.errors import ServerSelectionTimeoutError

from .builders import stored_task
from .fakes import FakeContext, FakeSaves, rendered
from .test_returning_caller_routes import record, save

pytestmark = pytest.mark.unit


def view_json(user_session_id: str, **fields: object) -> str:
    task = stored_task("acme", "alice", user_session_id, **fields)
    return rendered(task, datetime.now(UTC)).model_dump_json()


def stores() -> tuple[FakeContext, FakeSaves]:
    context, saves = FakeContext(), FakeSaves()
    context.records.append(record("acme", "e1", 2))
    document = save("acme", "e1")
    saves.documents[("acme", document["user_session_id"])] = document
    return context, saves


async def composed(views: StoredCallerViews, raw: str) -> dict[str, object]:
    answer: dict[str, object] = json.loads(await views.compose(raw, json.loads(raw)))
    return answer


async def test_a_live_view_on_the_stream_counts_the_earlier_notes() -> None:
    context, saves = stores()
    live = await composed(
        StoredCallerViews(context, "acme", saves), view_json("u1", state="connected")
    )
    assert live["caller"] == {
        "display_name": "Live Caller",
        "address": "+41440000000",
        "earlier_notes": 1,
    }
    other = await composed(
        StoredCallerViews(context, "other", saves), view_json("u1", state="connected")
    )
    assert "earlier_notes" not in other["caller"]  # type: ignore[operator]


async def test_mongo_away_sends_the_view_without_the_count_and_ended_views_ask_nothing() -> None:
    context, saves = stores()

    async def away(
        tenant_id: str, callers: Mapping[str, str | None], now: object
    ) -> Mapping[str, list[StoredContext]]:
        raise ServerSelectionTimeoutError("no server")

    context.earlier_sessions = away  # type: ignore[method-assign]
    raw = view_json("u1", state="connected")
    assert await StoredCallerViews(context, "acme", saves).compose(raw, json.loads(raw)) == raw

    context, saves = stores()
    ended = view_json("u2")
    await StoredCallerViews(context, "acme", saves).compose(ended, json.loads(ended))
    assert context.earlier_reads == 0
