"""Which earlier sessions a returning caller's new task shows notes of
(``context_service.domain.returning``), checked against a reference model written the
other way round: a record is shown when it qualifies on every count (same key, another
session, stored by now, unexpired) and fewer than ``limit`` qualifying records rank above
it. Hypothesis draws the stored records (keys, sessions, instants) and the question.

And the key: numbers in E.164 whatever their spacing, addresses and UPNs in lower case,
anonymous callers none."""

from datetime import UTC, datetime, timedelta

import pytest
from context_service.adapters.caller_keys import caller_key, stored_caller_key
from context_service.domain import RETENTION, Caller, StoredContext
from context_service.domain.returning import MAX_EARLIER_SESSIONS, KeyedRecord, earlier_sessions
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
KEYS = ["+41790000001", "+41790000002", "ann@example.com", None]
SESSIONS = ["s1", "s2", "s3", "s4"]


def record(session: str, service_session: str, stored_at: datetime) -> StoredContext:
    return StoredContext(
        tenant_id="t",
        session_id=session,
        service_session_id=service_session,
        service_id="support",
        service_name="Support",
        left_at=stored_at - timedelta(seconds=1),
        left_how="ended",
        started_at=None,
        modality="voice",
        direction="inbound",
        service_upn=None,
        caller=None,
        parameters={},
        stored_at=stored_at,
        expires_at=stored_at + RETENTION,
    )


@st.composite
def stored(draw: st.DrawFn) -> list[KeyedRecord]:
    count = draw(st.integers(0, 14))
    records = []
    for n in range(count):
        # From 40 days ago (expired) to a minute ahead (not stored yet as of NOW).
        age = draw(st.integers(-60, 40 * 24 * 3600))
        records.append(
            (
                draw(st.sampled_from(KEYS)),
                record(draw(st.sampled_from(SESSIONS)), f"ss{n}", NOW - timedelta(seconds=age)),
            )
        )
    return records


def reference(
    records: list[KeyedRecord], key: str | None, session: str, limit: int
) -> list[StoredContext]:
    def qualifies(keyed: KeyedRecord) -> bool:
        k, r = keyed
        if key is None or k != key or r.session_id == session:
            return False
        return r.stored_at <= NOW < r.stored_at + RETENTION

    def rank(r: StoredContext) -> tuple[datetime, datetime, str]:
        return (r.stored_at, r.left_at, r.service_session_id)

    good = [r for keyed in records if qualifies(keyed) for r in [keyed[1]]]
    shown = [r for r in good if sum(rank(o) > rank(r) for o in good) < limit]
    return sorted(shown, key=rank, reverse=True)


@settings(max_examples=300, deadline=None)
@given(
    stored(),
    st.sampled_from(KEYS),
    st.sampled_from(SESSIONS),
    st.integers(0, MAX_EARLIER_SESSIONS + 2),
)
def test_the_rule_matches_the_reference_model(
    records: list[KeyedRecord], key: str | None, session: str, limit: int
) -> None:
    assert earlier_sessions(records, key, session, NOW, limit) == reference(
        records, key, session, limit
    )


def test_an_expired_record_another_callers_and_the_same_session_are_left_out() -> None:
    mine = record("earlier", "a", NOW - timedelta(days=2))
    expired = record("older", "b", NOW - RETENTION - timedelta(seconds=1))
    same_session = record("current", "c", NOW - timedelta(minutes=5))
    other = record("other", "d", NOW - timedelta(days=1))
    keyed = [("+1", mine), ("+1", expired), ("+1", same_session), ("+2", other)]
    assert earlier_sessions(keyed, "+1", "current", NOW) == [mine]
    assert earlier_sessions(keyed, None, "current", NOW) == []


def test_at_most_five_newest_first() -> None:
    records = [("+1", record(f"s{n}", f"ss{n}", NOW - timedelta(hours=n))) for n in range(1, 9)]
    shown = earlier_sessions(records, "+1", "now", NOW)
    assert [r.session_id for r in shown] == ["s1", "s2", "s3", "s4", "s5"]


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("+41 79 123 45 67", "+41791234567"),
        ("+41791234567", "+41791234567"),
        ("41791234567", "+41791234567"),
        ("Ann.Lee@Example.COM ", "ann.lee@example.com"),
        ("", None),
        (None, None),
    ],
)
def test_the_caller_key(address: str | None, key: str | None) -> None:
    assert caller_key(address) == key


def test_anonymous_callers_have_no_key() -> None:
    assert stored_caller_key(Caller(address="+41791234567", address_kind="anonymous")) is None
    assert stored_caller_key(None) is None
    assert stored_caller_key(Caller(address="BOB@x.org", address_kind="upn")) == "bob@x.org"
