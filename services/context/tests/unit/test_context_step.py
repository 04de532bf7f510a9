"""The context step's rules, seen through its ports (in-memory stores, settings and
callers): the documentation's transfer example stored where services opted in, callers
resolved once and never waited for past the deadline, an ended session never revived, a
repeat stores nothing twice, bad input rejected naming fields only, outages propagated."""

import asyncio
import json
from datetime import timedelta
from uuid import uuid4

import contracts as c
import pytest
import redis.exceptions
from aiokafka import ConsumerRecord
from context_service.domain import AddressKind, Caller
from context_service.step import ContextStep
from context_service.transfer_example import ENDED_AT, EXPECTED, PHONE, STORING, T0, events
from mysessions_platform.testing.fakes import ManualClock
from mysessions_platform.testing.records import consumer_record
from step_fakes.context import InMemoryLiveContexts, InMemoryStoredContexts

pytestmark = pytest.mark.unit

TENANT, SESSION = "acme", "s-1"
KEY = (TENANT, SESSION)
NOW = ENDED_AT + timedelta(seconds=1)
JOHN = Caller(address=PHONE, address_kind="pstn", source="address_book", display_name="John Doe")


class OptedIn:
    """Settings: the services of ``STORING`` that store context, switched on a day before."""

    async def get(self, tenant_id: str, service_id: str) -> c.ServiceSettings:
        settings = c.ServiceSettings.default(tenant_id, service_id)
        if not STORING.get(service_id):
            return settings
        on = {"store_context": True, "store_context_enabled_at": T0 - timedelta(days=1)}
        return settings.model_copy(update=on)


class Callers:
    """Knows John; counts every lookup; ``hang`` makes lookups never answer."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.hang = False

    async def resolve(self, tenant: str, address: str, kind: AddressKind) -> Caller:
        self.asked.append(address)
        if self.hang:
            await asyncio.Event().wait()
        return JOHN


class Context:
    def __init__(self) -> None:
        self.live = InMemoryLiveContexts()
        self.stored = InMemoryStoredContexts()
        self.callers = Callers()
        self.clock = ManualClock(NOW)
        self.step = ContextStep(
            live=self.live,
            stored=self.stored,
            settings=OptedIn(),
            callers=self.callers,
            clock=self.clock,
            caller_deadline_s=0.05,
        )


def records(stream: list[c.SessionEvent]) -> list[ConsumerRecord[bytes, bytes]]:
    return [consumer_record(c.encode(event), offset=n) for n, event in enumerate(stream)]


def shown(context: Context) -> dict[str, dict[str, tuple[str, str | None]] | None]:
    """Each service's stored parameters (value, provenance), None where nothing is stored."""
    stored = {r.service_id: r for r in context.stored.records.values()}
    return {
        service: (
            {name: (p.value, p.service_id) for name, p in stored[service].parameters.items()}
            if service in stored
            else None
        )
        for service in STORING
    }


async def test_the_transfer_example_is_stored_for_the_services_that_opted_in() -> None:
    context = Context()

    assert await context.step(records(events(TENANT, SESSION))) == []

    assert shown(context) == EXPECTED
    assert {r.caller for r in context.stored.records.values()} == {JOHN}
    assert context.step.counts.stored == 2


async def test_an_ended_session_keeps_only_its_marker() -> None:
    context = Context()

    await context.step(records(events(TENANT, SESSION)))

    assert context.live.live == {}
    assert context.live.ended == {KEY: ["svc-a", "svc-b", "svc-c"]}


async def test_a_live_session_keeps_its_context_between_batches() -> None:
    context = Context()
    stream = events(TENANT, SESSION)

    await context.step(records(stream[:3]))
    await context.step(records(stream[3:]))

    assert shown(context) == EXPECTED
    assert context.callers.asked == [PHONE], "resolved once, kept with the context"


async def test_a_redelivered_session_stores_nothing_twice_and_is_not_revived() -> None:
    context = Context()
    stream = events(TENANT, SESSION)
    await context.step(records(stream))
    first = dict(context.stored.records)

    await context.step(records(stream))
    await context.step(records(stream[:3]))

    assert context.stored.records == first
    assert context.step.counts.stored == 2
    assert context.live.live == {}


async def test_a_redelivered_batch_of_a_live_session_changes_nothing() -> None:
    context = Context()
    opening = events(TENANT, SESSION)[:3]
    await context.step(records(opening))
    before = context.live.live[KEY]

    await context.step(records(opening))

    assert context.live.live[KEY] == before


async def test_a_caller_lookup_past_the_deadline_leaves_the_caller_anonymous() -> None:
    context = Context()
    context.callers.hang = True

    await context.step(records(events(TENANT, SESSION)))

    callers = {r.caller for r in context.stored.records.values()}
    assert callers == {Caller(address=PHONE, address_kind="pstn", source="none")}


