"""Unprovisioning one service when a session visited two (a transfer): the queue and
reporting erase what names the erased service and keep what names the other; a session
only the erased service served goes whole. Planted through Redis and the MongoDB-wire
server directly, so each rule is seen on its own."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mysessions_platform.erasure import Scope
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters import keys
from queue_service.adapters.erasures import ErasureRegister
from queue_service.unprovision import erase_queue
from reporting_service.adapters.facts_store import FACTS, SESSIONS, session_key
from reporting_service.adapters.records_store import LATE_FACTS, RECORDS
from reporting_service.unprovision import erase_reporting

pytestmark = pytest.mark.integration

T, AGENT = "t-shared", "ann"
NOW = datetime.now(UTC).replace(microsecond=0)
# Session "both" went from service "gone" (task u-gone) to "kept" (task u-kept); session
# "only" stayed in "gone" (task u-only).
TASKS = {"u-gone": ("both", "gone"), "u-kept": ("both", "kept"), "u-only": ("only", "gone")}


async def test_the_queue_keeps_what_names_the_other_service(redis_keys: RedisKeys) -> None:
    redis: Any = redis_keys.client
    prefix = redis_keys.prefix
    tasks = keys.agent_tasks(prefix, T, AGENT)
    for usid, (session, service) in TASKS.items():
        task = {"user_session_id": usid, "session_id": session, "service_id": service}
        await redis.hset(tasks, usid, json.dumps(task))
        await redis.zadd(keys.agent_history(prefix, T, AGENT), {usid: 1})
    facts: dict[str, dict[str, str | None]] = {
        "both": {"e1": "gone", "e2": "kept", "e3": None},
        "only": {"e4": "gone", "e5": None},
    }
    for session, held in facts.items():
        for event_id, named in held.items():
            fact: dict[str, str | None] = {"event_id": event_id}
            if named is not None:
                fact["service_id"] = named
            await redis.hset(keys.session_facts(prefix, T, session), event_id, json.dumps(fact))
        member = keys.idle_member(T, session)
        await redis.zadd(keys.idle_index(prefix, "voice"), {member: 1})
    register = ErasureRegister(redis_keys.client, prefix, timedelta(days=1))
    scope = Scope(T, "gone")

    dry = await erase_queue(
        redis_keys.client, prefix, Scope(T, "gone", dry_run=True), register, NOW
    )
    assert len(await redis.hkeys(tasks)) == 3, "a dry run changes nothing"
    erased = await erase_queue(redis_keys.client, prefix, scope, register, NOW)
    assert erased.counts == dry.counts
    assert {t.user_session_id for t in erased.tasks} == {"u-gone", "u-only"}

    assert [k.decode() for k in await redis.hkeys(tasks)] == ["u-kept"]
    assert await redis.zrange(keys.agent_history(prefix, T, AGENT), 0, -1) == [b"u-kept"]
    both = await redis.hkeys(keys.session_facts(prefix, T, "both"))
    assert sorted(k.decode() for k in both) == ["e2", "e3"]
    assert not await redis.exists(keys.session_facts(prefix, T, "only"))
    idle = await redis.zrange(keys.idle_index(prefix, "voice"), 0, -1)
    assert idle == [keys.idle_member(T, "both").encode()]
    # A rebuild's replay skips the erased task and session, not the transferred session.
    before = NOW - timedelta(minutes=1)
    fresh = ErasureRegister(redis_keys.client, prefix, timedelta(days=1))
    assert await fresh.erased([("task", T, "u-gone")], before)
    assert await fresh.erased([("session", T, "only")], before)
    assert await fresh.erased([("service", T, "gone")], before)
    assert not await fresh.erased([("session", T, "both"), ("task", T, "u-kept")], before)
    assert not await fresh.erased([("task", T, "u-gone")], NOW + timedelta(seconds=1))


async def test_reporting_keeps_what_names_the_other_service(
    mongo_databases: MongoDatabases,
) -> None:
    database = mongo_databases.create("rep-unprov")
    docs = []
    for usid, (session, service) in TASKS.items():
        base = {"tenant_id": T, "session_id": session}
        docs.append(
            {
                **base,
                "_id": f"task-{usid}",
                "kind": "task",
                "body": {"user_session_id": usid, "service_id": service},
            }
        )
        docs.append(
            {
                **base,
                "_id": f"work-{usid}",
                "kind": "work",
                "body": {"user_session_id": usid, "tags": ["x"]},
            }
        )
    for session in ("both", "only"):
        docs.append(
            {
                "_id": f"ended-{session}",
                "tenant_id": T,
                "session_id": session,
                "kind": "sessionfact",
                "body": {"event_id": session},
            }
        )
        await database[SESSIONS].insert_one(
            {"_id": session_key(T, session), "tenant_id": T, "session_id": session}
        )
        await database[LATE_FACTS].insert_one({"tenant_id": T, "session_id": session})
    await database[FACTS].insert_many(docs)
    for usid, (session, service) in TASKS.items():
        await database[RECORDS].insert_one(
            {"_id": usid, "tenant_id": T, "session_id": session, "service_id": service}
        )

    counted = await erase_reporting(database, Scope(T, "gone", dry_run=True))
    assert await database[FACTS].count_documents({}) == 8, "a dry run changes nothing"
    erased = await erase_reporting(database, Scope(T, "gone"))
    assert erased == counted

    left = sorted([doc["_id"] async for doc in database[FACTS].find({})])
    assert left == ["ended-both", "task-u-kept", "work-u-kept"]
    assert [d["_id"] async for d in database[SESSIONS].find({})] == [session_key(T, "both")]
    assert [d["session_id"] async for d in database[LATE_FACTS].find({})] == ["both"]
    assert [d["_id"] async for d in database[RECORDS].find({})] == ["u-kept"]
