"""One valid example of every message, so tests can prove each one survives the wire."""

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import contracts as c
from pydantic import HttpUrl

T0 = datetime(2026, 11, 21, 10, 0, 0, 123000, tzinfo=UTC)
CALLER = c.Party(address="+15551230001", address_kind="pstn", display_name="Jane Caller")


def _common(n: int) -> dict[str, Any]:
    return {
        "event_id": UUID(int=n),
        "occurred_at": T0 + timedelta(seconds=n),
        "tenant_id": "tenant-1",
        "session_id": "sess-1",
    }


def _user(n: int) -> dict[str, Any]:
    return {
        **_common(n),
        "service_session_id": "sess-1:1",
        "user_session_id": "sess-1:1:agent-1",
        "user_id": "agent-1",
    }


def _out(n: int) -> dict[str, Any]:
    return {**_common(n), "user_session_id": "sess-1:out", "user_id": "agent-1"}


def session_events() -> list[c.Event]:
    return [
        c.SessionStarted(
            **_common(1),
            direction="inbound",
            modality="voice",
            service_id="svc-1",
            service_name="Support",
            caller=CALLER,
        ),
        c.SessionQueued(
            **_common(2),
            service_session_id="sess-1:1",
            service_id="svc-1",
            service_name="Support",
            priority=5,
        ),
        c.TaskOffered(**_user(3), service_id="svc-1"),
        c.TaskAccepted(**_user(4)),
        c.TaskDeclined(**_user(5)),
        c.TaskRingNoAnswer(**_user(6)),
        c.TaskCancelled(**_user(7)),
        c.TaskRescinded(**_user(8)),
        c.SessionAbandoned(**_common(9), service_session_id="sess-1:1"),
        c.SessionTransferred(
            **_common(10),
            service_session_id="sess-1:1",
            mode="attended",
            target=c.TransferTarget(kind="service", service_id="svc-2", service_name="Sales"),
        ),
        c.SessionEnded(**_common(11), ended_by="caller", reason="normal"),
        c.SessionExpired(**_common(12), idle_since=T0),
        c.OutboundDialing(**_out(13), service_id="svc-1", destination=CALLER),
        c.OutboundRinging(**_out(14)),
        c.OutboundDestinationAccepted(**_out(15)),
        c.OutboundDestinationDeclined(**_out(16)),
        c.OutboundDestinationNotReached(**_out(17)),
        c.OutboundNotAccepted(**_out(18), reason="busy"),
        c.OutboundUserAborted(**_out(19)),
        c.EmailReceived(
            **_common(20),
            sender=c.Party(address="jane@example.com", address_kind="email"),
            subject="Invoice",
            html_body="<p>Hello</p>",
            received_at=T0,
        ),
        c.ChatReceived(
            **_common(21),
            sender=c.Party(address="anonymous", address_kind="anonymous"),
            chat_url=HttpUrl("https://chat.example.com/c/1"),
        ),
        c.CustomParametersUpdated(
            **_common(22), service_session_id="ss-1", parameters={"Ticket ID": "T-1"}
        ),
        c.CallerDetailsUpdated(
            **_common(30),
            service_session_id="ss-1",
            display_name="Jane Roe",
            company="Roe Ltd",
            city="Zurich",
            email="jane@roe.example",
            phone="+41 44 000 00 00",
        ),
        c.TranscriptSegment(
            **_common(23),
            service_session_id="sess-1:1",
            user_session_id="us-1",
            segment_id="seg-1",
            speaker="caller",
            start_ms=1200,
            end_ms=1900,
            text="hello",
            final=False,
        ),
        c.TranscriptFinal(
            **_common(24),
            service_session_id="sess-1:1",
            user_session_id="us-1",
            service_id="svc-1",
            lines=[c.FinalTranscriptLine(speaker="agent", text="hi", offset_ms=0)],
        ),
        c.SessionQueueExited(**_common(25), service_session_id="sess-1:1", reason="timeout"),
        c.SessionTransferred(
            **_common(26),
            service_session_id="sess-1:1",
            target=c.TransferTarget(kind="external", address="+15551230002"),
        ),
        c.SessionTransferred(
            **_common(27), service_session_id="sess-1:1", target=c.TransferTarget(kind="unknown")
        ),
        c.OutboundNotAccepted(**_out(28), reason="declined"),
    ]


