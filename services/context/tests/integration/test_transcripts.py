"""Transcripts on the real Redis and MongoDB-wire server: captions while the call lives,
final transcripts where transcription is on, pending, 30-day expiry, erase."""

import asyncio
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import contracts as c
import pytest
from context_service.transcripts import Transcripts, make_transcripts
from context_service.transcripts.domain import Caption, LiveCaptions
from context_service.transcripts.keys import captions_channel
from context_service.transcripts.live_captions import RedisLiveCaptions
from context_service.transcripts.store import TRANSCRIPTS, MongoTranscripts
from context_service.transcripts_port import SessionLeft
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from pymongo.asynchronous.collection import AsyncCollection
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def ids(tenant: str = "acme", session: str = "s-1") -> dict[str, Any]:
    return {"event_id": uuid4(), "occurred_at": T0, "tenant_id": tenant, "session_id": session}


def queued(ss: str, service: str, **where: str) -> c.SessionQueued:
    return c.SessionQueued(
        **ids(**where), service_session_id=ss, service_id=service, service_name="S"
    )


def accepted(ss: str, us: str, **where: str) -> c.TaskAccepted:
    return c.TaskAccepted(**ids(**where), service_session_id=ss, user_session_id=us, user_id="ann")


def segment(
    ss: str,
    seg: str,
    start: int,
    text: str,
    *,
    final: bool = True,
    task: str | None = None,
    **where: str,
) -> c.TranscriptSegment:
    return c.TranscriptSegment(
        **ids(**where),
        service_session_id=ss,
        user_session_id=task,
        segment_id=seg,
        speaker="caller",
        start_ms=start,
        end_ms=start + 400,
        text=text,
        final=final,
    )


def final(ss: str, us: str, service: str, **where: str) -> c.TranscriptFinal:
    line = c.FinalTranscriptLine(speaker="agent", text=f"transcript of {us}", offset_ms=0)
    return c.TranscriptFinal(
        **ids(**where), service_session_id=ss, user_session_id=us, service_id=service, lines=[line]
    )


async def setup(
    redis_keys: RedisKeys, mongo_databases: MongoDatabases, transcribing: Sequence[str]
) -> tuple[Transcripts, Any]:
    database = mongo_databases.create("transcripts")
    settings = ServiceSettingsStore(database)
    for tenant in ("acme", "other"):
        for service in ("on", "on2", "off"):
            widgets = {"transcription": service in transcribing}
            spec = {"tenant_id": tenant, "service_id": service, "service_name": service}
            await settings.apply(
                c.ServiceSettingsSpec.model_validate({**spec, "widgets": widgets}), T0
            )
    cache = SettingsCache(
        settings, TenantSettingsStore(database), catalogs=TenantCatalogs(database)
    )
    transcripts = make_transcripts(redis_keys.client, database, cache, redis_keys.prefix)
    await transcripts.store.ensure_indexes()
    return transcripts, database


async def keys_of(redis_keys: RedisKeys) -> list[str]:
    return sorted(
        [
            k.decode()
            async for k in redis_keys.client.scan_iter(f"{redis_keys.prefix}:*", count=1000)
        ]
    )


