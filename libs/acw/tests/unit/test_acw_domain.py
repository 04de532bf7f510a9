"""After-call work rules: the open rule, codes in force at the start, tags."""

from datetime import UTC, datetime, timedelta

import pytest
from acw.domain import (
    AcwConflict,
    AcwRefused,
    CodeLists,
    EndedTask,
    in_force_at,
    normalize_tags,
    open_for_acw,
    validate_work,
)

pytestmark = pytest.mark.unit

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
LISTS = CodeLists(True, {"sale": "Sale", "info": "Information"}, {"vip": "VIP customer"})


def task(
    direction: str = "inbound", outcome: str | None = "accepted", state: str = "ended"
) -> EndedTask:
    return EndedTask("t", "agent-1", "s-1", "us-1", "ss-1", "svc", direction, state, outcome, T0)


@pytest.mark.parametrize(
    ("direction", "outcome", "expected"),
    [
        ("inbound", "accepted", True),
        ("inbound", "declined", False),
        ("inbound", "rona", False),
        ("inbound", "cancelled", False),
        ("inbound", "rescinded", False),
        ("inbound", "expired", False),
        ("outbound", "destination_accepted", True),
        ("outbound", "destination_declined", True),
        ("outbound", "destination_not_reached", True),
        ("outbound", "user_aborted", True),
        ("outbound", "not_accepted", False),
        ("outbound", "expired", False),
    ],
)
def test_open_rule_handled_tasks_only(direction: str, outcome: str, expected: bool) -> None:
    assert open_for_acw(task(direction, outcome), LISTS) is expected


def test_nothing_is_open_without_codes_and_tags_or_before_the_end() -> None:
    assert open_for_acw(task(), CodeLists.all_off()) is False
    assert open_for_acw(task(state="connected", outcome=None), LISTS) is False


def test_a_primary_code_is_required_where_the_service_lists_them() -> None:
    with pytest.raises(AcwRefused, match="a primary code is required"):
        validate_work(LISTS, None, None, ())
    assert validate_work(CodeLists(True, {}, {}), None, None, ()).primary_code is None


def test_codes_must_be_listed_and_keep_the_label_of_the_list() -> None:
    work = validate_work(LISTS, "sale", "vip", ())
    assert (work.primary_code, work.secondary_code) == (("sale", "Sale"), ("vip", "VIP customer"))
    with pytest.raises(AcwRefused, match="primary code 'nope' is not in"):
        validate_work(LISTS, "nope", None, ())
    with pytest.raises(AcwRefused, match="secondary code 'sale' is not in"):
        validate_work(LISTS, "sale", "sale", ())


def test_the_version_in_force_is_the_last_one_written_before_the_instant() -> None:
    versions = [(T0 - timedelta(days=2), "v1"), (T0 - timedelta(days=1), "v2"), (T0, "v3")]
    assert in_force_at(versions, T0 - timedelta(hours=1)) == "v2"
    assert in_force_at(versions, T0) == "v3"
    assert in_force_at(versions, T0 - timedelta(days=3)) is None


def test_tags_are_trimmed_matched_ignoring_case_and_keep_the_first_spelling() -> None:
    assert normalize_tags(["  VIP ", "vip", "Refund", "STRASSE", "straße"]) == (
        "VIP",
        "Refund",
        "STRASSE",
    )
    with pytest.raises(AcwRefused, match="empty"):
        normalize_tags(["  "])
    with pytest.raises(AcwRefused, match="longer than 64"):
        normalize_tags(["x" * 65])
    with pytest.raises(AcwRefused, match="at most 20"):
        normalize_tags([f"t{n}" for n in range(21)])


def test_the_conflict_names_who_saved_and_when() -> None:
    message = str(AcwConflict("us-1", "alice", T0))
    assert "already saved by alice at 2026-12-01T10:00:00.000+00:00" in message
