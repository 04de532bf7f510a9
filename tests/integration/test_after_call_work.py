"""After-call work on the real servers: saved once, the marker cleared, tags suggested.

The queue worker (in-process, real Kafka, Redis and MongoDB) folds a finished call into the
agent's view; ``save_after_call_work`` reads that task from the queue's Redis state and saves.
"""

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import contracts as c
import pytest
from acw.domain import AcwConflict, AcwRefused
from acw.service import (
    REPUBLISH_AFTER,
    AcwPorts,
    Saved,
    SaveRequest,
    republish_pending,
    save_after_call_work,
)
from acw.store import ACW_SAVES, AcwSaves
from acw.tags import Suggestion, TagCounts
from acw.wiring import ProducerPublisher
from aiokafka import AIOKafkaProducer
from faststream import TestApp
from mysessions.events_out import event_sender
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document, with_database
from mysessions_platform.service_settings.store import ServiceSettingsStore
from mysessions_platform.testing.fakes import RecordingPublisher
from mysessions_platform.testing.kafka_reading import read_records, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from pymongo.asynchronous.database import AsyncDatabase
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.entrypoints.app import make_store
from queue_service.read import QueueTaskReader
from queue_service.view import agent_view
from redis.asyncio import Redis
from reporting_service.adapters.conclusion import AcwConclusion, LocalConclusion
from reporting_service.adapters.facts_store import FactsStore
from reporting_service.adapters.translate import to_task
from reporting_service.domain import Code, Task

from .pipeline import Pipeline, make_pipeline
from .scenario import AGENT, TENANT, Session

pytestmark = pytest.mark.integration

SUPPORT = c.ServiceSettingsSpec(
    tenant_id=TENANT,
    service_id="support",
    service_name="Support",
    widgets=c.Widgets(codes_and_tags=True),
    primary_codes=(c.Code(id="sale", label="Sale"), c.Code(id="info", label="Information")),
    secondary_codes=(c.Code(id="vip", label="VIP customer"),),
)


def answered(session_id: str, t0: datetime, service: str = "support") -> Session:
    return (
        Session(session_id, t0)
        .inbound(service, 1)
        .task(c.TaskOffered, 20, service_id=service)
        .task(c.TaskAccepted, 26)
        .add(c.SessionEnded, 326, ended_by="caller", reason="normal")
    )


def request(session: Session, **fields: object) -> SaveRequest:
    base = SaveRequest(TENANT, AGENT, session.session_id, f"{session.session_id}:1:{AGENT}")
    return replace(base, **fields)  # type: ignore[arg-type]


@dataclass
class World:
    pipeline: Pipeline
    database: AsyncDatabase[Document]
    ports: AcwPorts
    redis: Redis

    async def view(self) -> dict[str, dict[str, object]]:
        store = make_store(self.redis, self.pipeline.queue)
        shown = await agent_view(store, TENANT, AGENT, datetime.now(UTC))
        return {str(task["session_id"]): task for task in shown}


@asynccontextmanager
async def world(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    sessions: list[Session],
) -> AsyncIterator[World]:
    """The queue worker running on its own topics, the sessions folded into the view."""
    database = mongo_databases.create("acw")
    now = datetime.now(UTC)
    await ServiceSettingsStore(database).apply(SUPPORT, now - timedelta(days=1))
    pipeline = await make_pipeline(
        servers, kafka_topics, redis_keys.prefix, settings_database=database.name
    )
    redis = Redis.from_url(servers.redis_url)
    producer = AIOKafkaProducer(
        bootstrap_servers=servers.kafka_bootstrap_servers, enable_idempotence=True, acks="all"
    )
    await producer.start()
    saves, tags = AcwSaves(database), TagCounts(database)
    await saves.ensure_indexes()
    await tags.ensure_indexes()
    ports = AcwPorts(
        tasks=QueueTaskReader(redis, pipeline.prefix),
        settings=ServiceSettingsStore(database),
        saves=saves,
        tags=tags,
        publisher=ProducerPublisher(producer),
        topic=pipeline.acw,
    )
    here = World(pipeline, database, ports, redis)
    try:
        async with (
            event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender,
            TestApp(create_queue(pipeline.queue)),
        ):
            for session in sessions:
                await sender.send_all(session.events)

            async def folded() -> bool:
                shown = await here.view()
                return all(shown.get(s.session_id, {}).get("state") == "ended" for s in sessions)

            await wait_for(folded, what="the sessions in the agent's view")
            yield here
    finally:
        await producer.stop()
        await redis.aclose()


