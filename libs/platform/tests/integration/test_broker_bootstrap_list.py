"""A worker's broker reaches Kafka through a list of servers, as KAFKA_BOOTSTRAP_SERVERS
names a cluster (``a:9092,b:9092``), whichever of them answers.

FastStream handed the string to aiokafka as one address, so no worker started against a
cluster (found by the three-broker test)."""

import pytest
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.testing.kafka_reading import read_records
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.ports import free_port

pytestmark = pytest.mark.integration


async def test_a_worker_broker_starts_from_a_list_whose_first_server_is_away(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    bootstrap = servers.kafka_bootstrap_servers
    listed = f"127.0.0.1:{free_port()}, {bootstrap}"
    topic = await kafka_topics.create("listed")
    async with make_broker(listed, client_id="test") as broker:
        await BrokerPublisher(broker).publish_all(topic, [(b"k", b"sent")])

    assert [record.value for record in await read_records(bootstrap, topic, 1)] == [b"sent"]
