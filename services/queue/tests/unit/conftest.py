"""Builders for the queue domain's unit tests, handed out as fixtures.

Under ``--import-mode=importlib`` a test module cannot import a sibling helper module, so
the builders live here. ``script`` writes one session's facts the way upstream would, with
readable clock times ("10:00:20") on a fixed day; ``make_task`` builds a Task directly for
the tests of ordering and retention.
"""

import itertools
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol

import pytest
from queue_service.domain import Fact, FactKind, Task, fold

DAY = "2026-11-21"


def at(clock: str) -> datetime:
    """``"10:00:20"`` or ``"10:00:20.250"`` on the test day, in UTC."""
    return datetime.fromisoformat(f"{DAY}T{clock}").replace(tzinfo=UTC)


class Script:
    """One session's facts, written in call-flow order; tasks remember their service
    session and agent so later events only name the task."""

    def __init__(self, tenant_id: str = "tenant-1", session_id: str = "session-1") -> None:
        self.tenant_id = tenant_id
        self.session_id = session_id
        self.facts: list[Fact] = []
        self._numbers = itertools.count(1)
        self._tasks: dict[str, dict[str, Any]] = {}

    def add(self, kind: FactKind, clock: str, **fields: Any) -> Fact:
        fact = Fact(
            event_id=f"{self.session_id}-event-{next(self._numbers):03d}",
            kind=kind,
            at=at(clock),
            tenant_id=self.tenant_id,
            session_id=self.session_id,
            **fields,
        )
        self.facts.append(fact)
        return fact

    # session-wide

    def started(
        self,
        clock: str = "10:00:00",
        *,
        direction: str = "inbound",
        modality: str = "voice",
        service: str = "svc-a",
        caller: tuple[str | None, str, str] = ("Jane Doe", "+4930123456", "pstn"),
    ) -> Fact:
        name, address, kind = caller
        return self.add(
            FactKind.SESSION_STARTED,
            clock,
            direction=direction,
            modality=modality,
            service_id=service,
            service_name=service.upper(),
            party_display_name=name,
            party_address=address,
            party_kind=kind,
        )

    def queued(
        self, clock: str, ss: str = "ss-1", *, service: str = "svc-a", priority: int = 0
    ) -> Fact:
        return self.add(
            FactKind.SESSION_QUEUED,
            clock,
            service_session_id=ss,
            service_id=service,
            service_name=service.upper(),
            priority=priority,
        )

    def abandoned(self, clock: str, ss: str = "ss-1") -> Fact:
        return self.add(FactKind.SESSION_ABANDONED, clock, service_session_id=ss)

    def transferred(
        self, clock: str, ss: str, *, to_service: str | None = None, to_user: str | None = None
    ) -> Fact:
        return self.add(
            FactKind.SESSION_TRANSFERRED,
            clock,
            service_session_id=ss,
            transfer_kind="user" if to_user else "service",
            transfer_service_id=to_service,
            transfer_service_name=to_service.upper() if to_service else None,
            transfer_user_id=to_user,
        )

    def ended(self, clock: str, *, by: str = "caller", reason: str = "normal") -> Fact:
        return self.add(FactKind.SESSION_ENDED, clock, ended_by=by, reason=reason)

    def expired(self, clock: str, *, idle_since: str) -> Fact:
        return self.add(FactKind.SESSION_EXPIRED, clock, idle_since=at(idle_since))

    def email(self, clock: str, subject: str = "Invoice 42", snippet: str = "Hello,") -> Fact:
        return self.add(
            FactKind.EMAIL_RECEIVED,
            clock,
            subject=subject,
            snippet=snippet,
            party_address="jane@example.com",
            party_kind="email",
        )

    def chat(self, clock: str, url: str = "https://chat.example.com/c/1") -> Fact:
        return self.add(
            FactKind.CHAT_RECEIVED,
            clock,
            chat_url=url,
            party_address="visitor@example.com",
            party_kind="email",
            party_display_name="Visitor",
        )

    # one task

    def offered(
        self,
        clock: str,
        us: str,
        *,
        user: str = "agent-1",
        ss: str = "ss-1",
        service: str = "svc-a",
    ) -> Fact:
        self._tasks[us] = {"service_session_id": ss, "user_id": user}
        return self.add(
            FactKind.TASK_OFFERED, clock, user_session_id=us, service_id=service, **self._tasks[us]
        )

    def task(self, kind: FactKind, clock: str, us: str) -> Fact:
        """accepted, declined, rona, cancelled or rescinded of a task offered earlier."""
        return self.add(kind, clock, user_session_id=us, **self._tasks[us])

    def dialing(
        self,
        clock: str,
        us: str,
        *,
        user: str = "agent-1",
        destination: tuple[str | None, str, str] = ("ACME Ltd", "+4940111222", "pstn"),
    ) -> Fact:
        self._tasks[us] = {"user_id": user}
        name, address, kind = destination
        return self.add(
            FactKind.OUTBOUND_DIALING,
            clock,
            user_session_id=us,
            user_id=user,
            service_id="svc-out",
            party_display_name=name,
            party_address=address,
            party_kind=kind,
        )

    def outbound(self, kind: FactKind, clock: str, us: str, *, reason: str | None = None) -> Fact:
        return self.add(kind, clock, user_session_id=us, reason=reason, **self._tasks[us])

    # results

    def fold(self) -> list[Task]:
        return fold(self.facts)

    def tasks(self) -> dict[str, Task]:
        return {task.user_session_id: task for task in self.fold()}

    def view(self, us: str) -> Task:
        return self.tasks()[us]


@pytest.fixture
def script() -> Script:
    return Script()


_BASE = Task(
    tenant_id="tenant-1",
    session_id="session-1",
    service_session_id="ss-1",
    user_session_id="us-0",
    user_id="agent-1",
    service_id="svc-a",
    service_name="SVC-A",
    priority=0,
    modality="voice",
    direction="inbound",
    state="incoming",
    outcome=None,
    end_reason=None,
    inferred=False,
    open=False,
    caller_display_name=None,
    caller_address=None,
    caller_kind=None,
    started_at=at("10:00:00"),
    queued_at=None,
    offered_at=at("10:00:00"),
    ring_ended_at=None,
    accepted_at=None,
    ended_at=None,
    dialing_at=None,
    ringing_at=None,
    answered_at=None,
    updated_at=at("10:00:00"),
    subject=None,
    snippet=None,
    chat_url=None,
    rev=1,
)


class MakeTask(Protocol):
    """The type of the ``make_task`` fixture: Task fields as keywords, clock times for instants."""

    def __call__(self, **changes: object) -> Task: ...


def make_task(**changes: Any) -> Task:
    """A plain incoming voice task at 10:00:00; clock-time strings are accepted for instants."""
    instants: dict[str, Any] = {
        k: at(v) if isinstance(v, str) and k.endswith("_at") else v for k, v in changes.items()
    }
    return replace(_BASE, **instants)


@pytest.fixture(name="make_task")
def make_task_fixture() -> MakeTask:
    return make_task
