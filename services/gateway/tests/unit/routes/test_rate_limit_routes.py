"""Per-user budgets of reads and writes, in process over an in-memory counter: beyond the
minute's allowance 429 with Retry-After, per user and per budget; a counter that cannot
count is 503, never an unlimited request."""

from collections.abc import AsyncIterator

import pytest

from .builders import stored_task
from .in_process import InProcessGateway, in_process_gateway

pytestmark = pytest.mark.unit


@pytest.fixture
async def gateway() -> AsyncIterator[InProcessGateway]:
    async with in_process_gateway(reads_per_minute=3, writes_per_minute=2) as running:
        running.fakes.queue.add(stored_task("acme", "alice", "u2"))
        yield running


async def test_reads_beyond_the_allowance_are_429_for_that_user_only(
    gateway: InProcessGateway,
) -> None:
    async with gateway.client("acme", "alice") as alice:
        answers = [await alice.get("/api/v1/tasks") for _ in range(4)]
        write = await alice.post("/api/v1/tasks/u2/acw", json={})
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 0 < int(answers[-1].headers["retry-after"]) <= 60
    assert "at most 3 reads a minute" in answers[-1].json()["detail"]
    assert write.status_code != 429, "writes have a budget of their own"
    for tenant, user in (("acme", "mallory"), ("other", "alice")):
        async with gateway.client(tenant, user) as other:
            assert (await other.get("/api/v1/tasks")).status_code == 200


async def test_writes_beyond_the_allowance_are_429(gateway: InProcessGateway) -> None:
    async with gateway.client("acme", "alice") as alice:
        answers = [await alice.post("/api/v1/tasks/u2/acw", json={}) for _ in range(3)]
    assert [a.status_code for a in answers][-1] == 429
    assert "at most 2 changes a minute" in answers[-1].json()["detail"]


async def test_a_counter_that_cannot_count_is_503_with_retry_after(
    gateway: InProcessGateway,
) -> None:
    gateway.fakes.requests.away = True
    async with gateway.client("acme", "alice") as alice:
        answer = await alice.get("/api/v1/tasks")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
