"""Tenant admins: the historical sessions, every concluded session of the token's tenant
from reporting's records (``gateway_service.history_view``), filtered, paged by a cursor
only this list makes, and exported as CSV (the current filter, up to ``EXPORT_ROW_CAP``
rows, streamed a page at a time). Nothing in a request names another tenant.
"""

import base64
import binascii
import csv
import io
import json
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Annotated, Final

from contracts.base import Identifier
from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime, BaseModel, Field
from reporting_service.read import MAX_HISTORY_PAGE, HistoryFilter, HistoryPosition

from gateway_service.auth.dependencies import Admin, Resourced
from gateway_service.errors import ERROR_RESPONSES, invalid
from gateway_service.history_view import CSV_COLUMNS, HistorySession, csv_cells, joined

router = APIRouter(prefix="/api/v1/admin", tags=["tenant admin"], responses=ERROR_RESPONSES)

EXPORT_ROW_CAP: Final = 10_000
"""The most rows one CSV export holds (the newest first); narrow the filter for more."""
MAX_CURSOR_CHARS: Final = 512


class HistoryPageOut(BaseModel):
    items: list[HistorySession]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null: last.")


def narrowed(
    service_id: Annotated[Identifier | None, Query(description="Only this service.")] = None,
    user_id: Annotated[Identifier | None, Query(description="Only this agent.")] = None,
    outcome: Annotated[
        Identifier | None, Query(description="Only this outcome id (e.g. accepted).")
    ] = None,
    ended_from: Annotated[AwareDatetime | None, Query(description="Ended at or after.")] = None,
    ended_before: Annotated[AwareDatetime | None, Query(description="Ended before.")] = None,
    q: Annotated[
        Identifier | None, Query(description="A session id or service session id, exactly.")
    ] = None,
) -> HistoryFilter:
    return HistoryFilter(
        service_id=service_id,
        user_id=user_id,
        outcome_id=outcome,
        ended_from=ended_from.astimezone(UTC) if ended_from else None,
        ended_before=ended_before.astimezone(UTC) if ended_before else None,
        session_id=q,
    )


Narrowed = Annotated[HistoryFilter, Depends(narrowed)]


@router.get("/history", response_model=HistoryPageOut)
async def history(
    caller: Admin,
    resources: Resourced,
    narrowed: Narrowed,
    limit: Annotated[int, Query(ge=1, le=MAX_HISTORY_PAGE)] = 50,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS)] = None,
) -> HistoryPageOut:
    """The tenant's concluded sessions, most recently ended first, with the context their
    service stored (null: "Not Available")."""
    after = _position(cursor) if cursor else None
    page = await resources.history.page(caller.tenant_id, narrowed, limit, after)
    rows = await joined(resources.context, caller.tenant_id, page.records, datetime.now(UTC))
    return HistoryPageOut(items=rows, next_cursor=_cursor(page.next) if page.next else None)


@router.get(
    "/history.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
async def history_csv(caller: Admin, resources: Resourced, narrowed: Narrowed) -> StreamingResponse:
    """The current filter's sessions as CSV, newest first, at most 10,000 rows; cells a
    spreadsheet would run as a formula are prefixed with a quote."""
    tenant_id = caller.tenant_id

    async def rows() -> AsyncIterator[str]:
        yield _line(CSV_COLUMNS)
        after: HistoryPosition | None = None
        left = EXPORT_ROW_CAP
        while left > 0:
            page = await resources.history.page(
                tenant_id, narrowed, min(left, MAX_HISTORY_PAGE), after
            )
            now = datetime.now(UTC)
            for row in await joined(resources.context, tenant_id, page.records, now):
                yield _line(csv_cells(row))
            left -= len(page.records)
            if page.next is None:
                return
            after = page.next

    headers = {"Content-Disposition": 'attachment; filename="historical-sessions.csv"'}
    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8", headers=headers)


def _line(cells: Iterable[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(list(cells))
    return out.getvalue()


def _cursor(position: HistoryPosition) -> str:
    raw = json.dumps(["h", position.ended_at.isoformat(), position.record_id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _position(cursor: str) -> HistoryPosition:
    """The cursor back; 422 for anything this list did not hand out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        mark, ended_at, record_id = json.loads(raw)
        instant = datetime.fromisoformat(ended_at)
        if mark != "h" or not isinstance(record_id, str) or instant.tzinfo is None:
            raise ValueError(record_id)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise invalid("cursor", "not a cursor of this list", where="query") from None
    return HistoryPosition(instant, record_id)
