"""The save use case with in-memory ports: the system's conclusion and the outbox order."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import contracts as c
import pytest
from acw.domain import AcwConflict, AcwRefused
from acw.service import AcwPorts, SaveRequest, save_after_call_work
from mysessions_platform.mongo import Document

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def stored_task(**fields: object) -> c.QueueTask:
    base = {
        "tenant_id": "t",
        "session_id": "s-1",
        "service_session_id": "ss-1",
        "user_session_id": "us-1",
        "user_id": "agent-1",
        "service_id": "svc",
        "service_name": "Svc",
        "priority": 0,
        "modality": "voice",
        "direction": "inbound",
        "state": "ended",
        "outcome": "accepted",
        "end_reason": "normal",
        "inferred": False,
        "open": True,
        "caller_display_name": None,
        "caller_address": None,
        "caller_kind": None,
        "started_at": T0,
        "queued_at": None,
        "offered_at": T0,
        "ring_ended_at": T0,
        "accepted_at": T0,
        "ended_at": T0 + timedelta(minutes=5),
        "dialing_at": None,
        "ringing_at": None,
        "answered_at": None,
        "updated_at": T0 + timedelta(minutes=5),
        "subject": None,
        "snippet": None,
        "chat_url": None,
        "rev": 5,
    }
    return c.QueueTask.model_validate({**base, **fields})


class Fakes:
    def __init__(self, task: c.QueueTask) -> None:
        self.stored = task
        self.saves: dict[tuple[str, str], Document] = {}
        self.sent: list[bytes] = []
        self.counted: list[tuple[str, ...]] = []

    async def task(self, tenant_id: str, user_id: str, user_session_id: str) -> c.QueueTask | None:
        t = self.stored
        same = (t.tenant_id, t.user_id, t.user_session_id) == (tenant_id, user_id, user_session_id)
        return t if same else None

    async def tasks_of_session(
        self, tenant_id: str, user_id: str, session_id: str
    ) -> list[c.QueueTask]:
        t = self.stored
        return (
            [t]
            if (t.tenant_id, t.user_id, t.session_id) == (tenant_id, user_id, session_id)
            else []
        )

    async def history(self, tenant_id: str, service_id: str) -> list[c.ServiceSettings]:
        settings = c.ServiceSettings(
            tenant_id=tenant_id,
            service_id=service_id,
            service_name="Svc",
            widgets=c.Widgets(codes_and_tags=True),
            primary_codes=(c.Code(id="sale", label="Sale"),),
            version=1,
            updated_at=T0 - timedelta(days=1),
            store_context_enabled_at=None,
        )
        return [settings]

    async def insert_first(self, document: Document) -> Document | None:
        key = (document["tenant_id"], document["user_session_id"])
        if key in self.saves:
            return self.saves[key]
        self.saves[key] = dict(document)
        return None

    async def mark_published(self, tenant_id: str, user_session_id: str, at: datetime) -> None:
        self.saves[(tenant_id, user_session_id)]["published_at"] = at

    async def mark_tags_counted(self, tenant_id: str, user_session_id: str) -> None:
        self.saves[(tenant_id, user_session_id)]["tags_counted"] = True

    async def unfinished(self, saved_before: datetime, limit: int) -> list[Document]:
        return []

    async def record(
        self, tenant_id: str, service_id: str, user_session_id: str, tags: Sequence[str]
    ) -> None:
        self.counted.append(tuple(tags))

    async def publish_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
        self.sent += [value for _, value in messages]

    def ports(self) -> AcwPorts:
        return AcwPorts(self, self, self, self, self, "acw", clock=lambda: T0 + timedelta(hours=1))


async def test_the_system_concludes_with_system_timeout_where_a_code_is_required() -> None:
    fakes = Fakes(stored_task())
    saved = await save_after_call_work(
        SaveRequest("t", "agent-1", "s-1", "us-1", concluded_by="system"), fakes.ports()
    )
    event = saved.event
    assert (event.primary_code, event.concluded_by, event.saved_by) == (
        c.CodeRef(id="system-timeout", label="System timeout"),
        "system",
        "system",
    )
    assert c.decode_after_call_work(fakes.sent[0]) == event
    assert fakes.saves[("t", "us-1")]["published_at"] == T0 + timedelta(hours=1)


async def test_a_user_save_after_the_systems_names_the_system() -> None:
    fakes = Fakes(stored_task())
    await save_after_call_work(
        SaveRequest("t", "agent-1", "s-1", "us-1", concluded_by="system"), fakes.ports()
    )
    with pytest.raises(AcwConflict, match="already saved by system"):
        await save_after_call_work(
            SaveRequest("t", "agent-1", "s-1", "us-1", primary_code="sale"), fakes.ports()
        )
    assert len(fakes.sent) == 1


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"state": "connected", "outcome": None, "ended_at": None}, "has not ended"),
        ({"outcome": "rona"}, "not open"),
        ({"direction": "outbound", "outcome": "not_accepted"}, "not open"),
        ({"started_at": T0 - timedelta(days=2)}, "not open"),  # before the service had settings
    ],
)
async def test_tasks_not_open_are_refused(fields: dict[str, object], why: str) -> None:
    fakes = Fakes(stored_task(**fields))
    with pytest.raises(AcwRefused, match=why):
        await save_after_call_work(
            SaveRequest("t", "agent-1", "s-1", "us-1", primary_code="sale"), fakes.ports()
        )
    assert fakes.saves == {}


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"primary_code": "x" * 129}, "primary code id must be 1 to 128"),
        ({"user_id": ""}, "user id must be 1 to 128"),
        ({"tags": ("t",) * 101}, "at most 100 tags"),
    ],
)
async def test_oversized_input_is_refused_at_the_edge(fields: dict[str, object], why: str) -> None:
    fakes = Fakes(stored_task())
    request = SaveRequest("t", "agent-1", "s-1", "us-1", primary_code="sale")
    with pytest.raises(AcwRefused, match=why):
        await save_after_call_work(replace(request, **fields), fakes.ports())  # type: ignore[arg-type]
