"""Which fields changed between two settings versions, and when the opt-in began."""

from datetime import UTC, datetime, timedelta

import pytest
from mysessions_platform.service_settings.changes import changed_fields, store_context_enabled_at

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(hours=1)


def test_nested_switches_are_named_and_lists_are_one_field() -> None:
    old = {"widgets": {"map": False, "chat": True}, "codes": [{"id": "a"}], "name": "S"}
    new = {"widgets": {"map": True, "chat": True}, "codes": [{"id": "b"}], "name": "S"}
    assert changed_fields(old, new) == ("codes", "widgets.map")
    assert changed_fields(old, old) == ()


def test_a_field_present_on_one_side_only_changed() -> None:
    assert changed_fields({"a": 1}, {"a": 1, "b": None}) == ()
    assert changed_fields({"a": 1}, {"a": 1, "b": 2}) == ("b",)


def test_switching_the_opt_in_on_records_the_instant() -> None:
    assert store_context_enabled_at(False, None, True, LATER) == LATER


def test_staying_on_keeps_the_first_instant() -> None:
    assert store_context_enabled_at(True, T0, True, LATER) == T0


def test_off_has_no_instant_and_on_again_starts_anew() -> None:
    assert store_context_enabled_at(True, T0, False, LATER) is None
    assert store_context_enabled_at(False, None, False, LATER) is None
    assert store_context_enabled_at(False, T0, True, LATER) == LATER
