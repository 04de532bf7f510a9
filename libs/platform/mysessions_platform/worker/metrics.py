"""A worker's figures, in a Prometheus registry of its own (several workers may share a
test process, so nothing is registered globally).

Delivery figures are counted as batches go (``DeliveryMetrics``); domain figures are read
from the counts the steps and loops keep anyway (``counted``), at scrape time, so no domain
module imports Prometheus.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from aiokafka import ConsumerRecord
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from mysessions_platform.kafka.deadletter import Rejection

__all__ = ["WorkerMetrics"]

Records = Sequence[ConsumerRecord[bytes, bytes]]


class LoopCounts(Protocol):
    what: str
    failures: int
    done: int


BATCH_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class _Read(Collector):
    """One figure read from a callable at scrape time."""

    def __init__(
        self, name: str, help_: str, worker: str, read: Callable[[], float], kind: str
    ) -> None:
        self._name, self._help, self._worker, self._read, self._kind = (
            name,
            help_,
            worker,
            read,
            kind,
        )

    def collect(self) -> Iterable[Metric]:
        family = (CounterMetricFamily if self._kind == "counter" else GaugeMetricFamily)(
            self._name, self._help, labels=["worker"]
        )
        family.add_metric([self._worker], float(self._read()))
        yield family

    def describe(self) -> Iterable[Metric]:
        yield (CounterMetricFamily if self._kind == "counter" else GaugeMetricFamily)(
            self._name, self._help, labels=["worker"]
        )


class WorkerMetrics:
    """The registry ``/metrics`` serves and the delivery figures every worker has."""

    def __init__(self, worker: str) -> None:
        self.worker = worker
        self.registry = CollectorRegistry()
        labels = ["worker", "topic"]
        self._consumed = Counter(
            "mysessions_events_consumed",
            "Records read from a topic (every delivery, redeliveries too).",
            labels,
            registry=self.registry,
        )
        self._processed = Counter(
            "mysessions_events_processed",
            "Records whose effects are done (not dead-lettered), per topic.",
            labels,
            registry=self.registry,
        )
        self._dead_letters = Counter(
            "mysessions_dead_letters",
            "Records dead-lettered, by kind: invalid (never valid) or failed (retries ran out).",
            [*labels, "kind"],
            registry=self.registry,
        )
        self._outage_retries = Counter(
            "mysessions_outage_retries",
            "Batch attempts retried because a server was away, slow or refusing.",
            ["worker"],
            registry=self.registry,
        )
        self._rewinds = Counter(
            "mysessions_batch_rewinds",
            "Batches left uncommitted after an outage outlasted the retries (read again).",
            ["worker"],
            registry=self.registry,
        )
        self._batch_seconds = Histogram(
            "mysessions_batch_duration_seconds",
            "Time from reading a batch to its effects done (dead letters included).",
            ["worker"],
            buckets=BATCH_SECONDS,
            registry=self.registry,
        )
        self.draining = Gauge(
            "mysessions_worker_draining",
            "1 from the stop request (SIGTERM) on: batches under way finish, none start.",
            ["worker"],
            registry=self.registry,
        ).labels(worker)
        self._loop_failures: dict[str, Callable[[], float]] = {}

    def batch_read(self, records: Records) -> None:
        for topic, count in _per_topic(records).items():
            self._consumed.labels(self.worker, topic).inc(count)

    def batch_done(self, records: Records, rejected: Sequence[Rejection], seconds: float) -> None:
        done = _per_topic(records)
        for rejection in rejected:
            done[rejection.record.topic] -= 1
            self._dead_letters.labels(self.worker, rejection.record.topic, rejection.kind).inc()
        for topic, count in done.items():
            self._processed.labels(self.worker, topic).inc(max(count, 0))
        self._batch_seconds.labels(self.worker).observe(seconds)

    def outage_retried(self) -> None:
        self._outage_retries.labels(self.worker).inc()

    def batch_rewound(self, records: Records, seconds: float) -> None:
        self._rewinds.labels(self.worker).inc()
        self._batch_seconds.labels(self.worker).observe(seconds)

    def loops(self, loops: Sequence[LoopCounts]) -> None:
        self.registry.register(_LoopFigures(self.worker, loops))

    def counted(self, name: str, help_: str, read: Callable[[], float]) -> None:
        """A counter read from ``read`` at scrape time (``name`` without ``_total``)."""
        self.registry.register(_Read(name, help_, self.worker, read, "counter"))

    def gauged(self, name: str, help_: str, read: Callable[[], float]) -> None:
        self.registry.register(_Read(name, help_, self.worker, read, "gauge"))


def _per_topic(records: Records) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        counts[record.topic] = counts.get(record.topic, 0) + 1
    return counts


class _LoopFigures(Collector):
    """Each supervised loop's failed rounds and what its rounds did, by loop."""

    def __init__(self, worker: str, loops: Sequence[LoopCounts]) -> None:
        self._worker, self._loops = worker, loops

    def collect(self) -> Iterable[Metric]:
        failures = CounterMetricFamily(
            "mysessions_loop_failures",
            "Failed rounds of a supervised loop (retried after a pause).",
            labels=["worker", "loop"],
        )
        done = CounterMetricFamily(
            "mysessions_loop_done",
            "What a loop's rounds did, summed (sessions expired, records purged, saves sent).",
            labels=["worker", "loop"],
        )
        for loop in self._loops:
            failures.add_metric([self._worker, loop.what], loop.failures)
            done.add_metric([self._worker, loop.what], loop.done)
        yield failures
        yield done

    def describe(self) -> Iterable[Metric]:
        return self.collect()
