"""Describing consumer groups on the real broker: members, their partitions, several
groups in one request (what aiokafka's own describe_consumer_groups gets wrong)."""

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.groups import describe_groups
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.naming import unique_name

pytestmark = pytest.mark.integration


async def test_several_groups_with_their_members_and_assignments_in_one_request(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    bootstrap = servers.kafka_bootstrap_servers
    topic = await kafka_topics.create("groups", partitions=2)
    reading, idle, unknown = unique_name("reading"), unique_name("idle"), unique_name("never")
    member = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=reading, client_id="describe-test"
    )
    committer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=idle)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await member.start()
    await committer.start()
    await admin.start()
    try:
        committer.assign([TopicPartition(topic, 0)])
        await committer.commit({TopicPartition(topic, 0): 0})

        async def assigned() -> bool:
            await member.getmany(timeout_ms=100)
            return bool(member.assignment())

        await wait_for(assigned, 30, "the member's assignment")
        found = await describe_groups(admin, [reading, idle, unknown])
    finally:
        await admin.close()
        await committer.stop()
        await member.stop()

    assert found[reading].state == "Stable"
    [one] = found[reading].members
    assert one.client_id == "describe-test"
    assert sorted(one.partitions) == [TopicPartition(topic, 0), TopicPartition(topic, 1)]
    assert (found[idle].state, found[idle].members) == ("Empty", ())
    assert (found[unknown].state, found[unknown].members) == ("Dead", ())
