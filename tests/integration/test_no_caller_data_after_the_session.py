"""Must show (issue 7): after a session ends in a service that does not store context, the
caller's number and name appear nowhere in Redis or MongoDB.

Ingest, queue, context and reporting run on real Kafka, Redis and the MongoDB-wire server,
under this test's key prefix and database. Four sessions (a
named PSTN caller, an e-mail with a sender and a subject, a chat, an outbound call) live,
then end, in services without settings. Every key under the prefix is read whole (strings,
hashes, lists, sets, sorted sets with their members, streams; key names too) and every
document of the test's MongoDB database: while the sessions live the scan finds each
caller detail (so it can fail); once they ended it finds none, and the agent's history says
"Not Available". (Raw topics keep callers' numbers until their retention, by design.)
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import contracts as c
import pytest
from context_service.entrypoints.app import create_app as create_context
from context_service.settings import ContextSettings
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from mysessions.events_out import event_sender
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import with_database
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from pymongo.asynchronous.database import AsyncDatabase
from queue_service.adapters.store import TaskStore
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.entrypoints.app import make_store
from queue_service.rebuild import Rebuild
from queue_service.view import agent_view
from redis.asyncio import Redis
from reporting_service.adapters.records_store import RECORDS
from reporting_service.entrypoints.app import create_app as create_reporting

from .pipeline import make_pipeline
from .reporting_pipeline import make_reporting
from .scenario import AGENT, TENANT, Session

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

CALLER = c.Party(address="+15557773141", address_kind="pstn", display_name="Zelda Quimby")
SENDER = c.Party(address="ophelia.marchbanks@example.org", address_kind="email")
SENDER_NAMED = SENDER.model_copy(update={"display_name": "Ophelia Marchbanks"})
VISITOR = c.Party(
    address="viktor.quell@example.net", address_kind="email", display_name="Viktor Quell"
)
DESTINATION = c.Party(address="+15557770199", address_kind="pstn", display_name="Quentin Voss")
SUBJECT = "Refund for order Zq-8837"
CHAT_URL = "https://chat.example.com/c/zq-5501"

SECRETS = {
    # Numbers: the local digits match every format the events carried (+1..., 1..., and
    # percent-encoded inside a key), names and addresses by their distinctive parts.
    "caller's number": "5557773141",
    "caller's name": "Quimby",
    "sender's address": "ophelia.marchbanks",
    "sender's name": "Marchbanks",
    "subject": "Zq-8837",
    "visitor's address": "viktor.quell",
    "visitor's name": "Quell",
    "chat link": "zq-5501",
    "dialed number": "5557770199",
    "dialed name": "Quentin Voss",
}


def sessions(t0: datetime) -> list[Session]:
    """Each session's events; the last one ends it."""
    voice = _inbound("p-voice", t0, "voice", CALLER)
    email = _inbound("p-mail", t0, "email", SENDER_NAMED).add(
        c.EmailReceived,
        1,
        sender=SENDER,
        subject=SUBJECT,
        html_body="<p>Dear team, Ophelia Marchbanks here about order Zq-8837</p>",
        received_at=t0,
    )
    chat = _inbound("p-chat", t0, "chat", VISITOR).add(
        c.ChatReceived, 1, sender=VISITOR, chat_url=CHAT_URL
    )
    for inbound in (voice, email, chat):
        inbound.task(c.TaskOffered, 5, service_id="unstored").task(c.TaskAccepted, 9)
    outbound = (
        Session("p-out", t0)
        .add(
            c.SessionStarted,
            0,
            direction="outbound",
            modality="voice",
            service_id="unstored",
            service_name="Unstored",
            caller=DESTINATION,
        )
        .add(
            c.OutboundDialing,
            0,
            user_session_id="p-out:1",
            user_id=AGENT,
            service_id="unstored",
            destination=DESTINATION.model_copy(update={"display_name": None}),
        )
        .add(c.OutboundRinging, 2, user_session_id="p-out:1", user_id=AGENT)
        .add(c.OutboundDestinationAccepted, 6, user_session_id="p-out:1", user_id=AGENT)
    )
    every = [voice, email, chat, outbound]
    for session in every:
        session.add(c.SessionEnded, 120, ended_by="caller", reason="normal")
    return every


def _inbound(session_id: str, t0: datetime, modality: str, caller: c.Party) -> Session:
    return (
        Session(session_id, t0)
        .add(
            c.SessionStarted,
            0,
            direction="inbound",
            modality=modality,
            service_id="unstored",
            service_name="Unstored",
            caller=caller,
        )
        .add(
            c.SessionQueued,
            0,
            service_session_id=f"{session_id}:1",
            service_id="unstored",
            service_name="Unstored",
            priority=1,
        )
    )


async def redis_contents(redis: Redis, prefix: str) -> list[tuple[str, bytes]]:
    """(key, bytes) for every key under the prefix: its name and every value it holds."""
    client: Any = redis  # redis-py's command types are unions of sync and async results
    found: list[tuple[str, bytes]] = []
    async for raw_key in client.scan_iter(match=f"{prefix}:*", count=1000):
        kind = (await client.type(raw_key)).decode()
        parts: list[bytes] = [raw_key]
        if kind == "string":
            parts.append(await client.get(raw_key) or b"")
        elif kind == "hash":
            for field, value in (await client.hgetall(raw_key)).items():
                parts += [field, value]
        elif kind == "list":
            parts += await client.lrange(raw_key, 0, -1)
        elif kind == "set":
            parts += list(await client.smembers(raw_key))
        elif kind == "zset":
            parts += [member for member, _ in await client.zrange(raw_key, 0, -1, withscores=True)]
        elif kind == "stream":
            for entry_id, entry in await client.xrange(raw_key):
                parts += [entry_id, *entry.keys(), *entry.values()]
        else:
            raise AssertionError(f"{raw_key!r}: a {kind} the scan cannot read")
        found += [(raw_key.decode(), part) for part in parts]
    return found