async def test_the_mail_of_an_email_session_is_kept_while_it_lives_and_never_after() -> None:
    context = Context()
    sender = c.Party(address="jane@example.com", address_kind="email", display_name="Jane")
    common = {"tenant_id": TENANT, "session_id": SESSION, "occurred_at": T0}
    started = c.SessionStarted(
        **common,  # type: ignore[arg-type]
        event_id=uuid4(),
        direction="inbound",
        modality="email",
        service_id="svc-a",
        service_name="Service A",
        caller=sender,
    )
    mail = c.EmailReceived(
        **common,  # type: ignore[arg-type]
        event_id=uuid4(),
        sender=sender,
        subject="My invoice",
        html_body="<p>wrong</p>",
        received_at=T0,
    )
    ended = c.SessionEnded(**common, event_id=uuid4(), ended_by="agent")  # type: ignore[arg-type]

    await context.step(records([started, mail]))
    assert context.live.mails == {KEY: mail}

    await context.step(records([ended]))
    await context.step(records([mail]))  # redelivered after the end
    assert context.live.mails == {}


async def test_an_invalid_event_is_rejected_naming_fields_and_the_rest_applied() -> None:
    context = Context()
    stream = events(TENANT, SESSION)
    bad = json.loads(c.encode(stream[0]))
    bad["direction"] = PHONE
    batch = records(stream)
    batch.insert(1, consumer_record(json.dumps(bad).encode(), offset=99))

    [rejection] = await context.step(batch)

    assert (rejection.kind, rejection.record.offset) == ("invalid", 99)
    assert "direction" in rejection.reason
    assert PHONE not in rejection.reason
    assert rejection.first_failure_at == NOW
    assert shown(context) == EXPECTED


async def test_an_outage_of_the_live_store_propagates() -> None:
    context = Context()
    context.live.outage.begin()

    with pytest.raises(redis.exceptions.ConnectionError):
        await context.step(records(events(TENANT, SESSION)))

    assert context.stored.records == {}


async def test_an_outage_of_the_records_leaves_the_session_live_for_the_retry() -> None:
    context = Context()
    stream = events(TENANT, SESSION)
    await context.step(records(stream[:-1]))
    context.stored.outage.begin(TimeoutError("MongoDB is slow"))

    with pytest.raises(TimeoutError):
        await context.step(records(stream[-1:]))
    assert context.live.ended == {}, "no marker: the redelivered end must store again"

    context.stored.outage.end()
    await context.step(records(stream[-1:]))
    assert shown(context) == EXPECTED


def crm_caller(minutes: float, name: str, company: str, city: str) -> c.CallerDetailsUpdated:
    return c.CallerDetailsUpdated(
        event_id=uuid4(),
        occurred_at=T0 + timedelta(minutes=minutes),
        tenant_id=TENANT,
        session_id=SESSION,
        service_session_id=f"{SESSION}-svc-a",
        display_name=name,
        company=company,
        city=city,
    )


async def test_a_crm_flow_replaces_the_caller_and_the_pages_are_told() -> None:
    context = Context()
    stream = events(TENANT, SESSION)
    await context.step(records(stream[:2]))  # started (resolved: John) and queued in A
    assert context.live.shown == [KEY], "the resolved caller is news to the page too"

    update = crm_caller(0.5, "Jane Roe", "Roe Ltd", "Zurich")
    await context.step(records([update]))
    await context.step(records([update]))  # redelivered: nothing changes, nobody is told

    caller = context.live.live[KEY].caller
    assert caller == Caller(
        address=PHONE,
        address_kind="pstn",
        source="crm",
        display_name="Jane Roe",
        company="Roe Ltd",
        city="Zurich",
    )
    assert context.live.shown == [KEY, KEY]
    assert context.callers.asked == [PHONE], "a caller set by the CRM is not looked up again"


async def test_the_pages_are_told_of_parameter_changes_only_while_the_session_lives() -> None:
    context = Context()
    stream = events(TENANT, SESSION)
    await context.step(records(stream[:2]))
    told = len(context.live.shown)

    await context.step(records(stream[2:3]))  # parameters set in A
    assert len(context.live.shown) == told + 1

    await context.step(records(stream[3:]))  # ... more, then the end: nothing left to show
    assert context.live.shown[told + 1 :] == []


async def test_a_batchs_lookups_run_at_most_caller_lanes_at_once() -> None:
    """A batch of many new sessions resolves its callers side by side, but never more than
    CALLER_LANES at once (the rest would wait on the database client's pool, where a lookup
    cancelled at its deadline was seen never to finish cancelling)."""
    from context_service.step import CALLER_LANES

    context = Context()
    context.step.caller_deadline_s = 5.0
    running = most = 0

    async def resolve(tenant: str, address: str, kind: AddressKind) -> Caller:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1
        return JOHN

    context.callers.resolve = resolve  # type: ignore[method-assign]
    openings = [event for n in range(3 * CALLER_LANES) for event in events(TENANT, f"s-{n}")[:1]]

    await context.step(records(openings))

    assert most == CALLER_LANES
