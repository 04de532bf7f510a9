"""The AMI bridge's call state and outbox in real Redis, and its handling of one message:
a bridge that dies after recording and before publishing republishes on start, once."""

from datetime import UTC, datetime

import pytest
from contracts import SessionEvent
from fake_asterisk.calls import Call
from ingest_service.ami import AmiMessage, AmiTranslator, RedisCalls, flush_pending, handle
from ingest_service.keys import ami_call
from ingest_service.queue_log import QueueLogOptions
from ingest_service.unprovision import AMI_CALLS, erase_ingest
from mysessions_platform.erasure import Scope
from mysessions_platform.testing.redis_keys import RedisKeys

pytestmark = pytest.mark.integration

T0 = 1_765_000_000.0
LINKEDID = "pbx:1{7}65 00*"  # separators, braces, glob characters and a space


class Died(BaseException):
    """The process dying between recording and publishing (no handler runs)."""


async def test_events_recorded_but_not_published_are_published_on_start_and_once(
    redis_keys: RedisKeys,
) -> None:
    calls = RedisCalls(redis_keys.client, redis_keys.prefix, "acme")
    translator = AmiTranslator(QueueLogOptions(tenant_id="acme"))
    join = AmiMessage(tuple(Call(LINKEDID).join(T0)))

    async def dies(events: list[SessionEvent]) -> None:
        raise Died

    with pytest.raises(Died):
        await handle(join, translator, calls, dies, lambda: datetime.now(UTC))

    published: list[SessionEvent] = []

    async def publish(events: list[SessionEvent]) -> None:
        published.extend(events)

    restarted = RedisCalls(redis_keys.client, redis_keys.prefix, "acme")
    assert await flush_pending(restarted, publish) == 2
    assert [e.type for e in published] == ["session.started", "session.queued"]
    assert await flush_pending(restarted, publish) == 0
    state = await restarted.load(LINKEDID)
    assert state is not None
    assert state.visit is not None
    assert state.visit.service_session_id == f"{state.session_id}:1"


async def test_a_call_key_is_encoded_per_tenant_and_expires(redis_keys: RedisKeys) -> None:
    calls = RedisCalls(redis_keys.client, redis_keys.prefix, "acme", ttl_s=600)
    translator = AmiTranslator(QueueLogOptions(tenant_id="acme"))

    async def publish(events: list[SessionEvent]) -> None:
        pass

    join = AmiMessage(tuple(Call(LINKEDID).join(T0)))
    assert await handle(join, translator, calls, publish) == 2
    key = ami_call(redis_keys.prefix, "acme", LINKEDID)
    assert "{acme}" in key
    assert key.endswith(":call:pbx%3A1%7B7%7D65%2000%2A")
    assert 0 < await redis_keys.client.ttl(key) <= 600
    other_tenant = RedisCalls(redis_keys.client, redis_keys.prefix, "acme:eu")
    assert await other_tenant.load(LINKEDID) is None


async def test_a_tenants_unprovisioning_erases_its_calls_and_outbox_and_no_other(
    redis_keys: RedisKeys,
) -> None:
    translator = AmiTranslator(QueueLogOptions(tenant_id="acme"))
    gone, kept = (RedisCalls(redis_keys.client, redis_keys.prefix, t) for t in ("acme", "acme2"))

    async def dies(events: list[SessionEvent]) -> None:
        raise Died

    join = AmiMessage(tuple(Call(LINKEDID).join(T0)))
    for calls in (gone, kept):  # recorded, not published: the outbox holds the caller
        with pytest.raises(Died):
            await handle(join, translator, calls, dies, lambda: datetime.now(UTC))

    dry = await erase_ingest(redis_keys.client, redis_keys.prefix, Scope("acme", dry_run=True))
    assert dry[AMI_CALLS] == 2  # the call's hash and the tenant's pending set
    erased = await erase_ingest(redis_keys.client, redis_keys.prefix, Scope("acme"))
    assert erased[AMI_CALLS] == 2
    assert await gone.load(LINKEDID) is None
    assert await kept.load(LINKEDID) is not None
    remaining = [
        key async for key in redis_keys.client.scan_iter(match=f"{redis_keys.prefix}:*", count=1000)
    ]
    assert all(b"{acme2}" in key for key in remaining), remaining