async def mongo_contents(database: AsyncDatabase[dict[str, Any]]) -> list[tuple[str, bytes]]:
    """(collection, document as text) for every document of every collection."""
    found: list[tuple[str, bytes]] = []
    for name in await database.list_collection_names():
        async for document in database[name].find({}):
            found.append((name, repr(document).encode()))
    return found


def leaks(contents: Iterable[tuple[str, bytes]]) -> dict[str, list[str]]:
    """Which caller details appear, and where."""
    found: dict[str, list[str]] = {}
    for where, data in contents:
        text = data.decode("utf-8", "replace").lower()
        for what, secret in SECRETS.items():
            if secret.lower() in text:
                found.setdefault(what, []).append(where)
    return found


def callers(views: Iterable[dict[str, Any]]) -> set[tuple[object, object]]:
    return {(view["caller"]["display_name"], view["caller"]["address"]) for view in views}


async def test_no_caller_data_is_left_once_the_sessions_ended(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    # The database the context and reporting workers of this pipeline write.
    database = mongo_databases.create("privacy")
    context = ContextSettings().model_copy(
        update={
            "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
            "redis_url": servers.redis_url,
            "mongodb_url": with_database(servers.mongodb_url, database.name),
            "group_id": f"context-{redis_keys.prefix}",
            "source_topic": pipeline.sessions,
            "dead_letter_topic": pipeline.dead,
            "key_prefix": redis_keys.prefix,
        }
    )
    reporting = (await make_reporting(kafka_topics, pipeline)).settings(
        servers, database.name, redis_keys.prefix
    )
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, pipeline.queue)
    every = sessions(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5))

    async def states() -> list[object]:
        return [t["state"] for t in await agent_view(store, TENANT, AGENT, datetime.now(UTC))]

    async def everything() -> list[tuple[str, bytes]]:
        return [*await redis_contents(redis, redis_keys.prefix), *await mongo_contents(database)]

    try:
        async with (
            TestApp(create_ingest(pipeline.ingest)),
            TestApp(create_queue(pipeline.queue)),
            TestApp(create_context(context)),
            TestApp(create_reporting(reporting)),
        ):
            async with event_sender(servers.kafka_bootstrap_servers, pipeline.raw) as sender:
                for session in every:
                    await sender.send_all(session.events[:-1])  # all but the end

            async def all_connected() -> bool:
                return await states() == ["connected"] * 4

            await wait_for(all_connected, what="four connected tasks")
            # Live: the tasks show their callers, and the scan finds every detail.
            shown = await agent_view(store, TENANT, AGENT, datetime.now(UTC))
            assert callers(shown) >= {
                ("Zelda Quimby", CALLER.address),
                ("Viktor Quell", VISITOR.address),
            }
            await database["scan_check"].insert_one({"note": f"planted {CALLER.address}"})
            found = leaks(await everything())
            assert set(found) == set(SECRETS), f"the live scan missed {set(SECRETS) - set(found)}"
            assert "scan_check" in found["caller's number"], "the MongoDB scan reads documents"
            await database.drop_collection("scan_check")

            async with event_sender(servers.kafka_bootstrap_servers, pipeline.raw) as sender:
                await sender.send_all([session.events[-1] for session in every])

            async def all_ended() -> bool:
                return await states() == ["ended"] * 4

            await wait_for(all_ended, what="four ended tasks")
            for group in (pipeline.queue.group_id, context.group_id, reporting.group_id):
                await wait_for(
                    lambda group=group: group_caught_up(  # type: ignore[misc]
                        servers.kafka_bootstrap_servers, group, pipeline.sessions
                    ),
                    what=f"{group} to commit",
                )

            async def records_written() -> bool:
                return await database[RECORDS].count_documents({"record_type": "user_session"}) >= 4

            await wait_for(records_written, what="reporting's records of the four sessions")

        contents = await everything()
        assert contents, "the scan read the workers' keys"
        assert {where for where, _ in contents} >= {RECORDS}, "the scan read reporting's"
        assert leaks(contents) == {}
        history = await agent_view(store, TENANT, AGENT, datetime.now(UTC))
        assert callers(history) == {("Not Available", None)}
        assert all(t["chat_url"] is None for t in history)
        assert all(t["email"] in (None, {"subject": None, "snippet": None}) for t in history)

        # A rebuild (the changelog still holds the live versions, the events the callers)
        # leaves nothing either: restored tasks and replayed facts are stripped the same way.
        def store_at(prefix: str) -> TaskStore:
            return make_store(redis, pipeline.queue.model_copy(update={"key_prefix": prefix}))

        rebuild = Rebuild(
            store_at, servers.kafka_bootstrap_servers, pipeline.sessions, pipeline.changelog
        )
        report = await rebuild.run(redis_keys.key("rebuilt"))
        assert not report.refused
        assert report.tasks_after == 4
        assert leaks(await everything()) == {}
    finally:
        await redis.aclose()
