"""Reading address-book and directory CSV files: normalization, bounds, errors by row."""

import io

import pytest
from context_service.adapters import contact_csv
from context_service.adapters.contact_csv import FileRejected, parse_rows

pytestmark = pytest.mark.unit

HEADER = "id,display_name,company,street,city,postal_code,country,phones,emails\n"


def parse(
    text: str, region: str | None = "CH", kind: contact_csv.Kind = "contacts"
) -> contact_csv.ParsedFile:
    return parse_rows(io.StringIO(text, newline=""), kind, region)


def test_numbers_are_normalized_to_e164_with_the_region() -> None:
    parsed = parse(HEADER + "c1,Anna,ACME,,Zurich,8000,CH,044 668 18 00;+49 30 901820,A@X.ch\n")
    assert parsed.errors == []
    assert parsed.documents["c1"] == {
        "contact_id": "c1",
        "display_name": "Anna",
        "company": "ACME",
        "city": "Zurich",
        "postal_code": "8000",
        "country": "CH",
        "phones": ["+41446681800", "+4930901820"],
        "emails": ["a@x.ch"],
    }


def test_bad_rows_are_rejected_by_row_number_and_never_quote_the_value() -> None:
    text = HEADER + (
        "c1,Good,,,,,,044 668 18 00,\n"
        "c2,Bad number,,,,,,12345678901234567,\n"
        "c3,Bad mail,,,,,,,not-an-address\n"
        ",No id,,,,,,044 668 18 01,\n"
        "c5,,,,,,,044 668 18 02,\n"
        "c6,Unreachable,,,,,,,\n"
        "c1,Duplicate,,,,,,044 668 18 03,\n"
        "c8,Short row\n"
        f"c9,{'N' * 257},,,,,,044 668 18 04,\n"
    )
    parsed = parse(text)
    assert list(parsed.documents) == ["c1"]
    rows = {error.row: error.reason for error in parsed.errors}
    assert sorted(rows) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert rows[3].startswith("phones: not a valid phone number for region CH")
    assert rows[4] == "emails: not an e-mail address"
    assert rows[8] == "same id as row 2"
    assert rows[10] == "display_name: longer than 256 characters"
    for reason in rows.values():
        assert "12345678901234567" not in reason
        assert "not-an-address" not in reason


def test_without_a_region_national_numbers_are_rejected() -> None:
    parsed = parse(HEADER + "c1,Anna,,,,,,044 668 18 00,\n", region=None)
    assert parsed.errors[0].reason.endswith("(no region given: write it with +)")


def test_an_unknown_column_refuses_the_file() -> None:
    with pytest.raises(FileRejected, match=r"unknown columns 3 \(counted from 1\)"):
        parse("id,display_name,phone_number\n")


def test_a_file_without_its_header_is_refused_without_quoting_the_contact() -> None:
    with pytest.raises(FileRejected) as refused:
        parse("c1,Jane Doe,,,,,,+41446681800,jane.doe@example.com\n")
    assert "unknown columns 1, 2, 3, 4, 5, 6, 7, 8, 9 " in str(refused.value)
    for value in ("jane", "41446681800", "example.com"):
        assert value not in str(refused.value).lower()


def test_too_many_rows_refuse_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contact_csv, "MAX_ROWS", 2)
    rows = "".join(f"c{n},N,,,,,,+41446681800,\n" for n in range(3))
    with pytest.raises(FileRejected, match="more than 2 rows"):
        parse(HEADER + rows)
    assert len(parse(HEADER + rows[: rows.index("c2")]).documents) == 2


def test_a_giant_cell_refuses_the_file_without_reading_it_all() -> None:
    with pytest.raises(FileRejected, match="line 2"):
        parse(HEADER + "c1," + "x" * 5000 + ",,,,,,,\n")


def test_too_many_numbers_in_one_cell_are_rejected() -> None:
    numbers = ";".join(f"+4144668180{n}" for n in range(10)) + ";+41446681811"
    parsed = parse(HEADER + f"c1,N,,,,,,{numbers},\n")
    assert parsed.errors[0].reason == "phones: more than 10 values"


def test_directory_rows_are_keyed_by_lower_cased_upn() -> None:
    text = (
        "upn,display_name,email,phone\nAnna@Tenant.Example,Anna,anna@tenant.example,044 668 18 00\n"
    )
    parsed = parse(text, kind="directory")
    assert parsed.documents == {
        "anna@tenant.example": {
            "upn": "anna@tenant.example",
            "display_name": "Anna",
            "email": "anna@tenant.example",
            "phone": "+41446681800",
        }
    }


def test_directory_cells_hold_one_value() -> None:
    text = "upn,display_name,phone\nanna@tenant.example,Anna,+41446681800;+41446681801\n"
    parsed = parse(text, kind="directory")
    assert parsed.errors[0].reason == "phone: one value only"
