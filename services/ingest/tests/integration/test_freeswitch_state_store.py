"""The FreeSWITCH bridge's call state on the real Redis: kept per tenant with its TTL, read
back as written (what a restarted bridge goes on from), and erased with its tenant only."""

import pytest
from ingest_service.freeswitch import CallStore
from ingest_service.freeswitch.state import CallState, Member
from ingest_service.freeswitch.store import call_key
from ingest_service.unprovision import FREESWITCH_CALLS, erase_ingest
from mysessions_platform.erasure import Scope
from mysessions_platform.testing.redis_keys import RedisKeys

pytestmark = pytest.mark.integration


async def test_call_state_round_trips_expires_and_is_erased_with_its_tenant(
    redis_keys: RedisKeys,
) -> None:
    redis, prefix = redis_keys.client, redis_keys.prefix
    state = CallState(
        session_id="c-1",
        members=[Member(member_uuid="m-1", service_id="support", service_name="Support")],
        applied=["core/1"],
    )
    gone, kept = CallStore(redis, prefix, "acme", ttl_s=600), CallStore(redis, prefix, "acme2")
    await gone.save(state)
    await kept.save(state)

    assert await gone.load("c-1") == state
    assert await gone.load("c-2") is None
    assert 0 < await redis.ttl(call_key(prefix, "acme", "c-1")) <= 600

    service_only = await erase_ingest(redis, prefix, Scope("acme", service_id="support"))
    assert service_only[FREESWITCH_CALLS] == 0
    dry = await erase_ingest(redis, prefix, Scope("acme", dry_run=True))
    assert dry[FREESWITCH_CALLS] == 1
    assert await gone.load("c-1") == state
    erased = await erase_ingest(redis, prefix, Scope("acme"))
    assert erased[FREESWITCH_CALLS] == 1
    assert await gone.load("c-1") is None
    assert await kept.load("c-1") == state
