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


def test_a_tenant_prefix_changes_the_tenant_ids_and_nothing_else() -> None:
    two_tenants = replace(CONFIG, tenants=2, duration_s=60)
    default = list(simulate(two_tenants))
    prefixed = list(simulate(replace(two_tenants, tenant_prefix="demo-20250106T090000Z")))

    assert {e.tenant_id for e in default} == {"tenant-1", "tenant-2"}
    assert {e.tenant_id for e in prefixed} == {
        "demo-20250106T090000Z-1",
        "demo-20250106T090000Z-2",
    }
    # Byte for byte the same run once the prefix is put back (tenant ids, chat links).
    renamed = [encode(e).replace(b"demo-20250106T090000Z-", b"tenant-") for e in prefixed]
    assert renamed == [encode(e) for e in default]


def test_the_generator_is_lazy() -> None:
    events = simulate(replace(CONFIG, duration_s=10**9))

    assert next(events).type == "session.started"
