from datetime import datetime, timedelta, timezone

import pytest
from mysessions.simulation import (
    AgentBehaviour,
    CallerBehaviour,
    Mix,
    OutboundOutcomes,
    RoutingBehaviour,
    SimulationConfig,
)

pytestmark = pytest.mark.unit


def test_defaults_are_valid() -> None:
    config = SimulationConfig()

    assert config.mix.inbound_voice == pytest.approx(0.55)
    assert sum(config.outbound.shares().values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "build",
    [
        lambda: SimulationConfig(tenants=0),
        lambda: SimulationConfig(services_per_tenant=0),
        lambda: SimulationConfig(agents_per_tenant=0),
        lambda: SimulationConfig(rate=0),
        lambda: SimulationConfig(duration_s=-1),
        lambda: SimulationConfig(start=datetime(2025, 1, 1)),  # naive on purpose
        lambda: SimulationConfig(start=datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=2)))),
        lambda: Mix(outbound=0.6, email=0.3, chat=0.3),
        lambda: AgentBehaviour(accept=0.5, decline=0.1, rona=0.1),
        lambda: AgentBehaviour(accept=0.0, decline=0.5, rona=0.5),
        lambda: AgentBehaviour(answer_delay_s=(5.0, 25.0)),
        lambda: CallerBehaviour(abandon=1.5),
        lambda: RoutingBehaviour(max_transfers=-1),
        lambda: OutboundOutcomes(destination_accepted=0.9),
        lambda: SimulationConfig(tenant_prefix=""),
        lambda: SimulationConfig(tenant_prefix="demo run"),
    ],
)
def test_invalid_configs_are_rejected(build: object) -> None:
    assert callable(build)
    with pytest.raises(ValueError, match=r"."):
        build()


def test_the_run_tag_names_seed_and_start() -> None:
    assert SimulationConfig(seed=7).run_tag == "7-20250106T090000"


def test_tenant_ids_follow_the_prefix() -> None:
    assert SimulationConfig(tenants=2).tenant_ids == ("tenant-1", "tenant-2")
    assert SimulationConfig(tenants=2, tenant_prefix="demo-x").tenant_ids == (
        "demo-x-1",
        "demo-x-2",
    )
