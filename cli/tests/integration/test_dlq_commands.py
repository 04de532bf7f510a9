"""``mysessions dlq`` as an operator runs it: letters written by the real batch delivery,
listed, shown and redriven to their source topic, each at most once across runs."""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.batches import BatchDelivery
from mysessions_platform.kafka.deadletter import Rejection
from mysessions_platform.mongo import with_database
from mysessions_platform.testing.cli import CliResult, run_cli
from mysessions_platform.testing.kafka_reading import read_records
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.naming import unique_name
from mysessions_platform.testing.ports import free_port

from .kafka_producing import producing

pytestmark = pytest.mark.integration

Records = Sequence[ConsumerRecord[bytes, bytes]]
ORIGINALS = {
    b"session-1": b'{"bad": "no type"}',
    b"session-2": b"\x00not json at all\xff",
    b"session-3": b'{"boom": true}',
    b"session-4": b'{"fine": true}',
}


async def reject_bad(records: Records) -> list[Rejection]:
    now = datetime.now(UTC)
    return [
        Rejection(r, "invalid", "event.type: field required", now, now, 1)
        for r in records
        if r.key in (b"session-1", b"session-2")
    ]


async def fail_on_boom(records: Records) -> list[Rejection]:
    if any(r.value is not None and b"boom" in r.value for r in records):
        raise ValueError("a bug this message triggers")
    return []


async def make_dead_letters(servers: Endpoints, source: str, dlq: str) -> tuple[str, str]:
    """Four records on ``source``; the delivery of group ``ingest-…`` dead-letters two as
    invalid, that of ``queue-…`` one as failed (after its retries)."""
    ingest, queue = unique_name("ingest"), unique_name("queue")
    async with producing(servers.kafka_bootstrap_servers) as producer:
        for key, value in ORIGINALS.items():
            await producer.send(source, value, key=key)
        records = await read_records(servers.kafka_bootstrap_servers, source, len(ORIGINALS))
        assert len(records) == len(ORIGINALS)
        await BatchDelivery(ingest, producer, dlq).run(records, reject_bad)
        await BatchDelivery(queue, producer, dlq).run(records, fail_on_boom)
    return ingest, queue


def environment(servers: Endpoints, database: str, dlq: str) -> dict[str, str]:
    """The dead-letter topic as the workers' settings name it (every worker the same)."""
    workers = ("INGEST", "QUEUE", "CONTEXT", "REPORTING", "WEBHOOKS")
    return {
        "PATH": "/usr/bin:/bin",
        "KAFKA_BOOTSTRAP_SERVERS": servers.kafka_bootstrap_servers,
        "MONGODB_URL": with_database(servers.mongodb_url, database),
        **{f"{worker}_DEAD_LETTER_TOPIC": dlq for worker in workers},
    }


async def listed(env: dict[str, str], *options: str) -> list[dict[str, Any]]:
    result = await run_cli("dlq", "list", "--json", *options, env=env)
    assert result.code == 0, result.err
    letters: list[dict[str, Any]] = json.loads(result.out)
    return letters


def summary(result: CliResult) -> list[str]:
    assert result.code == 0, result.err
    return [
        line for line in result.out.splitlines() if not line.startswith(("┏", "┃", "┡", "│", "└"))
    ]


