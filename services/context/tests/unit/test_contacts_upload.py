"""An uploaded file's bytes are read as the CLI reads a file from disk."""

from pathlib import Path

import pytest
from context_service.contacts_import import FileRejected, parse_bytes, read_file

pytestmark = pytest.mark.unit

BOOK = "id,display_name,phones\r\njane,Zoë Doe,+41446681800\r\nbad,,+41446681801\r\n"


def test_bytes_and_a_file_parse_alike(tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    path.write_bytes(BOOK.encode())
    from_disk = read_file(path, "contacts", None)
    uploaded = parse_bytes(BOOK.encode(), "contacts", None)
    assert uploaded == from_disk
    assert list(uploaded.documents) == ["jane"]
    assert [e.row for e in uploaded.errors] == [3]


def test_a_byte_order_mark_is_read_past() -> None:
    parsed = parse_bytes(b"\xef\xbb\xbf" + BOOK.encode(), "contacts", None)
    assert list(parsed.documents) == ["jane"]


def test_a_line_break_inside_quotes_stays_in_its_cell() -> None:
    text = 'id,display_name,street,phones\r\njane,Jane,"Main St 1\r\nFloor 2",+41446681800\r\n'
    parsed = parse_bytes(text.encode(), "contacts", None)
    assert parsed.documents["jane"]["street"] == "Main St 1\r\nFloor 2"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BOOK.encode("latin-1"), "not UTF-8"),
        (b"", "empty"),
        (b"id,display_name,password\r\n", "unknown columns 3"),
    ],
)
def test_a_file_is_refused_whole(data: bytes, reason: str) -> None:
    with pytest.raises(FileRejected, match=reason):
        parse_bytes(data, "contacts", None)