def t0() -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


async def test_fifty_concurrent_saves_of_one_task_one_wins(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    call = answered("s-race", t0())
    async with world(servers, kafka_topics, redis_keys, mongo_databases, [call]) as here:
        results = await asyncio.gather(
            *(
                save_after_call_work(
                    request(call, primary_code="sale", tags=(f"try {n}",)), here.ports
                )
                for n in range(50)
            ),
            return_exceptions=True,
        )
        won = [result for result in results if isinstance(result, Saved)]
        lost = [result for result in results if isinstance(result, AcwConflict)]
        assert (len(won), len(lost)) == (1, 49), [r for r in results if not isinstance(r, Saved)]
        winner = won[0].event
        assert {(conflict.saved_by, conflict.saved_at) for conflict in lost} == {
            (AGENT, winner.occurred_at)
        }
        assert f"already saved by {AGENT} at" in str(lost[0])
        assert await here.database[ACW_SAVES].count_documents({}) == 1
        published = await read_records(
            servers.kafka_bootstrap_servers, here.pipeline.acw, count=2, timeout_s=5
        )
        assert [c.decode_after_call_work(r.value) for r in published] == [winner]
        assert published[0].key == b"s-race"
        assert (winner.primary_code, winner.concluded_by, winner.saved_by) == (
            c.CodeRef(id="sale", label="Sale"),
            "user",
            AGENT,
        )


@pytest.mark.serial
async def test_the_marker_leaves_the_agents_view_within_a_second_of_the_save(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    call, other = answered("s-marked", t0()), answered("s-other", t0())
    async with world(servers, kafka_topics, redis_keys, mongo_databases, [call, other]) as here:
        before = await here.view()
        assert (before["s-marked"]["open"], before["s-other"]["open"]) == (True, True)
        started = time.monotonic()
        await save_after_call_work(request(call, primary_code="info"), here.ports)
        while (await here.view())["s-marked"]["open"]:
            assert time.monotonic() - started < 1.0, "the marker is still shown after 1 s"
            await asyncio.sleep(0.02)
        after = await here.view()
        assert (after["s-marked"]["state"], after["s-marked"]["outcome"]) == ("ended", "accepted")
        assert after["s-other"]["open"] is True  # only the saved task closed


async def test_refusals_say_why(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    call, unset = answered("s-check", t0()), answered("s-unset", t0(), service="billing")
    async with world(servers, kafka_topics, redis_keys, mongo_databases, [call, unset]) as here:
        assert (await here.view())["s-unset"]["open"] is False  # no settings: widget off
        with pytest.raises(AcwRefused, match="a primary code is required"):
            await save_after_call_work(request(call), here.ports)
        with pytest.raises(AcwRefused, match="primary code 'refund' is not in"):
            await save_after_call_work(request(call, primary_code="refund"), here.ports)
        with pytest.raises(AcwRefused, match="secondary code 'sale' is not in"):
            await save_after_call_work(
                request(call, primary_code="sale", secondary_code="sale"), here.ports
            )
        with pytest.raises(AcwRefused, match="not open for after-call work"):
            await save_after_call_work(request(unset, primary_code="sale"), here.ports)
        with pytest.raises(AcwRefused, match="has no task"):  # another user's task
            await save_after_call_work(
                request(call, user_id="agent-2", primary_code="sale"), here.ports
            )
        with pytest.raises(AcwRefused, match="has no task"):  # another tenant
            await save_after_call_work(
                request(call, tenant_id="tenant-x", primary_code="sale"), here.ports
            )
        assert await here.database[ACW_SAVES].count_documents({}) == 0
        # without --user-session: the user's only task in the session
        saved = await save_after_call_work(
            request(call, user_session_id=None, primary_code="sale", tags=(" VIP ",)), here.ports
        )
        assert (saved.event.user_session_id, saved.event.tags) == (f"s-check:1:{AGENT}", ("VIP",))


async def test_codes_are_checked_against_the_list_in_force_when_the_session_started(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    call = answered("s-old-list", t0())
    async with world(servers, kafka_topics, redis_keys, mongo_databases, [call]) as here:
        # Now, after the call started, "sale" is removed and "upsell" added.
        changed = SUPPORT.model_copy(update={"primary_codes": (c.Code(id="upsell", label="Up"),)})
        await ServiceSettingsStore(here.database).apply(changed, datetime.now(UTC))
        with pytest.raises(AcwRefused, match="'upsell' is not in"):
            await save_after_call_work(request(call, primary_code="upsell"), here.ports)
        saved = await save_after_call_work(request(call, primary_code="sale"), here.ports)
        assert saved.event.primary_code == c.CodeRef(id="sale", label="Sale")


async def test_a_save_whose_publish_failed_is_published_once_by_the_outbox(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    down = RecordingPublisher()
    down.outage.begin(ConnectionError("kafka away"))
    call = answered("s-outbox", t0())
    async with world(servers, kafka_topics, redis_keys, mongo_databases, [call]) as here:
        broken = replace(here.ports, publisher=down)
        saved = await save_after_call_work(request(call, primary_code="sale"), broken)
        assert saved.published is False
        assert await republish_pending(datetime.now(UTC), here.ports) == 0  # not yet due
        later = datetime.now(UTC) + REPUBLISH_AFTER + timedelta(seconds=1)
        assert await republish_pending(later, here.ports) == 1
        assert await republish_pending(later, here.ports) == 0  # done: nothing twice
        published = await read_records(
            servers.kafka_bootstrap_servers, here.pipeline.acw, count=2, timeout_s=5
        )
        assert [c.decode_after_call_work(r.value) for r in published] == [saved.event]

        async def marker_cleared() -> bool:
            return (await here.view())["s-outbox"]["open"] is False

        await wait_for(marker_cleared, timeout_s=10, what="the marker to clear")


async def test_tag_suggestions_most_used_first_by_prefix_ignoring_case(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    calls = [answered(f"s-tag-{n}", t0()) for n in range(4)]
    tagged = [("VIP", "Refund"), ("vip", "Refill"), ("Vip ", "refund"), ("VIP", "Voucher")]
    async with world(servers, kafka_topics, redis_keys, mongo_databases, calls) as here:
        for call, tags in zip(calls, tagged, strict=True):
            await save_after_call_work(request(call, primary_code="sale", tags=tags), here.ports)
        # a retried count of one save adds nothing
        await here.ports.tags.record(TENANT, "support", f"s-tag-0:1:{AGENT}", ("VIP", "Refund"))
        counts = TagCounts(here.database)

        def shown(found: list[Suggestion]) -> list[tuple[str, int]]:
            return [(s.tag, s.count) for s in found]

        assert shown(await counts.suggest(TENANT, "support", "v")) == [("VIP", 4), ("Voucher", 1)]
        assert shown(await counts.suggest(TENANT, "support", "RE")) == [
            ("Refund", 2),
            ("Refill", 1),
        ]
        assert shown(await counts.suggest(TENANT, "support", "ref", limit=1)) == [("Refund", 2)]
        assert await counts.suggest(TENANT, "support", "x") == []
        assert await counts.suggest(TENANT, "sales", "v") == []  # per service
        assert await counts.suggest("tenant-x", "support", "v") == []  # per tenant
        indexes = await here.database["tag_counts"].index_information()
        assert indexes["by_prefix"]["key"] == [("tenant_id", 1), ("service_id", 1), ("key", 1)]
        in_range = {"$gte": "v", "$lt": "v\U0010ffff"}
        query = {"tenant_id": TENANT, "service_id": "support", "key": in_range}
        plan = await here.database["tag_counts"].find(query).explain()
        if "ferretdbVersion" not in plan.get("serverInfo", {}):  # FerretDB plans no index
            assert "IXSCAN" in str(plan)
            assert "COLLSCAN" not in str(plan)


async def cli(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    command = Path(sys.executable).parent / "mysessions"
    process = await asyncio.create_subprocess_exec(
        str(command),
        *args,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_the_commands_save_once_and_suggest(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    call = answered("s-cli", t0())
    async with world(servers, kafka_topics, redis_keys, mongo_databases, [call]) as here:
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
            "REDIS_URL": servers.redis_url,
            "MONGODB_URL": with_database(servers.mongodb_url, here.database.name),
            "ACW_TOPIC": here.pipeline.acw,
            "ACW_QUEUE_KEY_PREFIX": here.pipeline.prefix,
            "LOG_LEVEL": "WARNING",
        }
        task = ("--tenant", TENANT, "--user", AGENT, "--session", "s-cli")
        code, _, err = await cli("acw", "save", *task, env=env)
        assert (code, "a primary code is required" in err) == (1, True), err
        code, out, err = await cli(
            "acw", "save", *task, "--primary", "sale", "--tag", "VIP", "--tag", "vip", env=env
        )
        assert code == 0, err
        assert f"saved after-call work of s-cli:1:{AGENT} (sale; 1 tags)" in out
        code, _, err = await cli("acw", "save", *task, "--primary", "info", env=env)
        assert code == 1
        assert f"already saved by {AGENT} at" in err
        code, out, err = await cli(
            "tags", "suggest", "--tenant", TENANT, "--service", "support", "v", env=env
        )
        assert (code, out) == (0, "VIP\t1\n"), err


async def test_the_systems_conclusion_goes_through_the_save_once_path(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    """When a window closes, reporting concludes the task with the same save path an agent
    uses: the first save wins, the marker clears, and an agent's earlier save is kept."""
    unsaved, saved_first = answered("s-window", t0()), answered("s-agent-first", t0())
    async with world(
        servers, kafka_topics, redis_keys, mongo_databases, [unsaved, saved_first]
    ) as here:
        await save_after_call_work(request(saved_first, primary_code="sale"), here.ports)
        facts = FactsStore(here.database)
        await facts.ensure_indexes()
        conclusion = AcwConclusion(here.ports, AcwSaves(here.database), LocalConclusion(facts))
        closed = (datetime.now(UTC) - timedelta(minutes=5)).replace(microsecond=0)

        async def task_of(session: Session) -> Task:
            found = await here.ports.tasks.task(TENANT, AGENT, f"{session.session_id}:1:{AGENT}")
            assert found is not None
            return to_task(found)

        system = await conclusion.conclude(TENANT, "s-window", await task_of(unsaved), closed)
        agents = await conclusion.conclude(
            TENANT, "s-agent-first", await task_of(saved_first), closed
        )

        async def marker_cleared() -> bool:
            return (await here.view())["s-window"]["open"] is False

        await wait_for(marker_cleared, timeout_s=10, what="the system's save to clear the marker")
        stored = await AcwSaves(here.database).find(TENANT, f"s-window:1:{AGENT}")

    assert (system.concluded_by, system.saved_by) == ("system", "system")
    assert system.primary == Code("system-timeout", "System timeout")
    assert system.saved_at == closed, "stamped when the window closed, not when swept"
    assert stored is not None
    assert stored["concluded_by"] == "system"
    assert (agents.concluded_by, agents.primary) == ("user", Code("sale", "Sale")), (
        "the agent's earlier save wins over the system's"
    )
