"""``mysessions doctor`` against the real servers: all well with workers' groups reading
and every topic as specified; a clear exit 1 when Kafka is unreachable, within seconds;
missing topics and groups without members named, and nothing created by looking."""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from contracts import ServiceSettingsSpec, topics
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.topics import TopicSettings, ensure_topics
from mysessions_platform.mongo import with_database
from mysessions_platform.service_settings.catalog_store import code_set_store, context_store
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from mysessions_platform.testing.cli import run_cli
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.naming import unique_name
from mysessions_platform.testing.ports import free_port

pytestmark = pytest.mark.integration

GROUP_INPUTS = {
    "INGEST": (topics.TELEPHONY_EVENTS,),
    "QUEUE": (topics.SESSION_EVENTS, topics.AFTER_CALL_WORK),
    "CONTEXT": (topics.SESSION_EVENTS,),
    "REPORTING": (topics.TASK_CHANGELOG, topics.SESSION_EVENTS, topics.AFTER_CALL_WORK),
    "WEBHOOKS": (topics.SESSION_EVENTS, topics.AFTER_CALL_WORK, topics.REPORTING_SESSIONS),
}


def own_names(name: Any) -> dict[str, str]:
    """A unique name for every topic (by role) and a unique group per worker."""
    return {role: name(role.replace(".", "-")) for role in topics.ALL_TOPICS}


def worker_environment(names: dict[str, str], groups: dict[str, str]) -> dict[str, str]:
    """The variables that point every worker (and the gateway's e-mail topic) at them."""
    t = names
    return {
        "INGEST_SOURCE_TOPIC": t[topics.TELEPHONY_EVENTS],
        "INGEST_TARGET_TOPIC": t[topics.SESSION_EVENTS],
        "QUEUE_SOURCE_TOPIC": t[topics.SESSION_EVENTS],
        "QUEUE_ACW_TOPIC": t[topics.AFTER_CALL_WORK],
        "QUEUE_CHANGELOG_TOPIC": t[topics.TASK_CHANGELOG],
        "CONTEXT_SOURCE_TOPIC": t[topics.SESSION_EVENTS],
        "REPORTING_CHANGELOG_TOPIC": t[topics.TASK_CHANGELOG],
        "REPORTING_EVENTS_TOPIC": t[topics.SESSION_EVENTS],
        "REPORTING_ACW_TOPIC": t[topics.AFTER_CALL_WORK],
        "REPORTING_TARGET_TOPIC": t[topics.REPORTING_SESSIONS],
        "GATEWAY_EMAIL_TOPIC": t[topics.EMAIL_REPLIES],
        "WEBHOOKS_EVENTS_TOPIC": t[topics.SESSION_EVENTS],
        "WEBHOOKS_ACW_TOPIC": t[topics.AFTER_CALL_WORK],
        "WEBHOOKS_RECORDS_TOPIC": t[topics.REPORTING_SESSIONS],
        **{f"{worker}_DEAD_LETTER_TOPIC": t[topics.DEAD_LETTERS] for worker in GROUP_INPUTS},
        **{f"{worker}_GROUP_ID": group for worker, group in groups.items()},
    }


@asynccontextmanager
async def members(
    bootstrap: str, groups: dict[str, str], names: dict[str, str]
) -> AsyncIterator[None]:
    """One consumer in each worker's group, reading its inputs, until the block ends."""
    async with AsyncExitStack() as stack:
        consumers = []
        for worker, group in groups.items():
            consumer = AIOKafkaConsumer(
                *(names[role] for role in GROUP_INPUTS[worker]),
                bootstrap_servers=bootstrap,
                group_id=group,
                client_id=f"doctor-test-{worker.lower()}",
            )
            await consumer.start()
            stack.push_async_callback(consumer.stop)
            consumers.append(consumer)

        async def all_assigned() -> bool:
            for consumer in consumers:
                await consumer.getmany(timeout_ms=100)
            return all(consumer.assignment() for consumer in consumers)

        await wait_for(all_assigned, 60, "every group to assign its partitions")
        yield