async def test_letters_are_listed_filtered_and_shown_as_written(
    servers: Endpoints, kafka_topics: KafkaTopics, mongo_databases: MongoDatabases
) -> None:
    source = await kafka_topics.create("src", partitions=2)
    dlq = await kafka_topics.create("dlq", partitions=2)
    ingest, queue = await make_dead_letters(servers, source, dlq)
    env = environment(servers, mongo_databases.create("dlq").name, dlq)

    letters = await listed(env)
    assert sorted((x["consumer_group"], x["kind"], x["source_topic"]) for x in letters) == [
        (ingest, "invalid", source),
        (ingest, "invalid", source),
        (queue, "failed", source),
    ]
    assert all(x["redriven"] is None for x in letters)
    assert [x["consumer_group"] for x in await listed(env, "--kind", "failed")] == [queue]
    assert len(await listed(env, "--group", ingest)) == 2
    assert await listed(env, "--topic", "another.topic") == []
    assert len(await listed(env, "--topic", source, "--since", "10m")) == 3

    [failed] = await listed(env, "--kind", "failed")
    shown = await run_cli("dlq", "show", failed["id"], env=env)
    assert shown.code == 0, shown.err
    for expected in (
        "ValueError: a bug this message triggers",
        queue,
        '{"boom": true}',
        "session-3",
    ):
        assert expected in shown.out
    raw = await run_cli("dlq", "show", failed["id"], "--raw", env=env)
    assert raw.out.encode() == ORIGINALS[b"session-3"]
    missing = await run_cli("dlq", "show", "0:999", env=env)
    assert missing.code == 1
    assert "no record at 0:999" in missing.err

    table = await run_cli("dlq", "list", env=env)
    assert table.code == 0, table.err
    assert "3 letter(s) selected of 3" in table.out


async def test_redrive_sends_each_letter_back_once_and_the_dry_run_sends_nothing(
    servers: Endpoints, kafka_topics: KafkaTopics, mongo_databases: MongoDatabases
) -> None:
    source = await kafka_topics.create("src", partitions=2)
    dlq = await kafka_topics.create("dlq", partitions=2)
    await make_dead_letters(servers, source, dlq)
    database = mongo_databases.create("dlq")
    env = environment(servers, database.name, dlq)

    dry = await run_cli("dlq", "redrive", "--kind", "invalid", "--dry-run", env=env)
    assert summary(dry)[-2:] == [
        f"would redrive 2 letter(s) to {source} (2)",
        "(dry run: nothing sent, nothing recorded)",
    ]
    assert len(await read_records(servers.kafka_bootstrap_servers, source, 5, 3)) == 4
    assert await database.list_collection_names() == []

    first = await run_cli("dlq", "redrive", "--kind", "invalid", "--yes", env=env)
    assert summary(first)[-1] == f"redriven 2 letter(s) to {source} (2)"
    records = await read_records(servers.kafka_bootstrap_servers, source, 7, 5)
    assert len(records) == 6
    again = [(r.key, r.value) for r in records if r.headers]
    assert sorted(again) == [
        (b"session-1", ORIGINALS[b"session-1"]),
        (b"session-2", ORIGINALS[b"session-2"]),
    ]
    assert all(
        dict(r.headers)["mysessions-redriven-from"].startswith(dlq.encode())
        for r in records
        if r.headers
    )

    second = await run_cli("dlq", "redrive", "--kind", "invalid", "--yes", env=env)
    assert summary(second)[-2:] == [
        "to redrive 0 letter(s)",
        "already redriven (not again): 2",
    ]
    assert len(await read_records(servers.kafka_bootstrap_servers, source, 7, 3)) == 6

    states = {x["kind"]: x["redriven"] for x in await listed(env)}
    assert states["failed"] is None
    assert states["invalid"]["state"] == "sent"
    assert states["invalid"]["to"]["topic"] == source

    everything = await run_cli("dlq", "redrive", "--all", "--yes", env=env)
    assert summary(everything)[-3:] == [
        f"to redrive 1 letter(s) to {source} (1)",
        "already redriven (not again): 2",
        f"redriven 1 letter(s) to {source} (1)",
    ]
    assert len(await read_records(servers.kafka_bootstrap_servers, source, 8, 3)) == 7


async def test_redrive_without_a_filter_asks_for_one(servers: Endpoints) -> None:
    result = await run_cli("dlq", "redrive", "--yes", env={"PATH": "/usr/bin:/bin"})
    assert result.code == 2
    assert "give a filter" in result.err


async def test_a_kafka_that_is_away_ends_the_command_with_one_plain_line() -> None:
    env = {"PATH": "/usr/bin:/bin", "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}"}
    for command in (("dlq", "list", "--dead-letter-topic", "dlq"), ("lag",)):
        result = await run_cli(*command, env=env)
        assert result.code == 1
        assert result.err.startswith("a server did not answer: KafkaConnectionError")
        assert "Traceback" not in result.err
