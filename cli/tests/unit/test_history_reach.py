"""publish's report of the sessions too old for the queue's history window."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import contracts as c
import pytest
from ingest_service.queue_log import QueueLogOptions, QueueLogTranslator
from mysessions.history_reach import HistoryReach

pytestmark = pytest.mark.unit

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
WINDOW = timedelta(days=30)


def started(session: str, at: datetime, tenant: str = "acme") -> c.SessionStarted:
    return c.SessionStarted(
        event_id=uuid4(),
        occurred_at=at,
        tenant_id=tenant,
        session_id=session,
        direction="inbound",
        modality="voice",
        service_id="svc-1",
        service_name="Support",
        caller=c.Party(address="+15550001111", address_kind="pstn"),
    )


def test_sessions_whose_last_event_is_older_than_the_window_are_outside() -> None:
    tally = HistoryReach()
    old = NOW - WINDOW - timedelta(seconds=1)
    tally.observe([started("old", old - timedelta(hours=1)), started("old", old)])
    tally.observe([started("edge", NOW - WINDOW)])  # kept: exactly the window ago
    # Began long ago but its last event is recent: it is in the history.
    tally.observe([started("long", NOW - timedelta(days=90)), started("long", NOW)])
    tally.observe([started("old", old, tenant="other")])  # another tenant's session

    reach = tally.reach(NOW, WINDOW)

    assert (reach.sessions, reach.events) == (4, 6)
    assert (reach.sessions_outside, reach.events_outside) == (2, 3)
    assert reach.sentence() == (
        "2 of 4 sessions (3 of 6 events) had their last event more than 30 days ago, outside "
        "the queue's history window (QUEUE_HISTORY_DAYS): they will not appear in any "
        "agent's history"
    )


def test_observe_passes_the_events_through_unchanged() -> None:
    events = [started("s", NOW), started("t", NOW)]

    assert HistoryReach().observe(iter(events)) == events


def test_a_recent_file_says_so() -> None:
    tally = HistoryReach()
    tally.observe([started("s", NOW - timedelta(days=1))])

    assert tally.reach(NOW, timedelta(days=7)).sentence() == (
        "all 1 sessions lie within the queue's 7-day history window"
    )
    assert HistoryReach().reach(NOW, WINDOW).sentence() == "no sessions were sent"


def test_a_queue_log_of_last_year_is_reported_outside() -> None:
    translator = QueueLogTranslator(QueueLogOptions(tenant_id="acme"))
    tally = HistoryReach()
    old, recent = int((NOW - timedelta(days=365)).timestamp()), int(NOW.timestamp())
    lines = [
        f"{old}|call.1|support|NONE|ENTERQUEUE||+15551230001|1|",
        f"{old + 30}|call.1|support|NONE|ABANDON|1|1|30",
        f"{recent - 60}|call.2|support|NONE|ENTERQUEUE||+15551230002|1|",
        f"{recent}|call.2|support|NONE|ABANDON|1|1|60",
    ]
    for number, line in enumerate(lines, start=1):
        tally.observe(translator.feed(line, number))
    tally.observe(translator.finish())

    reach = tally.reach(NOW, WINDOW)

    assert (reach.sessions, reach.sessions_outside) == (2, 1)
    assert 0 < reach.events_outside < reach.events
