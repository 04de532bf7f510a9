"""Tasks and settings as the queue and the settings store keep them, for the route tests."""

from datetime import UTC, datetime, timedelta
from typing import Any

import contracts as c

ALL_ON = c.Widgets(
    caller_information=True,
    session_details=True,
    context_links=True,
    map=True,
    transcription=True,
    codes_and_tags=True,
)


def minutes_ago(minutes: float) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)


def stored_task(tenant_id: str, user_id: str, user_session_id: str, **fields: Any) -> c.QueueTask:
    """An answered voice call that ended 5 minutes ago, after-call work due; ``fields``
    change any of it (``state="connected"``: still live)."""
    started = minutes_ago(10)
    ended = fields.get("state", "ended") == "ended"
    base: dict[str, Any] = {
        "tenant_id": tenant_id,
        "session_id": f"s-{user_session_id}",
        "service_session_id": f"ss-{user_session_id}",
        "user_session_id": user_session_id,
        "user_id": user_id,
        "service_id": "sales",
        "service_name": "Sales",
        "priority": 0,
        "modality": "voice",
        "direction": "inbound",
        "state": "ended",
        "outcome": "accepted" if ended else None,
        "end_reason": "normal" if ended else None,
        "inferred": False,
        "open": ended,
        "caller_display_name": None if ended else "Live Caller",
        "caller_address": None if ended else "+41440000000",
        "caller_kind": None if ended else "phone",
        "started_at": started,
        "queued_at": started,
        "offered_at": started,
        "ring_ended_at": started,
        "accepted_at": started,
        "ended_at": minutes_ago(5) if ended else None,
        "dialing_at": None,
        "ringing_at": None,
        "answered_at": None,
        "updated_at": minutes_ago(5),
        "subject": None,
        "snippet": None,
        "chat_url": None,
        "rev": 3,
    }
    return c.QueueTask.model_validate({**base, **fields})


def sales_spec(tenant_id: str, service_id: str = "sales", **changes: Any) -> c.ServiceSettingsSpec:
    """Codes and tags on, one primary code ``sale``."""
    return c.ServiceSettingsSpec.model_validate(
        {
            "tenant_id": tenant_id,
            "service_id": service_id,
            "service_name": "Sales",
            "widgets": ALL_ON.model_dump(),
            "primary_codes": [{"id": "sale", "label": "Sale"}],
            **changes,
        }
    )


def a_day_ago() -> datetime:
    """When test settings were applied: before any test task started."""
    return datetime.now(UTC) - timedelta(days=1)


def service_record(
    tenant_id: str, session_id: str, ended_minutes_ago: float, **fields: Any
) -> c.SessionRecord:
    """Reporting's record of an answered voice call to Sales that ended that long ago, taken
    by ``ada``, coded ``Sale`` and tagged ``vip``; ``fields`` change any of it."""
    ended = minutes_ago(ended_minutes_ago)
    started = ended - timedelta(minutes=5)
    base: dict[str, Any] = {
        "record_id": f"r-{tenant_id}-{session_id}",
        "record_type": "service_session",
        "tenant_id": tenant_id,
        "session_id": session_id,
        "service_session_id": f"ss-{session_id}",
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
        "answered_at": started + timedelta(seconds=20),
        "ended_at": ended,
        "acw_started_at": None,
        "acw_ended_at": None,
        "queue_s": 15.0,
        "ring_s": 5.0,
        "talk_s": 280.0,
        "hold_s": None,
        "acw_s": 0.0,
        "handle_s": 280.0,
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
    return c.SessionRecord.model_validate({**base, **fields})
