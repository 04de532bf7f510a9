"""The demo counts only its own run's tenants, whatever else the key prefix holds."""

import json
from datetime import UTC, datetime
from itertools import islice
from random import Random

import pytest
from context_service.contacts_import import parse_rows
from contracts import SessionStarted
from gateway_service.settings import DemoUser
from mysessions.commands.demo import busiest_agent, demo_users, run_prefix, tasks_of_run
from mysessions.commands.simulate import make_config
from mysessions.demo_contacts import LOOK_AHEAD_EVENTS, demo_contacts
from mysessions.simulation import simulate
from mysessions.simulation.topology import build_tenants

pytestmark = pytest.mark.unit

RUN = {"demo-20250106T090000Z-1", "demo-20250106T090000Z-2"}


def task(tenant: str, user: str, n: int, state: str = "ended") -> tuple[str, str]:
    body = {"tenant_id": tenant, "user_id": user, "state": state, "outcome": None, "n": n}
    return f"us-{n}", json.dumps(body)


def snapshot() -> dict[str, dict[str, str]]:
    # Key names are deliberately not what the store writes: only the stored JSON counts.
    return {
        "whatever:a": dict([task("demo-20250106T090000Z-1", "t1-agent-1", 1)]),
        "whatever:b": dict(
            [task("demo-20250106T090000Z-2", "t2-agent-1", n, "incoming") for n in (2, 3)]
        ),
        "earlier-demo": dict([task("demo-20250105T080000Z-1", "t1-agent-1", n) for n in range(9)]),
        "other-tenant": dict([task("acme", "alice", n) for n in range(20)]),
    }


def test_only_this_runs_tenants_are_counted() -> None:
    tasks = tasks_of_run(snapshot(), RUN)

    assert set(tasks) == {
        ("demo-20250106T090000Z-1", "t1-agent-1"),
        ("demo-20250106T090000Z-2", "t2-agent-1"),
    }
    assert sum(len(found) for found in tasks.values()) == 3


def test_the_busiest_agent_is_one_of_this_run() -> None:
    assert busiest_agent(tasks_of_run(snapshot(), RUN)) == (
        "demo-20250106T090000Z-2",
        "t2-agent-1",
    )
    assert busiest_agent(tasks_of_run(snapshot(), {"nobody"})) is None


def test_each_run_gets_a_fresh_prefix_that_makes_valid_tenant_ids() -> None:
    first = run_prefix(datetime(2025, 1, 6, 9, 0, 0, tzinfo=UTC))
    later = run_prefix(datetime(2025, 1, 6, 9, 0, 1, tzinfo=UTC))

    assert first == "demo-20250106T090000Z"
    assert first != later


def test_demo_sign_ins_are_an_agent_an_owner_of_every_service_and_an_admin() -> None:
    config = make_config(2, 3, 5, 10.0, 30.0, 1, fast=False, tenant_prefix="demo-x")
    users = [DemoUser.model_validate(user) for user in demo_users(config)]

    assert {user.tenant_id for user in users} == {"demo-x-1"}
    agents = [u.user_id for u in users if u.roles == ["agent"]]
    assert agents == ["t1-agent-1", "t1-agent-2", "t1-agent-3"]
    (owner,) = (u for u in users if u.roles == ["service_owner"])
    assert owner.services == ["t1-svc-1", "t1-svc-2", "t1-svc-3"]
    assert [u.user_id for u in users if u.roles == ["tenant_admin"]] == ["admin-1"]


@pytest.mark.parametrize("agents", [1, 3, 20])
def test_every_demo_service_has_an_agent_among_the_sign_ins(agents: int) -> None:
    """The e-mail and chat service (the third) only reaches its own agents: without one of
    them on the sign-in page, nobody signing in ever sees an e-mail or a chat task."""
    config = make_config(1, 3, agents, 10.0, 30.0, 1, fast=False, tenant_prefix="demo-x")
    (tenant,) = build_tenants(config, Random(config.seed))
    signed = {user["user_id"] for user in demo_users(config) if user["roles"] == ["agent"]}
    for service in tenant.services:
        serving = {a.user_id for a in tenant.agents if service.service_id in a.service_ids}
        assert serving & signed, f"no demo sign-in serves {service.service_id}"


def test_the_demo_address_book_knows_every_other_mail_sender_of_the_run() -> None:
    config = make_config(1, 3, 4, 10.0, 600.0, 3, fast=False, tenant_prefix="demo-y")
    books = demo_contacts(config)

    (tenant,) = books
    parsed = parse_rows(books[tenant].splitlines(keepends=True), "contacts", None)
    assert not parsed.errors
    known = {line.split(",")[8] for line in books[tenant].splitlines()[1:]}
    callers = {
        e.caller.address
        for e in islice(simulate(config), LOOK_AHEAD_EVENTS)
        if isinstance(e, SessionStarted) and e.direction == "inbound"
        if e.caller.address_kind == "email"
    }
    assert len(parsed.documents) == len(known)
    assert known < callers
    assert len(callers) // 2 <= len(known) <= len(callers) // 2 + 1
