"""Address-book and directory CSV files, read into documents with per-row errors.

Bounded on purpose (an operator's export can be anything): at most ``MAX_ROWS`` data rows,
``MAX_FIELD_CHARS`` characters in any cell, the lengths in ``domain.FIELD_LIMITS`` per
field and ``MAX_VALUES`` numbers or addresses per contact. Row 1 is the header, so row 2 is
the first contact, as a spreadsheet counts. Errors name the row and the column, never the
value: cells hold phone numbers and e-mail addresses.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from context_service.adapters.phones import InvalidPhoneNumber, to_e164
from context_service.domain import FIELD_LIMITS

__all__ = [
    "COLUMNS",
    "MAX_FIELD_CHARS",
    "MAX_ID_CHARS",
    "MAX_ROWS",
    "MAX_VALUES",
    "FileRejected",
    "Kind",
    "ParsedFile",
    "RowError",
    "parse_rows",
]

Kind = Literal["contacts", "directory"]

MAX_ROWS: Final = 100_000
MAX_FIELD_CHARS: Final = 4_096
MAX_ID_CHARS: Final = 128
MAX_VALUES: Final = 10
SEPARATOR: Final = ";"
EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+$")
DESCRIPTIVE: Final = ("display_name", "company", "street", "city", "postal_code", "country")
COLUMNS: Final[dict[Kind, tuple[str, ...]]] = {
    "contacts": ("id", *DESCRIPTIVE, "phones", "emails"),
    "directory": ("upn", *DESCRIPTIVE, "email", "phone"),
}
KEY_COLUMN: Final[dict[Kind, str]] = {"contacts": "id", "directory": "upn"}


class FileRejected(ValueError):
    """The whole file is refused (header, size, encoding); nothing of it is imported."""


class RowRejected(ValueError):
    pass


@dataclass(frozen=True)
class RowError:
    row: int
    reason: str


@dataclass
class ParsedFile:
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Key (contact id or lower-cased UPN) -> document, without the tenant."""
    errors: list[RowError] = field(default_factory=list)


def _bounded(column: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise RowRejected(f"{column}: longer than {limit} characters")
    return value


def _emails(column: str, cell: str) -> list[str]:
    values = list(dict.fromkeys(v.strip().lower() for v in cell.split(SEPARATOR) if v.strip()))
    if len(values) > MAX_VALUES:
        raise RowRejected(f"{column}: more than {MAX_VALUES} values")
    for value in values:
        _bounded(column, value, FIELD_LIMITS["email"])
        if not EMAIL.match(value):
            raise RowRejected(f"{column}: not an e-mail address")
    return values


def _phones(column: str, cell: str, region: str | None) -> list[str]:
    raw = [v.strip() for v in cell.split(SEPARATOR) if v.strip()]
    if len(raw) > MAX_VALUES:
        raise RowRejected(f"{column}: more than {MAX_VALUES} values")
    try:
        return list(dict.fromkeys(to_e164(v, region) for v in raw))
    except InvalidPhoneNumber as invalid:
        raise RowRejected(f"{column}: {invalid}") from None


def _document(kind: Kind, cells: dict[str, str], region: str | None) -> tuple[str, dict[str, Any]]:
    key_column = KEY_COLUMN[kind]
    key = cells.get(key_column, "")
    if not key:
        raise RowRejected(f"{key_column}: missing")
    _bounded(key_column, key, MAX_ID_CHARS if kind == "contacts" else FIELD_LIMITS["email"])
    doc: dict[str, Any] = {
        name: _bounded(name, cells[name], FIELD_LIMITS[name])
        for name in DESCRIPTIVE
        if cells.get(name)
    }
    if not (doc.get("display_name") or doc.get("company")):
        raise RowRejected("display_name: missing (a contact needs a name or a company)")
    if kind == "contacts":
        doc["contact_id"] = key
        for name, values in (
            ("phones", _phones("phones", cells.get("phones", ""), region)),
            ("emails", _emails("emails", cells.get("emails", ""))),
        ):
            if values:
                doc[name] = values
        if not (doc.get("phones") or doc.get("emails")):
            raise RowRejected("phones, emails: both empty, the contact could never be matched")
        return key, doc
    key = _single(key_column, _emails(key_column, key))
    doc["upn"] = key
    if emails := _emails("email", cells.get("email", "")):
        doc["email"] = _single("email", emails)
    if phones := _phones("phone", cells.get("phone", ""), region):
        doc["phone"] = _single("phone", phones)
    return key, doc


def _single(column: str, values: list[str]) -> str:
    if len(values) != 1:
        raise RowRejected(f"{column}: one value only")
    return values[0]


def _check_header(kind: Kind, header: list[str] | None) -> list[str]:
    if not header:
        raise FileRejected("the file is empty: the first row must name the columns")
    names = [name.strip().lower() for name in header]
    # By position, never by name: a file without its header row has a contact there.
    unknown = [str(n) for n, name in enumerate(names, start=1) if name not in COLUMNS[kind]]
    if unknown:
        raise FileRejected(
            f"unknown columns {', '.join(unknown)} (counted from 1);"
            f" {kind} files have {', '.join(COLUMNS[kind])}"
        )
    if KEY_COLUMN[kind] not in names or len(set(names)) != len(names):
        raise FileRejected(f"the header needs a {KEY_COLUMN[kind]!r} column and no duplicates")
    return names


def parse_rows(lines: Iterable[str], kind: Kind, region: str | None) -> ParsedFile:
    """``lines`` as from a text file opened with ``newline=""``."""
    previous_limit = csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(lines)
    try:
        return _parse(reader, kind, region)
    except csv.Error as error:
        raise FileRejected(f"line {reader.line_num}: not readable as CSV ({error})") from None
    finally:
        csv.field_size_limit(previous_limit)


def _parse(reader: Any, kind: Kind, region: str | None) -> ParsedFile:
    names = _check_header(kind, next(reader, None))
    parsed = ParsedFile()
    first_row: dict[str, int] = {}
    for row_number, record in enumerate(reader, start=2):
        if row_number - 1 > MAX_ROWS:
            raise FileRejected(f"more than {MAX_ROWS} rows: split the file")
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(names):
            parsed.errors.append(RowError(row_number, f"{len(record)} cells, not {len(names)}"))
            continue
        try:
            key, doc = _document(
                kind, dict(zip(names, (c.strip() for c in record), strict=True)), region
            )
        except RowRejected as rejected:
            parsed.errors.append(RowError(row_number, str(rejected)))
            continue
        if key in first_row:
            parsed.errors.append(RowError(row_number, f"same id as row {first_row[key]}"))
            continue
        first_row[key] = row_number
        parsed.documents[key] = doc
    return parsed
