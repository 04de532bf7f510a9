from dataclasses import replace
from datetime import UTC, datetime

import pytest
from contracts import encode
from mysessions.simulation import SimulationConfig, simulate

pytestmark = pytest.mark.unit

CONFIG = SimulationConfig(agents_per_tenant=40, rate=5, duration_s=120, seed=42)


def _wire(config: SimulationConfig) -> list[bytes]:
    return [encode(event) for event in simulate(config)]


def test_the_same_config_yields_byte_identical_events() -> None:
    first = _wire(CONFIG)

    assert first
    assert _wire(CONFIG) == first


def test_another_seed_yields_other_events() -> None:
    assert _wire(replace(CONFIG, seed=43)) != _wire(CONFIG)


def test_runs_with_another_seed_or_start_share_no_ids() -> None:
    """A second run must not collide with the first in ingest's de-duplication."""
    base = list(simulate(CONFIG))
    later = replace(CONFIG, start=datetime(2025, 1, 6, 10, 0, tzinfo=UTC))
    for other in (list(simulate(replace(CONFIG, seed=43))), list(simulate(later))):
        assert not {e.event_id for e in base} & {e.event_id for e in other}
        assert not {e.session_id for e in base} & {e.session_id for e in other}


def test_the_generator_is_lazy() -> None:
    events = simulate(replace(CONFIG, duration_s=10**9))

    assert next(events).type == "session.started"
