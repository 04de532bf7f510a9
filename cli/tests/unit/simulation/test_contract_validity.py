from datetime import timedelta

import pytest
from contracts import SessionEvent, decode_session_event, encode
from mysessions.simulation import SimulationConfig, SimulationStats, max_session_s

pytestmark = pytest.mark.unit

Run = tuple[SimulationConfig, list[SessionEvent], SimulationStats]


def test_every_event_round_trips_through_the_wire_format(large_run: Run) -> None:
    _, events, _ = large_run

    for event in events:
        assert decode_session_event(encode(event)) == event


def test_events_come_in_time_order(small_run: Run, large_run: Run) -> None:
    for _, events, _ in (small_run, large_run):
        times = [event.occurred_at for event in events]
        assert times == sorted(times)


def test_sessions_start_within_the_duration_and_end_within_a_bounded_tail(large_run: Run) -> None:
    config, events, _ = large_run
    end_of_arrivals = config.start + timedelta(seconds=config.duration_s)
    end_of_tail = end_of_arrivals + timedelta(seconds=max_session_s(config))

    assert events[0].occurred_at >= config.start
    assert all(e.occurred_at < end_of_arrivals for e in events if e.type == "session.started")
    assert events[-1].occurred_at <= end_of_tail


def test_event_ids_are_unique(large_run: Run) -> None:
    _, events, _ = large_run

    assert len({event.event_id for event in events}) == len(events)
