"""The mail of an e-mail session on real Redis: kept while the session lives (with the live
context's TTL), gone in the round trip that ends the session, never revived by a late or
redelivered ``email.received``, and erased when its service is unprovisioned."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import contracts as c
import pytest
from aiokafka import ConsumerRecord
from context_service.adapters.live_mail import LiveMail
from context_service.adapters.live_store import LiveContextStore
from context_service.adapters.stored_context import StoredContextStore
from context_service.domain import AddressKind, Caller, anonymous
from context_service.step import ContextStep
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys

pytestmark = pytest.mark.integration

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
SENDER = c.Party(address="jane@example.com", address_kind="email", display_name="Jane")


class NoLookups:
    async def resolve(self, tenant: str, address: str, kind: AddressKind) -> Caller:
        return anonymous(address, kind)


def _record(event: c.SessionEvent, offset: int) -> ConsumerRecord[bytes, bytes]:
    value, key = c.encode(event), event.session_id.encode()
    built: ConsumerRecord[bytes, bytes] = ConsumerRecord(
        "sessions", 0, offset, 0, 0, key, value, None, len(key), len(value), ()
    )
    return built


def _common(session: str, seconds: int) -> dict[str, object]:
    return {
        "event_id": uuid4(),
        "occurred_at": T0 + timedelta(seconds=seconds),
        "tenant_id": "t-mail",
        "session_id": session,
    }


def started(session: str) -> c.SessionStarted:
    return c.SessionStarted(
        **_common(session, 0),  # type: ignore[arg-type]
        direction="inbound",
        modality="email",
        service_id="support",
        service_name="Support",
        caller=SENDER,
    )


def mail(session: str, subject: str = "My invoice", seconds: int = 1) -> c.EmailReceived:
    return c.EmailReceived(
        **_common(session, seconds),  # type: ignore[arg-type]
        sender=SENDER,
        subject=subject,
        html_body="<p>Hello, <b>my invoice</b> is wrong.</p>",
        received_at=T0,
    )


def parameters(session: str) -> c.CustomParametersUpdated:
    return c.CustomParametersUpdated(
        **_common(session, 3),  # type: ignore[arg-type]
        service_session_id="ss-1",
        parameters={"Ticket": "T-1"},
    )


def ended(session: str) -> c.SessionEnded:
    return c.SessionEnded(**_common(session, 60), ended_by="agent")  # type: ignore[arg-type]


@pytest.fixture
def parts(
    redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> tuple[ContextStep, LiveContextStore, LiveMail]:
    database = mongo_databases.create("mail")
    live = LiveContextStore(
        redis_keys.client, redis_keys.prefix, timedelta(hours=1), timedelta(hours=1)
    )
    step = ContextStep(
        live=live,
        stored=StoredContextStore(database),
        settings=SettingsCache(
            ServiceSettingsStore(database),
            TenantSettingsStore(database),
            60,
            catalogs=TenantCatalogs(database),
        ),
        callers=NoLookups(),
    )
    return step, live, LiveMail(redis_keys.client, redis_keys.prefix)


def _key(redis_keys: RedisKeys, session: str) -> str:
    return f"{redis_keys.prefix}:ctx:{{t-mail:{session}}}:mail"


async def test_the_mail_lives_with_the_session_and_goes_at_its_end(
    parts: tuple[ContextStep, LiveContextStore, LiveMail], redis_keys: RedisKeys
) -> None:
    step, _, mails = parts
    first, second = mail("s-1", "First"), mail("s-1", "Second", seconds=2)
    assert await step([_record(started("s-1"), 0), _record(first, 1), _record(second, 2)]) == []
    kept = await mails.get("t-mail", "s-1")
    assert kept == second  # the latest mail of the session, as the contract carries it
    assert 0 < await redis_keys.client.ttl(_key(redis_keys, "s-1")) <= 3600
    await redis_keys.client.expire(_key(redis_keys, "s-1"), 60)
    await step([_record(parameters("s-1"), 3)])
    assert await redis_keys.client.ttl(_key(redis_keys, "s-1")) > 60  # renewed with the context

    assert await step([_record(ended("s-1"), 4)]) == []
    assert await mails.get("t-mail", "s-1") is None
    # A redelivered or late mail of the ended session is not kept again.
    await step([_record(second, 5), _record(mail("s-1", "Late", seconds=90), 6)])
    assert await mails.get("t-mail", "s-1") is None


async def test_a_mail_and_the_end_in_one_batch_leave_nothing(
    parts: tuple[ContextStep, LiveContextStore, LiveMail], redis_keys: RedisKeys
) -> None:
    step, _, mails = parts
    batch: list[c.SessionEvent] = [started("s-2"), mail("s-2"), ended("s-2")]
    assert await step([_record(event, n) for n, event in enumerate(batch)]) == []
    assert await mails.get("t-mail", "s-2") is None
    assert not [
        k async for k in redis_keys.client.scan_iter(match=_key(redis_keys, "s-2"), count=1000)
    ]


async def test_unprovisioning_the_service_erases_its_sessions_mail(
    parts: tuple[ContextStep, LiveContextStore, LiveMail],
) -> None:
    step, live, mails = parts
    await step([_record(started("s-3"), 0), _record(mail("s-3"), 1)])
    assert await live.erase("t-mail", "other-service") == 0
    assert await mails.get("t-mail", "s-3") is not None
    assert await live.erase("t-mail", "support") == 2  # the live context and its mail
    assert await mails.get("t-mail", "s-3") is None
