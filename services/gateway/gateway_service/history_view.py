"""The tenant admin's historical sessions, as the API and the CSV show them: each concluded
service session from reporting's record, joined with the context its service stored (if it
opted in and the record has not expired: else ``context`` is null, "Not Available").

A page's stored context is read in one call (``ContextReads.stored_of``), never per row.
"""

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Final

from context_service.read import StoredContext
from contracts import SessionRecord
from contracts.base import UtcMillis
from pydantic import BaseModel, Field

from gateway_service.ports import ContextReads

NOT_AVAILABLE: Final = "Not Available"
_FORMULA_STARTS: Final = ("=", "+", "-", "@")
CSV_COLUMNS: Final = (
    "session_id",
    "service_session_id",
    "service_name",
    "agent",
    "outcome",
    "modality",
    "direction",
    "started_at",
    "ended_at",
    "queue_s",
    "talk_s",
    "hold_s",
    "acw_s",
    "handle_s",
    "primary_code",
    "secondary_code",
    "tags",
    "caller",
    "caller_address",
    "parameters",
    "context_expires_at",
)


class HistoryContext(BaseModel):
    caller_name: str | None = Field(description="Name or company; null when none is known.")
    caller_address: str | None = Field(description="Number or UPN; null when anonymous.")
    parameters: dict[str, str] = Field(description="The session's parameters, name -> value.")
    stored_at: UtcMillis
    expires_at: UtcMillis = Field(description="Deleted then (30 days after stored_at).")


class HistorySession(BaseModel):
    record_id: str
    session_id: str
    service_session_id: str | None
    service_id: str | None
    service_name: str | None
    user_id: str | None = Field(description="The agent of its last user session.")
    modality: str
    direction: str
    outcome_id: str
    outcome_name: str
    outcome_group: str
    end_reason: str | None
    started_at: UtcMillis
    ended_at: UtcMillis
    queue_s: float | None
    talk_s: float | None
    hold_s: float | None
    acw_s: float | None
    handle_s: float | None
    primary_code: str | None
    secondary_code: str | None
    tags: list[str]
    context: HistoryContext | None = Field(
        description='What the service stored; null: "Not Available" (not opted in, or expired).'
    )


async def joined(
    context: ContextReads, tenant_id: str, records: Sequence[SessionRecord], now: datetime
) -> list[HistorySession]:
    """The page's rows, with their stored context read in one call for the whole page."""
    pairs = {
        (record.session_id, record.service_id)
        for record in records
        if record.service_id is not None
    }
    stored = await context.stored_of(tenant_id, pairs, now) if pairs else {}
    return [_row(record, stored) for record in records]


def _row(record: SessionRecord, stored: Mapping[tuple[str, str], StoredContext]) -> HistorySession:
    found = stored.get((record.session_id, record.service_id or ""))
    return HistorySession(
        record_id=record.record_id,
        session_id=record.session_id,
        service_session_id=record.service_session_id,
        service_id=record.service_id,
        service_name=record.service_name,
        user_id=record.user_id,
        modality=record.modality,
        direction=record.direction,
        outcome_id=record.outcome_id,
        outcome_name=record.outcome_name,
        outcome_group=record.outcome_group,
        end_reason=record.end_reason,
        started_at=record.started_at,
        ended_at=record.ended_at,
        queue_s=record.queue_s,
        talk_s=record.talk_s,
        hold_s=record.hold_s,
        acw_s=record.acw_s,
        handle_s=record.handle_s,
        primary_code=record.primary_code_label,
        secondary_code=record.secondary_code_label,
        tags=list(record.tags),
        context=_context(found) if found is not None else None,
    )


def _context(stored: StoredContext) -> HistoryContext:
    caller = stored.caller
    anonymous = caller is None or caller.address_kind == "anonymous"
    return HistoryContext(
        caller_name=(caller.display_name or caller.company) if caller else None,
        caller_address=None if anonymous or caller is None else caller.address,
        parameters={name: p.value for name, p in stored.parameters.items()},
        stored_at=stored.stored_at,
        expires_at=stored.expires_at,
    )


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one that starts with ``=``, ``+``, ``-`` or
    ``@`` would be run as a formula (CSV injection), so it is prefixed with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_cells(row: HistorySession) -> Iterator[str]:
    found = row.context
    values: tuple[object, ...] = (
        row.session_id,
        row.service_session_id,
        row.service_name or row.service_id,
        row.user_id,
        row.outcome_name,
        row.modality,
        row.direction,
        row.started_at.isoformat(),
        row.ended_at.isoformat(),
        row.queue_s,
        row.talk_s,
        row.hold_s,
        row.acw_s,
        row.handle_s,
        row.primary_code,
        row.secondary_code,
        "; ".join(row.tags),
        (found.caller_name or "") if found else NOT_AVAILABLE,
        (found.caller_address or "") if found else NOT_AVAILABLE,
        "; ".join(f"{k}={v}" for k, v in found.parameters.items()) if found else NOT_AVAILABLE,
        found.expires_at.isoformat() if found else NOT_AVAILABLE,
    )
    return (safe_cell(value) for value in values)
