"""Runs shared by the simulation tests: each is generated once per test session.

Under ``--import-mode=importlib`` test modules cannot import a sibling helper module, so the
runs are handed out as fixtures.
"""

import pytest
from contracts import SessionEvent
from mysessions.simulation import SimulationConfig, SimulationStats, simulate

Run = tuple[SimulationConfig, list[SessionEvent], SimulationStats]


def _run(config: SimulationConfig) -> Run:
    stats = SimulationStats()
    return config, list(simulate(config, stats)), stats


@pytest.fixture(scope="session")
def small_run() -> Run:
    """Two tenants with enough agents, five simulated minutes."""
    return _run(
        SimulationConfig(
            tenants=2, services_per_tenant=3, agents_per_tenant=60, rate=8, duration_s=300, seed=11
        )
    )


@pytest.fixture(scope="session")
def ten_minute_run() -> Run:
    return _run(
        SimulationConfig(
            tenants=1, services_per_tenant=3, agents_per_tenant=150, rate=10, duration_s=600, seed=3
        )
    )


@pytest.fixture(scope="session")
def large_run() -> Run:
    """Several services per tenant, ring-all on some of them, twenty simulated minutes."""
    return _run(
        SimulationConfig(
            tenants=2,
            services_per_tenant=4,
            agents_per_tenant=120,
            rate=20,
            duration_s=1200,
            seed=5,
        )
    )


@pytest.fixture(scope="session")
def overloaded_run() -> Run:
    """Far too few agents for the rate: callers wait, abandon and time out."""
    return _run(
        SimulationConfig(
            tenants=1, services_per_tenant=2, agents_per_tenant=4, rate=6, duration_s=300, seed=9
        )
    )
