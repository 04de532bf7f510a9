import pytest
from contracts import SessionEvent
from mysessions.simulation import SimulationConfig, SimulationStats, plan

pytestmark = pytest.mark.unit

Run = tuple[SimulationConfig, list[SessionEvent], SimulationStats]


def test_a_ten_minute_run_produces_about_the_target_rate(ten_minute_run: Run) -> None:
    config, events, _ = ten_minute_run

    assert config.duration_s == 600
    assert len(events) / config.duration_s == pytest.approx(config.rate, rel=0.3)


def test_with_enough_agents_almost_every_session_is_answered(ten_minute_run: Run) -> None:
    config, _, stats = ten_minute_run
    rate_plan = plan(config)

    assert rate_plan.answered_share == 1.0
    assert rate_plan.agents_needed_per_tenant <= config.agents_per_tenant
    assert stats.ended["system: queue_timeout"] == 0
    assert stats.outbound_skipped == 0


def test_an_overloaded_center_still_produces_about_the_target_rate(overloaded_run: Run) -> None:
    """More sessions arrive, most of them wait and give up: the rate holds, and the plan says
    how many agents it would take."""
    config, events, stats = overloaded_run
    rate_plan = plan(config)

    assert len(events) / config.duration_s == pytest.approx(config.rate, rel=0.3)
    assert rate_plan.answered_share < 0.5
    assert rate_plan.agents_needed_per_tenant > config.agents_per_tenant
    assert stats.left_queue["abandoned"] > 0
    assert stats.ended["system: queue_timeout"] > 0
    assert stats.left_queue["queue_exited"] == stats.ended["system: queue_timeout"]