def other_messages() -> list[c.Message]:
    record: dict[str, Any] = {
        "tenant_id": "tenant-1",
        "session_id": "sess-1",
        "service_session_id": "sess-1:1",
        "service_id": "svc-1",
        "service_name": "Support",
        "user_id": "agent-1",
        "direction": "inbound",
        "modality": "voice",
        "outcome_id": "accepted",
        "outcome_name": "Accepted",
        "outcome_group": "handled by user",
        "end_reason": "normal",
        "inferred": False,
        "offers": 1,
        "started_at": T0,
        "queued_at": T0,
        "offered_at": T0 + timedelta(seconds=20),
        "answered_at": T0 + timedelta(seconds=26),
        "ended_at": T0 + timedelta(minutes=5),
        "acw_started_at": T0 + timedelta(minutes=5),
        "acw_ended_at": T0 + timedelta(minutes=6),
        "queue_s": 26.0,
        "ring_s": 6.0,
        "talk_s": 274.0,
        "hold_s": None,
        "acw_s": 60.0,
        "handle_s": 334.0,
        "previous_service_session_id": None,
        "next_service_session_id": None,
        "transfer_target_kind": None,
        "primary_code_id": "billing",
        "primary_code_label": "Billing",
        "secondary_code_id": None,
        "secondary_code_label": None,
        "tags": ("vip",),
        "concluded_by": "user",
        "acw_saved_by": "agent-1",
        "written_at": T0 + timedelta(minutes=7),
    }
    return [
        c.AfterCallWorkSubmitted(
            **_out(30),
            service_id="svc-1",
            service_session_id="sess-1:1",
            primary_code=c.CodeRef(id="billing", label="Billing"),
            secondary_code=c.CodeRef(id="refund", label="Refund"),
            tags=("VIP",),
            concluded_by="user",
            saved_by="agent-1",
        ),
        c.SessionRecord(
            **record,
            record_id="7c9e6679-7425-40de-944b-e07fc1f90ae7",
            record_type="user_session",
            user_session_id="sess-1:1:agent-1",
        ),
        c.DeadLetter(
            source_topic=c.topics.TELEPHONY_EVENTS,
            partition=0,
            offset=7,
            key=b"sess-1",
            original=b"\x00not json",
            original_length=9,
            original_sha256=hashlib.sha256(b"\x00not json").hexdigest(),
            original_truncated=False,
            consumer_group="ingest",
            error_kind="invalid",
            error="body is not JSON",
            first_failure_at=T0,
            last_failure_at=T0,
            attempts=1,
        ),
        c.EmailReplyRequested(
            **_common(40),
            user_session_id="sess-1:1:agent-1",
            user_id="agent-1",
            service_id="svc-1",
            to=c.Party(address="jane@example.com", address_kind="email"),
            subject="Re: My invoice",
            text_body="Dear Jane,\n\nthank you.",
            in_reply_to=UUID(int=20),
        ),
        c.QueueTask(
            tenant_id="tenant-1",
            session_id="sess-1",
            service_session_id="sess-1:1",
            user_session_id="sess-1:1:agent-1",
            user_id="agent-1",
            service_id="svc-1",
            service_name="Support",
            priority=0,
            modality="email",
            direction="inbound",
            state="connected",
            outcome=None,
            end_reason=None,
            inferred=False,
            open=False,
            caller_display_name="Jane Caller",
            caller_address="jane@example.com",
            caller_kind="email",
            started_at=T0,
            queued_at=T0,
            offered_at=T0 + timedelta(seconds=1),
            ring_ended_at=T0 + timedelta(seconds=5),
            accepted_at=T0 + timedelta(seconds=5),
            ended_at=None,
            dialing_at=None,
            ringing_at=None,
            answered_at=None,
            updated_at=T0 + timedelta(seconds=5),
            subject="Invoice",
            snippet="Hello",
            chat_url=None,
            rev=3,
        ),
    ]
