"""Reading an address book costs time linear in the file, and a caller's number is looked up
in bounded time (issue 13).

An import is bounded by MAX_ROWS rows of cells of at most MAX_FIELD_CHARS; each row costs at
most a fixed amount (ten numbers through libphonenumber), so the file costs time linear in
its rows, in the CLI that reads it, not in a worker. The lookup form of a caller's number
runs in the context worker on event data: an address of the contract's maximum length.
"""

import io

import pytest
from context_service.adapters.contact_csv import MAX_FIELD_CHARS, MAX_VALUES, parse_rows
from context_service.adapters.phones import lookup_form
from mysessions_platform.testing.linear_time import assert_linear, best_seconds, repeated_to

pytestmark = pytest.mark.unit

HEADER = "id,display_name,phones,emails\n"
MAX_ADDRESS_CHARS = 320
"""``contracts.parties.Address``."""

HOSTILE_CELLS = {
    "separators": ";",
    "digits": "1",
    "at signs": "a@",
    "quotes": '""',
    "line breaks": "\n",
    "dial punctuation": "(1)-",
}


def _one_row(cell_pattern: str, length: int) -> str:
    cell = repeated_to(cell_pattern, length)
    if cell.count('"') % 2:
        cell = cell[:-1]
    return f'{HEADER}c1,Name,"{cell}","{cell}"\n'


def _parse(text: str) -> object:
    return parse_rows(io.StringIO(text, newline=""), "contacts", "CH")


@pytest.mark.serial
@pytest.mark.parametrize("pattern", HOSTILE_CELLS.values(), ids=HOSTILE_CELLS)
def test_a_cell_costs_time_linear_in_its_length(pattern: str) -> None:
    make = lambda n: _one_row(pattern, n)  # noqa: E731
    assert_linear(_parse, make, MAX_FIELD_CHARS, within_s=0.05, calls=20)


@pytest.mark.serial
def test_a_file_costs_time_linear_in_its_rows() -> None:
    """The dearest row: MAX_VALUES numbers libphonenumber must parse and validate."""
    numbers = ";".join(["+41 44 668 18 00"] * MAX_VALUES)

    def rows(count: int) -> str:
        return HEADER + "".join(f'c{n},Name,"{numbers}",\n' for n in range(count))

    assert_linear(_parse, rows, 400, within_s=0.5)


@pytest.mark.serial
@pytest.mark.parametrize("pattern", ["1", "+1 ", "(1)", "1-", "x1", "\u0661", ";ext=1", "tel:+1;"])
def test_a_callers_number_is_looked_up_in_bounded_time(pattern: str) -> None:
    address = repeated_to(pattern, MAX_ADDRESS_CHARS)
    assert best_seconds(lambda: [lookup_form(address, "CH") for _ in range(10)]) < 0.05
