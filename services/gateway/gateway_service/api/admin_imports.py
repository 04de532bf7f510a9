"""Tenant admins' address-book and directory imports: a CSV file uploaded as the body.

The same parser, validation and report as ``mysessions contacts import`` (the context
service's ``contacts_import``): rows are upserted by id (directory: UPN), a re-import
changes nothing, nothing is deleted; rejected rows are reported by number and column,
never by value; the whole file is refused (422 on ``file``, nothing written) for an unknown
column, more rows than ``MAX_ROWS``, text that is not UTF-8 or not CSV.

The body is bounded at the edge (``GATEWAY_MAX_IMPORT_BYTES``, ``limits.BodySizeLimit``:
a larger declared length is refused before anything is read), and parsing, pure CPU on up
to that many bytes, runs in a worker thread so the event loop keeps serving everyone else.
"""

import asyncio
from typing import Annotated, Final, Literal

from context_service.contacts_import import (
    COLUMNS,
    MAX_ROWS,
    FileRejected,
    ImportReport,
    check_region,
    parse_bytes,
)
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from gateway_service.api.no_echo import NoEchoRoute
from gateway_service.auth.dependencies import Admin, Resourced
from gateway_service.errors import ERROR_RESPONSES, invalid

router = APIRouter(
    prefix="/api/v1/admin/imports",
    tags=["tenant admin"],
    responses=ERROR_RESPONSES,
    route_class=NoEchoRoute,
)

MAX_REJECTED_LISTED: Final = 200
"""Rejected rows listed in the answer; ``rejected`` counts them all."""

_CSV_BODY: Final = {
    "requestBody": {
        "required": True,
        "description": "The CSV file itself (UTF-8, header row first). Contacts: "
        f"{', '.join(COLUMNS['contacts'])}; directory: {', '.join(COLUMNS['directory'])}. "
        f"At most {MAX_ROWS} rows and GATEWAY_MAX_IMPORT_BYTES bytes (default 8 MiB).",
        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class RejectedRow(BaseModel):
    row: int = Field(description="As a spreadsheet counts: the header is row 1.")
    reason: str = Field(description="The column and the rule; never the value.")


class ImportResult(BaseModel):
    kind: Literal["contacts", "directory"]
    dry_run: bool = Field(description="True: counted only, nothing written.")
    imported: int
    updated: int
    unchanged: int
    rejected: int
    rejected_rows: list[RejectedRow] = Field(
        description=f"The first {MAX_REJECTED_LISTED} rejected rows, in file order."
    )


class ImportLimits(BaseModel):
    max_bytes: int = Field(description="The largest file taken (GATEWAY_MAX_IMPORT_BYTES).")
    max_rows: int
    columns: dict[str, list[str]] = Field(description="Each kind's columns.")


@router.get("/limits", response_model=ImportLimits)
async def import_limits(caller: Admin, resources: Resourced) -> ImportLimits:
    """What a file may hold: the screen checks a file's size before sending it."""
    return ImportLimits(
        max_bytes=resources.settings.max_import_bytes,
        max_rows=MAX_ROWS,
        columns={kind: list(names) for kind, names in COLUMNS.items()},
    )


@router.post("/{kind}", response_model=ImportResult, openapi_extra=_CSV_BODY)
async def import_file(
    kind: Literal["contacts", "directory"],
    request: Request,
    caller: Admin,
    resources: Resourced,
    dry_run: Annotated[bool, Query(description="Count what would change; write nothing.")] = False,
    region: Annotated[
        str | None,
        Query(max_length=2, description="For numbers without a country code, e.g. CH."),
    ] = None,
) -> ImportResult:
    """Import the tenant's address book (``contacts``) or user directory (``directory``)
    from the CSV body; rows in error are skipped and listed, the rest is imported."""
    try:
        region = check_region(region)
    except ValueError as wrong:
        raise invalid("region", str(wrong), where="query") from None
    body = await request.body()  # bounded by BodySizeLimit before it was read
    try:
        parsed = await asyncio.to_thread(parse_bytes, body, kind, region)
    except FileRejected as refused:
        raise invalid("file", f"refused, nothing imported: {refused}") from None
    report = await resources.tenant.contacts(caller.tenant_id, kind, parsed, dry_run=dry_run)
    return _result(report)


def _result(report: ImportReport) -> ImportResult:
    return ImportResult(
        kind=report.kind,
        dry_run=report.dry_run,
        imported=report.imported,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=len(report.rejected),
        rejected_rows=[
            RejectedRow(row=error.row, reason=error.reason)
            for error in report.rejected[:MAX_REJECTED_LISTED]
        ],
    )
