"""Trigger events of one session in one service, as upstream, after-call work and reporting
would publish them: for the webhooks worker's unit and integration tests (here, on the tests'
path, because both tiers import it and no relative import may reach a parent folder)."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import contracts as c

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CALLER = c.Party(address="+15551230001", address_kind="pstn", display_name="Jane Caller")


def _common(tenant: str, session: str, n: int) -> dict[str, Any]:
    return {
        "event_id": uuid4(),
        "occurred_at": T0 + timedelta(seconds=n),
        "tenant_id": tenant,
        "session_id": session,
    }


def started(tenant: str, session: str, service: str) -> c.SessionStarted:
    return c.SessionStarted(
        **_common(tenant, session, 0),
        direction="inbound",
        modality="voice",
        service_id=service,
        service_name="Support",
        caller=CALLER,
    )


def session_events(tenant: str, session: str, service: str) -> list[c.SessionEvent]:
    """Started, queued, offered, accepted, transferred away, ended."""
    ss, us = f"{session}:1", f"{session}:1:agent-1"
    user: dict[str, Any] = {"service_session_id": ss, "user_session_id": us, "user_id": "agent-1"}
    return [
        started(tenant, session, service),
        c.SessionQueued(
            **_common(tenant, session, 1),
            service_session_id=ss,
            service_id=service,
            service_name="Support",
        ),
        c.TaskOffered(**_common(tenant, session, 2), **user, service_id=service),
        c.TaskAccepted(**_common(tenant, session, 3), **user),
        c.SessionTransferred(
            **_common(tenant, session, 4),
            service_session_id=ss,
            target=c.TransferTarget(kind="external", address="+15559990000"),
        ),
        c.SessionEnded(**_common(tenant, session, 5), ended_by="caller", service_session_id=ss),
    ]


def after_call_work(tenant: str, session: str, service: str) -> c.AfterCallWorkSubmitted:
    return c.AfterCallWorkSubmitted(
        **_common(tenant, session, 6),
        user_session_id=f"{session}:1:agent-1",
        user_id="agent-1",
        service_id=service,
        service_session_id=f"{session}:1",
        primary_code=c.CodeRef(id="billing", label="Billing"),
        tags=("vip",),
        concluded_by="user",
        saved_by="agent-1",
    )


def record(tenant: str, session: str, service: str) -> c.SessionRecord:
    return c.SessionRecord(
        record_id=str(uuid4()),
        record_type="service_session",
        tenant_id=tenant,
        session_id=session,
        service_session_id=f"{session}:1",
        user_session_id=None,
        service_id=service,
        service_name="Support",
        user_id="agent-1",
        direction="inbound",
        modality="voice",
        outcome_id="accepted",
        outcome_name="Accepted",
        outcome_group="handled by user",
        end_reason="normal",
        inferred=False,
        offers=1,
        started_at=T0,
        queued_at=T0,
        offered_at=T0 + timedelta(seconds=2),
        answered_at=T0 + timedelta(seconds=3),
        ended_at=T0 + timedelta(seconds=5),
        acw_started_at=T0 + timedelta(seconds=5),
        acw_ended_at=T0 + timedelta(seconds=6),
        queue_s=3.0,
        ring_s=1.0,
        talk_s=2.0,
        hold_s=None,
        acw_s=1.0,
        handle_s=3.0,
        previous_service_session_id=None,
        next_service_session_id=None,
        transfer_target_kind="external",
        primary_code_id="billing",
        primary_code_label="Billing",
        secondary_code_id=None,
        secondary_code_label=None,
        tags=("vip",),
        concluded_by="user",
        acw_saved_by="agent-1",
        written_at=T0 + timedelta(seconds=7),
    )
