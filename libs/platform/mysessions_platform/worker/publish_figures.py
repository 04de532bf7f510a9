"""The published-message figures FastStream's Prometheus middleware keeps, counted for the
publishes that bypass it (``kafka.publishing.BrokerPublisher``): the same series
(``faststream_published_messages_total`` and its duration and exceptions), so dashboards
and alerts read on unchanged."""

from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.prometheus.types import PublishingStatus

__all__ = ["MiddlewarePublishFigures"]

BROKER = "kafka"  # the middleware's ``messaging_system`` for Kafka


class MiddlewarePublishFigures:
    """Counts into the middleware's own metrics, once per call of ``publish_all``: the
    messages by status (all of a failed call as ``error``: which of them Kafka has is not
    known), the call's duration until every message was confirmed, its exception type."""

    def __init__(self, middleware: KafkaPrometheusMiddleware) -> None:
        # The middleware keeps its manager private; it is the one place the series live.
        self._manager = middleware._metrics_manager

    def published(self, topic: str, count: int, seconds: float, error: Exception | None) -> None:
        status = PublishingStatus.error if error else PublishingStatus.success
        if error is not None:
            self._manager.add_published_message_exception(
                broker=BROKER, destination=topic, exception_type=type(error).__name__
            )
        self._manager.observe_published_message_duration(
            duration=seconds, broker=BROKER, destination=topic
        )
        self._manager.add_published_message(
            broker=BROKER, destination=topic, status=status, amount=count
        )
