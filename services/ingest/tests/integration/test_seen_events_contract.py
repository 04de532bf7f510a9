"""The in-memory seen events (the unit tests' fake) and the Redis ``Deduplicator`` keep
the same promises, checked by the same assertions against both: a claim is True once per
confirmation, a pending claim is taken again, tenants never share a mark."""

from collections.abc import Callable
from typing import Literal

import pytest
from ingest_service import keys
from ingest_service.dedupe import Deduplicator
from ingest_service.keys import SeenKey
from ingest_service.ports import SeenEvents
from mysessions_platform.testing.fakes import InMemoryClaims
from mysessions_platform.testing.redis_keys import RedisKeys

pytestmark = pytest.mark.integration

Kind = Literal["in memory", "redis"]


@pytest.fixture(params=["in memory", "redis"])
def seen_events(request: pytest.FixtureRequest, redis_keys: RedisKeys) -> SeenEvents:
    kind: Kind = request.param
    if kind == "redis":
        return Deduplicator(redis_keys.client, ttl_s=3600)
    fake: InMemoryClaims[SeenKey] = InMemoryClaims()
    return fake


@pytest.fixture
def key(redis_keys: RedisKeys) -> Callable[[str, str], SeenKey]:
    return lambda tenant, event: keys.seen_event(redis_keys.prefix, tenant, event)


async def test_a_new_key_is_claimed_and_a_confirmed_one_never_again(
    seen_events: SeenEvents, key: Callable[[str, str], SeenKey]
) -> None:
    first, second = key("t-1", "e-1"), key("t-1", "e-2")

    assert await seen_events.claim([first, second]) == [True, True]
    await seen_events.confirm([first])

    assert await seen_events.claim([first, second]) == [False, True]


async def test_a_claim_never_confirmed_is_claimed_again(
    seen_events: SeenEvents, key: Callable[[str, str], SeenKey]
) -> None:
    pending = key("t-1", "e-1")
    await seen_events.claim([pending])

    assert await seen_events.claim([pending]) == [True]


async def test_answers_follow_the_order_asked_across_tenants(
    seen_events: SeenEvents, key: Callable[[str, str], SeenKey]
) -> None:
    done = [key("t-1", "e-1"), key("t-2", "e-2")]
    await seen_events.claim(done)
    await seen_events.confirm(done)

    asked = [key("t-2", "e-2"), key("t-1", "e-9"), key("t-1", "e-1"), key("t-2", "e-1")]
    assert await seen_events.claim(asked) == [False, True, False, True]


async def test_nothing_asked_is_nothing_answered(seen_events: SeenEvents) -> None:
    assert await seen_events.claim([]) == []
    await seen_events.confirm([])
