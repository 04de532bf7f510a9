"""Importing an address book or a user directory: read the file, then upsert it.

Reading is synchronous and bounded (``adapters.contact_csv``); writing is the idempotent
upsert by contact id or UPN. Rows in error are skipped and reported by row number; the
rest is imported. Published for ``mysessions contacts import`` (and the demo's contacts),
with the file's columns, its row limit and the region check the command validates with;
and for the gateway's admin screen, which uploads the same files (``parse_bytes``).
"""

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from context_service.adapters.address_book import MongoAddressBook
from context_service.adapters.contact_csv import (
    COLUMNS,
    MAX_ROWS,
    FileRejected,
    Kind,
    ParsedFile,
    RowError,
    parse_rows,
)
from context_service.adapters.directory import MongoDirectory
from context_service.adapters.phones import check_region
from context_service.adapters.upsert import upsert_documents

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "FileRejected",
    "ImportReport",
    "Kind",
    "ParsedFile",
    "RowError",
    "check_region",
    "import_parsed",
    "parse_bytes",
    "parse_rows",
    "read_file",
]


@dataclass(frozen=True)
class ImportReport:
    kind: Kind
    imported: int
    updated: int
    unchanged: int
    rejected: list[RowError]
    dry_run: bool


def read_file(path: Path, kind: Kind, region: str | None) -> ParsedFile:
    """UTF-8 (a byte-order mark, as spreadsheet programs write, is fine)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as lines:
            return parse_rows(lines, kind, region)
    except UnicodeDecodeError:
        raise FileRejected("the file is not UTF-8 text") from None


def parse_bytes(data: bytes, kind: Kind, region: str | None) -> ParsedFile:
    """An uploaded file, read as ``read_file`` reads one from disk (UTF-8, a byte-order mark
    allowed). Pure CPU on a bounded input: an event loop runs it in a thread."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected("the file is not UTF-8 text") from None
    return parse_rows(io.StringIO(text, newline=""), kind, region)


async def import_parsed(
    database: AsyncDatabase[dict[str, Any]],
    tenant: str,
    kind: Kind,
    parsed: ParsedFile,
    *,
    dry_run: bool = False,
) -> ImportReport:
    if kind == "contacts":
        book = MongoAddressBook(database)
        collection, key_field, ensure = book.collection, "contact_id", book.ensure_indexes
    else:
        directory = MongoDirectory(database)
        collection, key_field, ensure = directory.collection, "upn", directory.ensure_indexes
    if not dry_run:
        await ensure()
    counts = await upsert_documents(
        collection, tenant, key_field, parsed.documents, dry_run=dry_run
    )
    return ImportReport(
        kind, counts.imported, counts.updated, counts.unchanged, parsed.errors, dry_run
    )