async def test_all_well_when_every_topic_is_as_specified_and_every_group_has_a_member(
    servers: Endpoints, kafka_topics: KafkaTopics, mongo_databases: MongoDatabases
) -> None:
    bootstrap = servers.kafka_bootstrap_servers
    names = own_names(kafka_topics.name)
    specs = TopicSettings.from_env({})
    await ensure_topics(bootstrap, [specs.spec(role, 3, name) for role, name in names.items()])
    groups = {worker: unique_name(worker.lower()) for worker in GROUP_INPUTS}
    database = mongo_databases.create("doctor")
    await ServiceSettingsStore(database).ensure_indexes()
    await TenantSettingsStore(database).ensure_indexes()
    await code_set_store(database).ensure_indexes()
    await context_store(database).ensure_indexes()
    now = datetime.now(UTC)
    await ServiceSettingsStore(database).apply(
        ServiceSettingsSpec(tenant_id="acme", service_id="sales", service_name="Sales"), now
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "REDIS_URL": servers.redis_url,
        "MONGODB_URL": with_database(servers.mongodb_url, database.name),
        **worker_environment(names, groups),
    }
    async with members(bootstrap, groups, names):
        found = await run_cli("doctor", "--json", env=env)
        shown = await run_cli("doctor", env=env)
    print(shown.out)  # the report's "everything up" output (pytest -s)

    report = json.loads(found.out)
    problems = [f for f in report["findings"] if f["status"] == "problem"]
    assert (found.code, report["healthy"], problems) == (0, True, []), found.err
    by_area: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        by_area.setdefault(finding["area"], []).append(finding)
    assert sorted(f["subject"] for f in by_area["topics"]) == sorted(names.values())
    assert all(f["status"] == "ok" for f in by_area["topics"] + by_area["groups"])
    assert sorted(f["subject"] for f in by_area["groups"]) == sorted(
        f"{worker.lower()} workers, group {group}" for worker, group in groups.items()
    )
    assert [f["status"] for f in by_area["kafka"] + by_area["mongodb"]] == ["ok", "ok"]
    assert {f["subject"]: f["status"] for f in by_area["settings"]} == {
        f"{database.name} settings": "ok",
        "service_settings indexes": "ok",
        "service_settings_history indexes": "ok",
        "tenant_settings indexes": "ok",
        "tenant_settings_history indexes": "ok",
        "code_sets indexes": "ok",
        "code_sets_history indexes": "ok",
        "conversation_contexts indexes": "ok",
        "conversation_contexts_history indexes": "ok",
    }
    assert by_area["redis"][0]["status"] == "ok"
    assert shown.code == 0
    assert shown.out.rstrip().endswith("all well")


async def test_an_unreachable_kafka_is_a_problem_said_plainly_within_seconds(
    servers: Endpoints,
) -> None:
    closed = f"127.0.0.1:{free_port()}"
    env = {
        "PATH": "/usr/bin:/bin",
        "KAFKA_BOOTSTRAP_SERVERS": closed,
        "REDIS_URL": servers.redis_url,
        "MONGODB_URL": servers.mongodb_url,
    }
    began = time.monotonic()
    shown = await run_cli("doctor", env=env)
    took = time.monotonic() - began
    print(shown.out)  # the report's "Kafka stopped" output (pytest -s)
    assert shown.code == 1
    assert took < 15, f"took {took:.1f} s"  # a process start included, on a busy machine
    text = " ".join(shown.out.split())  # the table wraps long cells
    assert f"no broker answers at {closed}" in text
    assert "start Kafka" in text
    assert "problem(s): exit 1" in text

    found = await run_cli("doctor", "--json", env=env)
    report = json.loads(found.out)
    assert found.code == 1
    assert [f["area"] for f in report["findings"] if f["status"] == "problem"] == ["kafka"]


async def test_a_kafka_that_accepts_connections_but_never_answers_gives_an_answer_too(
    servers: Endpoints,
) -> None:
    """A hung broker (or a firewall that swallows packets) must not hang the doctor."""
    held: list[asyncio.StreamWriter] = []

    async def accept_and_stay_silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    silent = await asyncio.start_server(accept_and_stay_silent, "127.0.0.1", 0)
    port = silent.sockets[0].getsockname()[1]
    env = {
        "PATH": "/usr/bin:/bin",
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}",
        "REDIS_URL": servers.redis_url,
        "MONGODB_URL": servers.mongodb_url,
    }
    try:
        began = time.monotonic()
        found = await run_cli("doctor", "--json", env=env)
        took = time.monotonic() - began
    finally:
        for writer in held:
            writer.close()
        silent.close()
        await silent.wait_closed()
    assert found.code == 1
    assert took < 20, f"took {took:.1f} s"
    [kafka] = [f for f in json.loads(found.out)["findings"] if f["area"] == "kafka"]
    assert kafka["status"] == "problem"
    assert "start Kafka" in kafka["todo"]


async def test_missing_topics_and_groups_without_members_are_named_and_nothing_is_created(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    bootstrap = servers.kafka_bootstrap_servers
    names = own_names(kafka_topics.name)
    groups = {worker: unique_name(worker.lower()) for worker in GROUP_INPUTS}
    env = {
        "PATH": "/usr/bin:/bin",
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "REDIS_URL": servers.redis_url,
        "MONGODB_URL": servers.mongodb_url,
        **worker_environment(names, groups),
    }
    found = await run_cli("doctor", "--json", env=env)
    assert found.code == 1
    problems = {
        (f["area"], f["subject"]): f
        for f in json.loads(found.out)["findings"]
        if f["status"] == "problem"
    }
    for name in names.values():
        assert problems[("topics", name)]["saw"] == "missing"
    ingest = problems[("groups", f"ingest workers, group {groups['INGEST']}")]
    assert ingest["saw"].startswith("no member: no ingest worker is reading")
    assert "mysessions run ingest" in ingest["todo"]

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        assert set(names.values()).isdisjoint(await admin.list_topics())
    finally:
        await admin.close()
