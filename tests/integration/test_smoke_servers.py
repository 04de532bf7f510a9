"""The three servers are real: a consumer group commits, a Lua script runs, an index rejects."""

import asyncio
import json
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.mongo_databases import mongo_databases as open_mongo_databases
from mysessions_platform.testing.naming import unique_name
from mysessions_platform.testing.redis_keys import RedisKeys
from pymongo.errors import DuplicateKeyError

pytestmark = pytest.mark.integration


async def _committed(admin: AIOKafkaAdminClient, group: str, topic: str) -> int | None:
    offsets = await admin.list_consumer_group_offsets(group)
    committed = offsets.get(TopicPartition(topic, 0))
    return None if committed is None or committed.offset < 0 else int(committed.offset)


async def _wait_for_commit(admin: AIOKafkaAdminClient, group: str, topic: str) -> int:
    for _ in range(300):
        if (offset := await _committed(admin, group, topic)) is not None:
            return offset
        await asyncio.sleep(0.1)
    raise AssertionError(f"group {group} committed nothing on {topic}")


async def _produce(bootstrap_servers: str, topic: str, payload: dict[str, str]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(topic, json.dumps(payload).encode())
    finally:
        await producer.stop()


async def test_kafka_group_commits_only_after_the_handler(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    topic = await kafka_topics.create(partitions=1)
    group = unique_name("g")
    payload = {"id": unique_name("msg")}
    received: asyncio.Future[dict[str, str]] = asyncio.get_running_loop().create_future()
    committed_while_handling: list[int | None] = []

    broker = KafkaBroker(servers.kafka_bootstrap_servers)

    @broker.subscriber(
        topic, group_id=group, ack_policy=AckPolicy.ACK, auto_offset_reset="earliest"
    )
    async def handle(body: dict[str, str]) -> None:
        committed_while_handling.append(await _committed(kafka_topics.admin, group, topic))
        if not received.done():
            received.set_result(body)

    await _produce(servers.kafka_bootstrap_servers, topic, payload)
    async with broker, asyncio.timeout(60):
        await broker.start()
        assert await received == payload
        after = await _wait_for_commit(kafka_topics.admin, group, topic)

    assert committed_while_handling == [None]  # nothing committed before the handler returned
    assert after == 1  # the offset after the one message


async def test_redis_runs_a_lua_script_on_the_test_keys(redis_keys: RedisKeys) -> None:
    counter, log = redis_keys.key("counter"), redis_keys.key("log")
    script = """
        local total = redis.call('INCRBY', KEYS[1], ARGV[1])
        redis.call('RPUSH', KEYS[2], ARGV[2])
        return {total, redis.call('LLEN', KEYS[2])}
    """
    assert await redis_keys.client.eval(script, 2, counter, log, 5, "a") == [5, 1]
    assert await redis_keys.client.eval(script, 2, counter, log, 7, "b") == [12, 2]
    assert await redis_keys.client.lrange(log, 0, -1) == [b"a", b"b"]


async def test_mongodb_stores_finds_and_enforces_a_unique_index(
    mongo_databases: MongoDatabases,
) -> None:
    sessions = mongo_databases.create()["sessions"]
    await sessions.create_index("session_id", unique=True)
    await sessions.insert_many([{"session_id": "s1", "n": 1}, {"session_id": "s2", "n": 2}])

    found: list[dict[str, Any]] = await sessions.find({"n": {"$gte": 2}}, {"_id": 0}).to_list()
    assert found == [{"session_id": "s2", "n": 2}]
    with pytest.raises(DuplicateKeyError):
        await sessions.insert_one({"session_id": "s1", "n": 3})
    assert await sessions.count_documents({}) == 2


async def test_test_databases_are_dropped(servers: Endpoints) -> None:
    async with open_mongo_databases(servers.mongodb_url) as databases:
        database = databases.create()
        await database["c"].insert_one({"x": 1})
        assert database.name in await databases.client.list_database_names()
    async with open_mongo_databases(servers.mongodb_url) as databases:
        assert database.name not in await databases.client.list_database_names()