async def test_captions_are_kept_in_order_published_and_cleared_when_the_call_leaves(
    redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    transcripts, _ = await setup(redis_keys, mongo_databases, ["on"])
    pubsub = redis_keys.client.pubsub()
    await pubsub.subscribe(captions_channel(redis_keys.prefix, "acme", "s-1"))
    batch: list[c.SessionEvent] = [
        queued("ss-1", "on"),
        accepted("ss-1", "us-1"),
        segment("ss-1", "g2", 2_000, "how can"),
        segment("ss-1", "g1", 1_000, "hel", final=False),
        segment("ss-1", "g1", 1_000, "hello"),
        segment("ss-1", "g1", 1_000, "hel", final=False),  # a partial never beats the final
        segment("ss-1", "g2", 2_000, "how can I help"),
    ]
    await transcripts.handler.handle(batch, T0)
    await transcripts.handler.handle(batch, T0)  # redelivered: the same end state

    state = await transcripts.reader.state("acme", "s-1", "us-1", T0)
    assert state.state == "live"
    assert [(x.segment_id, x.text) for x in state.captions] == [
        ("g1", "hello"),
        ("g2", "how can I help"),
    ]
    published: list[c.LiveCaption] = []
    try:
        for _ in range(20):  # until 7 (the subscription's confirmation reads None)
            if len(published) == 7:
                break
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
            if message is not None:
                published.append(c.LiveCaption.model_validate_json(message["data"]))
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
    # redelivered, taken and published again (a view keeps the latest per segment id); the
    # partial "hel" never beats the final "hello", on first delivery or the second
    assert len(published) == 4 + 3
    assert [(p.segment_id, p.text) for p in published[:4]] == [
        ("g2", "how can"),
        ("g1", "hel"),
        ("g1", "hello"),
        ("g2", "how can I help"),
    ]

    await transcripts.handler.on_session_left("acme", "s-1", "ss-1", "on", False, T0)
    await transcripts.handler.handle([segment("ss-1", "g3", 3_000, "late")], T0)
    assert [k for k in await keys_of(redis_keys) if ":ledger" not in k] == []
    assert (await transcripts.reader.state("acme", "s-1", "us-1", T0)).state == "pending"


async def test_redis_keeps_captions_exactly_as_the_domain_does(redis_keys: RedisKeys) -> None:
    rng = random.Random(7)
    live = RedisLiveCaptions(redis_keys.client, redis_keys.prefix, limit=20)
    model = LiveCaptions(limit=20)
    for batch in range(10):
        captions = [
            Caption(
                "ss-1",
                f"g{rng.randrange(40)}",
                "agent",
                rng.randrange(5) * 1_000,
                99_000,
                f"text {batch}.{n}",
                rng.random() < 0.5,
            )
            for n in range(8)
        ]
        taken = await live.apply("acme", "s-1", captions)
        assert taken == sum(model.apply(caption) for caption in captions)
    assert await live.read("acme", "s-1", "ss-1") == model.ordered()


async def test_the_final_transcript_is_stored_where_transcription_is_on_only(
    redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    transcripts, database = await setup(redis_keys, mongo_databases, ["on"])
    handler, reader = transcripts.handler, transcripts.reader
    await handler.handle(
        [queued("ss-1", "on"), accepted("ss-1", "us-1"), segment("ss-1", "g1", 0, "hi")], T0
    )
    assert (await reader.state("acme", "s-1", "us-1", T0)).state == "live"
    await handler.on_session_left("acme", "s-1", "ss-1", "on", True, T0)
    await handler.handle(
        [queued("ss-2", "off"), accepted("ss-2", "us-2"), segment("ss-2", "g1", 0, "hi")], T0
    )
    assert (await reader.state("acme", "s-1", "us-2", T0)).state == "none"
    assert not [k for k in await keys_of(redis_keys) if "ss-2" in k], "no captions kept"
    assert (await reader.state("acme", "s-1", "us-1", T0)).state == "pending"
    await handler.on_session_left("acme", "s-1", "ss-2", "off", True, T0)

    later = T0 + timedelta(minutes=2)
    both = [final("ss-1", "us-1", "on"), final("ss-2", "us-2", "off")]
    await handler.handle(both, later)
    await handler.handle(both, later + timedelta(minutes=1))  # redelivered: stored once

    state = await reader.state("acme", "s-1", "us-1", later)
    assert (state.state, [x.text for x in state.lines]) == ("available", ["transcript of us-1"])
    assert (state.stored_at, state.expires_at) == (later, later + timedelta(days=30))
    assert (await reader.state("acme", "s-1", "us-2", later)).state == "none"
    assert await database[TRANSCRIPTS].count_documents({}) == 1
    assert all(key.endswith(":ledger") for key in await keys_of(redis_keys)), "ids only"


async def test_a_stored_transcript_is_never_returned_after_30_days(
    redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    transcripts, database = await setup(redis_keys, mongo_databases, ["on"])
    await transcripts.handler.handle([queued("ss-1", "on"), accepted("ss-1", "us-1")], T0)
    await transcripts.handler.on_session_left("acme", "s-1", "ss-1", "on", False, T0)
    await transcripts.handler.handle([final("ss-1", "us-1", "on")], T0)
    read = transcripts.reader.state
    assert (await read("acme", "s-1", "us-1", T0 + timedelta(days=29, hours=23))).lines
    for later in (T0 + timedelta(days=30), T0 + timedelta(days=31)):
        expired = await read("acme", "s-1", "us-1", later)
        assert (expired.state, expired.lines) == ("expired", ())
    assert await database[TRANSCRIPTS].count_documents({}) == 1, "still there: the filter hid it"
    found = await MongoTranscripts(database).find("acme", "s-1", "us-1", T0 + timedelta(days=30))
    assert found is not None
    assert found.lines == (), "the read filter itself never returns an expired transcript"
    assert await transcripts.store.purge_expired(T0 + timedelta(days=29)) == 0
    assert await transcripts.store.purge_expired(T0 + timedelta(days=30)) == 1
    assert (await read("acme", "s-1", "us-1", T0 + timedelta(days=31))).state == "none"


async def test_the_server_here_refuses_ttl_indexes_so_the_purge_is_needed(
    redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    transcripts, database = await setup(redis_keys, mongo_databases, ["on"])
    info = await database.command("buildInfo")
    ferret = "ferretdb" in str(info).lower()
    ttl = await transcripts.store.ensure_indexes()
    assert ttl is not ferret
    indexes = [i async for i in await database[TRANSCRIPTS].list_indexes()]
    assert any(i.get("unique") for i in indexes)


async def test_erase_leaves_nothing_of_the_tenant_or_service_and_others_intact(
    redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    transcripts, database = await setup(redis_keys, mongo_databases, ["on", "on2"])
    handler, store = transcripts.handler, transcripts.store
    for tenant in ("acme", "other"):
        await handler.handle(
            [
                queued("ss-1", "on", tenant=tenant),
                accepted("ss-1", "us-1", tenant=tenant),
                segment("ss-1", "g1", 0, "one", tenant=tenant),
                final("ss-0", "us-0", "on", tenant=tenant),
                queued("ss-2", "on2", tenant=tenant, session="s-2"),
                accepted("ss-2", "us-2", tenant=tenant, session="s-2"),
                segment("ss-2", "g1", 0, "two", tenant=tenant, session="s-2"),
                final("ss-2", "us-2", "on2", tenant=tenant, session="s-2"),
            ],
            T0,
        )
    before = await keys_of(redis_keys)
    assert await store.count("acme", "on") == 1
    assert await store.erase("acme", "on") == 1
    assert (
        await database[TRANSCRIPTS].count_documents({"tenant_id": "acme", "service_id": "on"}) == 0
    )
    assert (await transcripts.reader.state("acme", "s-1", "us-1", T0)).state == "none"
    second = await transcripts.reader.state("acme", "s-2", "us-2", T0)
    assert second.state == "available", "the tenant's other service keeps its transcripts"
    gone = set(before) - set(await keys_of(redis_keys))
    assert gone
    assert all("acme:s-1" in key for key in gone)
    assert [k for k in before if "{acme:s-2}" in k] == [
        k for k in await keys_of(redis_keys) if "{acme:s-2}" in k
    ]

    assert await store.erase("acme") == 1
    assert await database[TRANSCRIPTS].count_documents({"tenant_id": "acme"}) == 0
    assert not [k for k in await keys_of(redis_keys) if "{acme:" in k]
    assert await database[TRANSCRIPTS].count_documents({"tenant_id": "other"}) == 2
    assert len([k for k in await keys_of(redis_keys) if "{other:" in k]) == len(before) // 2
    assert (await transcripts.reader.state("other", "s-1", "us-1", T0)).state == "live"


async def test_concurrent_sessions_do_not_mix_captions(
    redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    transcripts, _ = await setup(redis_keys, mongo_databases, ["on"])

    async def one(session: str) -> None:
        await transcripts.handler.handle(
            [
                queued("ss-1", "on", session=session),
                accepted("ss-1", "us-1", session=session),
                segment("ss-1", "g1", 0, session, session=session),
            ],
            T0,
        )

    await asyncio.gather(*(one(f"s-{n}") for n in range(5)))
    for n in range(5):
        state = await transcripts.reader.state("acme", f"s-{n}", "us-1", T0)
        assert [x.text for x in state.captions] == [f"s-{n}"]


async def test_a_redelivered_departure_keeps_the_first_time_it_left(
    redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    transcripts, _ = await setup(redis_keys, mongo_databases, ["on"])
    handler, read = transcripts.handler, transcripts.reader.state
    await handler.handle([queued("ss-1", "on"), accepted("ss-1", "us-1")], T0)
    await handler.on_session_left("acme", "s-1", "ss-1", "on", False, T0)
    await handler.on_session_left("acme", "s-1", "ss-1", "on", False, T0 + timedelta(hours=23))
    assert (await read("acme", "s-1", "us-1", T0 + timedelta(hours=23))).state == "pending"
    assert (await read("acme", "s-1", "us-1", T0 + timedelta(hours=24))).state == "none"


async def test_transcript_events_alone_are_enough_per_task_and_per_service(
    redis_keys: RedisKeys, mongo_databases: MongoDatabases
) -> None:
    """The worker may pass only transcript.* events: the caption's task, the departure and
    the final transcript name everything the states need."""
    transcripts, _ = await setup(redis_keys, mongo_databases, ["on"])
    handler, reader = transcripts.handler, transcripts.reader

    async def both(at: datetime) -> tuple[str, str, str]:
        task = await reader.state("acme", "s-1", "us-1", at)
        service = await reader.service_state("acme", "s-1", "on", at)
        other = await reader.service_state("acme", "s-1", "off", at)
        return task.state, service.state, other.state

    assert await both(T0) == ("none", "none", "none")
    await handler.handle([segment("ss-1", "g1", 0, "hi", task="us-1")], T0)
    assert await both(T0) == ("live", "live", "none")
    live = await reader.service_state("acme", "s-1", "on", T0)
    assert [x.text for x in live.captions] == ["hi"]
    await handler.on_session_left("acme", "s-1", "ss-1", "on", False, T0)
    assert await both(T0) == ("pending", "pending", "none")
    await handler.handle([final("ss-1", "us-1", "on")], T0)
    assert await both(T0) == ("available", "available", "none")
    later = T0 + timedelta(days=30)
    assert await both(later) == ("expired", "expired", "none")


async def test_a_batch_of_many_sessions_costs_a_few_round_trips_not_some_per_session(
    redis_keys: RedisKeys, mongo_databases: MongoDatabases, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Captions and final transcripts of 50 sessions in one batch, then all 50 leaving: the
    ledgers, the captions and the clearing each go in one round trip for the batch, the
    finals in one insert (the worker did three round trips and an insert per session:
    ~8,700 round trips for 19,631 events in ``mysessions bench throughput``)."""
    transcripts, database = await setup(redis_keys, mongo_databases, ["on"])
    sessions = [f"s-{n}" for n in range(50)]
    batch: list[c.SessionEvent] = [
        event
        for s in sessions
        for event in (
            queued("ss-1", "on", session=s),
            segment("ss-1", "g1", 1_000, "hello", session=s),
            segment("ss-1", "g2", 2_000, "how can I help", session=s),
            final("ss-1", f"us-{s}", "on", session=s),
        )
    ]
    calls: list[str] = []
    inserts: list[str] = []
    insert_many = AsyncCollection.insert_many

    async def counted_insert(self: AsyncCollection[Any], *args: Any, **options: Any) -> Any:
        inserts.append(self.name)
        return await insert_many(self, *args, **options)

    one_command, pipeline = Redis.execute_command, Pipeline.execute

    async def counted_command(self: Redis, *args: Any, **options: Any) -> Any:
        calls.append(str(args[0]))
        return await one_command(self, *args, **options)  # type: ignore[no-untyped-call]

    async def counted_pipeline(self: Pipeline, raise_on_error: bool = True) -> list[Any]:
        calls.append("pipeline")
        return await pipeline(self, raise_on_error)

    monkeypatch.setattr(Redis, "execute_command", counted_command)
    monkeypatch.setattr(Pipeline, "execute", counted_pipeline)
    monkeypatch.setattr(AsyncCollection, "insert_many", counted_insert)
    monkeypatch.setattr(AsyncCollection, "insert_one", None)  # none one by one

    await transcripts.handler.handle(batch, T0)
    assert calls == ["pipeline"] * 3, "the ledger written, the ledgers read, the captions"
    # The finals in one insert (and, where expiry is purged by the hour, one of the hours).
    assert inserts.count(TRANSCRIPTS) == 1, inserts
    assert len(inserts) == len(set(inserts)), inserts
    assert await database[TRANSCRIPTS].count_documents({}) == len(sessions)
    calls.clear()
    monkeypatch.undo()
    kept = [k for k in await keys_of(redis_keys) if ":ledger" not in k]
    assert len(kept) == 2 * len(sessions), "each session's captions: their order and texts"

    monkeypatch.setattr(Redis, "execute_command", counted_command)
    monkeypatch.setattr(Pipeline, "execute", counted_pipeline)
    await transcripts.handler.on_sessions_left(
        [SessionLeft("acme", s, "ss-1", "on", False) for s in sessions], T0
    )
    assert calls == ["pipeline"] * 2, "the ledger written, the captions cleared"
    monkeypatch.undo()
    assert [k for k in await keys_of(redis_keys) if ":ledger" not in k] == []
