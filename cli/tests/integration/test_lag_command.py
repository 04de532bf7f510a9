"""``mysessions lag``: a group's committed offsets against each partition's end, and who
reads each partition, from the real broker."""

import json

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.cli import run_cli
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.naming import unique_name

from .kafka_producing import producing

pytestmark = pytest.mark.integration


async def test_lag_per_partition_for_a_group_that_committed_and_one_that_reads(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    bootstrap = servers.kafka_bootstrap_servers
    topic = await kafka_topics.create("lag", partitions=2)
    async with producing(bootstrap) as producer:
        for n in range(5):
            await producer.send(topic, f"record {n}".encode(), partition=0 if n < 3 else 1)
    stopped, reading = unique_name("stopped"), unique_name("reading")

    committer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=stopped, enable_auto_commit=False
    )
    await committer.start()
    try:  # read two records of partition 0, none of partition 1, then stop
        committer.assign([TopicPartition(topic, 0)])
        await committer.commit({TopicPartition(topic, 0): OffsetAndMetadata(2, "")})
    finally:
        await committer.stop()

    member = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=reading,
        client_id="lag-test-member",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await member.start()
    try:
        read = 0

        async def caught_up() -> bool:
            nonlocal read
            batch = await member.getmany(timeout_ms=200)
            read += sum(len(records) for records in batch.values())
            return read == 5

        await wait_for(caught_up, 30, "the member to read every record")
        await member.commit()
        result = await run_cli(
            "lag",
            "--group",
            stopped,
            "--group",
            reading,
            "--json",
            env={"PATH": "/usr/bin:/bin", "KAFKA_BOOTSTRAP_SERVERS": bootstrap},
        )
        assert result.code == 0, result.err
        groups = {found["group"]: found for found in json.loads(result.out)}

        assert groups[stopped]["state"] == "Empty"
        assert groups[stopped]["members"] == []
        assert [
            (p["partition"], p["committed"], p["end"], p["lag"], p["read_by"])
            for p in groups[stopped]["partitions"]
        ] == [
            (0, 2, 3, 1, None),
            (1, None, 2, 2, None),
        ]
        assert groups[stopped]["lag"] == 3

        assert groups[reading]["state"] == "Stable"
        assert [m["client_id"] for m in groups[reading]["members"]] == ["lag-test-member"]
        partitions = groups[reading]["partitions"]
        assert [(p["committed"], p["lag"]) for p in partitions] == [(3, 0), (2, 0)]
        assert all(p["read_by"].startswith("lag-test-member") for p in partitions)

        table = await run_cli(
            "lag",
            "--group",
            stopped,
            env={"PATH": "/usr/bin:/bin", "KAFKA_BOOTSTRAP_SERVERS": bootstrap},
        )
        assert table.code == 0, table.err
        assert f"{stopped}: 3 behind, 0 member(s), empty" in table.out
    finally:
        await member.stop()
