import pytest
from contracts import SessionEvent
from mysessions import simulation
from mysessions.simulation import SimulationConfig, SimulationStats

pytestmark = pytest.mark.unit

Run = tuple[SimulationConfig, list[SessionEvent], SimulationStats]


def test_stats_filled_while_generating_equal_stats_counted_from_the_events(small_run: Run) -> None:
    _, events, stats = small_run
    counted = SimulationStats(outbound_skipped=stats.outbound_skipped)
    for event in events:
        counted.observe(event)

    assert counted == stats
    assert stats.events == len(events)
    assert stats.session_count == stats.events_by_type["session.started"]
    assert stats.first_at == events[0].occurred_at
    assert stats.last_at == events[-1].occurred_at


def test_the_public_surface_is_what_it_claims() -> None:
    public = {name for name in dir(simulation) if not name.startswith("_")}

    assert set(simulation.__all__) <= public
    assert {"SimulationConfig", "SimulationStats", "simulate"} <= set(simulation.__all__)
