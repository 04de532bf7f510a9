"""``BrokerPublisher`` sends through the broker's aiokafka producer, past FastStream's
per-message publish path (its cost): the records are what that path wrote, in order per
key, and the published-message figures of FastStream's Prometheus middleware still count
them, failures included."""

import pytest
from aiokafka.errors import KafkaError
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from mysessions_platform.infra import Endpoints
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.testing.kafka_reading import read_records
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.worker.publish_figures import MiddlewarePublishFigures
from prometheus_client import CollectorRegistry

pytestmark = pytest.mark.integration


def _figure(registry: CollectorRegistry, name: str, labels: dict[str, str]) -> float | None:
    return registry.get_sample_value(name, {"app_name": "test", "broker": "kafka", **labels})


async def test_records_arrive_in_order_with_fastreams_headers_and_are_counted(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    topic = await kafka_topics.create("default")
    registry = CollectorRegistry()
    prometheus = KafkaPrometheusMiddleware(registry=registry, app_name="test")
    sent: list[tuple[bytes | None, bytes]] = [
        (b"session-1", f"event-{i}".encode()) for i in range(50)
    ]
    bootstrap = servers.kafka_bootstrap_servers
    async with make_broker(bootstrap, client_id="test", middlewares=(prometheus,)) as broker:
        publisher = BrokerPublisher(broker, MiddlewarePublishFigures(prometheus))
        await publisher.publish_all(topic, sent[:20])
        await publisher.publish_all(topic, sent[20:])

    records = await read_records(bootstrap, topic, 50)
    assert [(r.key, r.value) for r in records] == sent
    headers = dict(records[0].headers)
    assert headers["content-type"] == b""
    assert len(headers["correlation_id"]) == 36  # a UUID, as FastStream's
    ok = {"destination": topic, "status": "success"}
    assert _figure(registry, "faststream_published_messages_total", ok) == 50
    duration = {"destination": topic}
    assert _figure(registry, "faststream_published_messages_duration_seconds_count", duration) == 2


async def test_a_refused_send_raises_and_is_counted_as_an_error(
    servers: Endpoints, kafka_topics: KafkaTopics
) -> None:
    topic = await kafka_topics.create("default")
    registry = CollectorRegistry()
    prometheus = KafkaPrometheusMiddleware(registry=registry, app_name="test")
    bootstrap = servers.kafka_bootstrap_servers
    async with make_broker(bootstrap, client_id="test", middlewares=(prometheus,)) as broker:
        publisher = BrokerPublisher(broker, MiddlewarePublishFigures(prometheus))
        with pytest.raises(KafkaError):
            await publisher.publish_all(topic, [(b"k", b"x" * 3 * 1024 * 1024)])

    failed = {"destination": topic, "status": "error"}
    assert _figure(registry, "faststream_published_messages_total", failed) == 1
    raised = {"destination": topic, "exception_type": "MessageSizeTooLargeError"}
    assert _figure(registry, "faststream_published_messages_exceptions_total", raised) == 1
