"""The worker shell: what every worker does around its steps, written once.

A worker declares what it is (``WorkerShell.app``): its name and settings, the topics it
owns (checked and created at start), its subscriptions (a batch step each, at-least-once),
the topics it writes (for its AsyncAPI document), its clients (checked at start, closed at
the end), its supervised loops and what to do before it starts (indexes). The shell owns
the rest:

- start-up: topics, client checks, preparations, then the broker; then the loops;
- readiness (``/readyz``): started, connected to Kafka, in its group, not draining;
- supervision: a loop that ends without being asked to stops the worker, which exits
  non-zero for its supervisor to restart it (never a worker quietly without its loop);
- graceful stop on SIGTERM or SIGINT (``serve``): readiness turns false, no batch starts,
  the batches under way finish and commit and the loops finish their round, all within
  ``stop_grace_s`` (what is cut short then is read again: at-least-once), the clients are
  closed, the process exits 0;
- figures (``/metrics``): FastStream's Prometheus middleware, the delivery figures and the
  domain counts the worker names;
- its AsyncAPI document (``app.schema``): the topics read and written, each record's
  contract (``kafka.documented``), dead letters included.

``create_app`` of each worker returns the app; tests run it in-process with
``faststream.TestApp`` (no HTTP) or as a process (``python -m <worker>_service``).
"""

import asyncio
import contextlib
import functools
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import structlog
from faststream.asgi import AsgiFastStream
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.specification import AsyncAPI

from mysessions_platform.collector import settle_after_start_up
from mysessions_platform.failures import describe
from mysessions_platform.kafka.batches import BatchDelivery, BatchStep
from mysessions_platform.kafka.broker import make_broker
from mysessions_platform.kafka.documented import (
    document_publisher,
    documented_type,
    subscription_description,
)
from mysessions_platform.kafka.publishing import BrokerPublisher
from mysessions_platform.kafka.subscription import subscribe_batches
from mysessions_platform.kafka.topics import TopicSpec, ensure_topics
from mysessions_platform.worker.health import health_routes
from mysessions_platform.worker.http_server import serving
from mysessions_platform.worker.metrics import WorkerMetrics
from mysessions_platform.worker.publish_figures import MiddlewarePublishFigures
from mysessions_platform.worker.readiness import Assignment, Readiness
from mysessions_platform.worker.settings import WorkerSettings

__all__ = ["Client", "Loop", "Subscription", "WorkerApp", "WorkerShell", "run_worker"]

log = structlog.get_logger(__name__)

Action = Callable[[], Awaitable[object]]


class Loop(Protocol):
    """A supervised background loop (``worker.loops.Periodic``)."""

    what: str
    failures: int
    done: int

    async def run(self) -> None: ...
    def stop(self) -> None: ...


@dataclass(frozen=True)
class Subscription:
    """Records of ``topics`` (one consumer, the worker's group) in batches to ``step``."""

    topics: tuple[str, ...]
    step: BatchStep


@dataclass(frozen=True)
class Client:
    """A connection opened lazily by its library: ``check`` at start (a ping: fail fast
    when the server is not there), ``close`` at the very end."""

    name: str
    close: Action
    check: Action | None = None


class WorkerShell:
    """Builds what a worker's steps need from the shell (its broker and publisher, the
    figures) before the worker declares itself with ``app``."""

    def __init__(self, name: str, settings: WorkerSettings) -> None:
        self.name = name
        self.settings = settings
        self.metrics = WorkerMetrics(name)
        prometheus = KafkaPrometheusMiddleware(registry=self.metrics.registry, app_name=name)
        self.broker = make_broker(
            settings.kafka_bootstrap_servers,
            client_id=name,
            graceful_timeout_s=settings.stop_grace_s,
            middlewares=(prometheus,),
        )
        # Its publishes bypass FastStream's middlewares (cost), its figures do not.
        self.publisher = BrokerPublisher(self.broker, MiddlewarePublishFigures(prometheus))

    def app(
        self,
        *,
        owns: Sequence[TopicSpec],
        subscriptions: Sequence[Subscription],
        publishes: Sequence[str] = (),
        clients: Sequence[Client] = (),
        loops: Sequence[Loop] = (),
        prepare: Sequence[Action] = (),
        after_loops: Sequence[Action] = (),
    ) -> "WorkerApp":
        """``publishes``: the topics the worker's steps and loops write (the dead-letter topic
        is the shell's); ``prepare``: start-up steps after the client checks (indexes);
        ``after_loops``: best-effort steps once the loops stopped (a lease released for the
        next holder)."""
        delivery = BatchDelivery(
            consumer_group=self.settings.group_id,
            dead_letters=self.publisher,
            dead_letter_topic=self.settings.dead_letter_topic,
            metrics=self.metrics,
        )
        roles = {spec.name: spec.role for spec in owns if spec.role is not None}
        group = self.settings.group_id
        assignments = []
        for subscription in subscriptions:
            assignment = Assignment()
            first, *also = subscription.topics
            subscribe_batches(
                self.broker,
                first,
                delivery,
                subscription.step,
                self.settings.max_batch,
                also=also,
                listener=assignment,
                documented_as=documented_type(subscription.topics, roles),
                description=subscription_description(subscription.topics, roles, group),
            )
            assignments.append(assignment)
        for topic in dict.fromkeys([*publishes, self.settings.dead_letter_topic]):
            document_publisher(self.broker, topic, roles, self.name)
        self.metrics.loops(loops)
        return WorkerApp(
            self,
            Readiness(self.broker, assignments),
            owns=owns,
            clients=clients,
            loops=loops,
            prepare=prepare,
            after_loops=after_loops,
        )


class WorkerApp(AsgiFastStream):
    """The worker's FastStream app with its health routes; ``serve`` runs it as a process."""

    def __init__(
        self,
        shell: WorkerShell,
        readiness: Readiness,
        *,
        owns: Sequence[TopicSpec],
        clients: Sequence[Client],
        loops: Sequence[Loop],
        prepare: Sequence[Action],
        after_loops: Sequence[Action],
    ) -> None:
        super().__init__(
            shell.broker,
            asgi_routes=health_routes(shell.name, readiness, shell.metrics.registry),
            logger=None,
            specification=AsyncAPI(
                title=f"My Sessions {shell.name} worker",
                version="1",
                description=f"The Kafka topics the {shell.name} worker reads and writes, and"
                " what each record is (libs/contracts).",
            ),
        )
        self.name = shell.name
        self.settings = shell.settings
        self.metrics = shell.metrics
        self.readiness = readiness
        self.owns = tuple(owns)
        self.clients = tuple(clients)
        self.loops = tuple(loops)
        self.exit_code = 0
        self._prepare = tuple(prepare)
        self._after_loops = tuple(after_loops)
        self._running: list[asyncio.Task[None]] = []
        self._exit = asyncio.Event()
        self._stop_deadline = 0.0
        self.on_startup(self._start_up)
        self.after_startup(self._start_loops)
        self.on_shutdown(self._drain)
        self.after_shutdown(self._close)

    # What the process does (``serve``) and what a test may call.

    def exit(self) -> None:
        """Asks the worker to stop (gracefully)."""
        self._exit.set()

    def crash(self, what: str) -> None:
        """A part the worker cannot run without stopped: stop, exit non-zero."""
        log.critical(f"{what} stopped; stopping the worker", worker=self.name)
        self.exit_code = 1
        self.readiness.crashed = True
        self.exit()

    async def serve(self) -> int:
        """Runs the worker until SIGTERM or SIGINT (then drains, exit code 0) or until a
        supervised loop stops (exit code 1), answering the health routes throughout."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop_asked, sig)
        host, port = self.settings.health_host, self.settings.listen_port
        async with serving(self, host, port) as bound:
            log.info("health endpoints", worker=self.name, host=host, port=bound)
            try:
                await self.start()
            except Exception as error:
                log.critical("start-up failed", worker=self.name, error=describe(error))
                self.exit_code = 1
                await self._stop_quietly()
                return self.exit_code
            settle_after_start_up()
            await self._exit.wait()
            await self.stop()
        return self.exit_code

    def _stop_asked(self, sig: signal.Signals) -> None:
        log.info("stop requested, draining", worker=self.name, signal=sig.name)
        self.exit()

    async def _stop_quietly(self) -> None:
        with contextlib.suppress(Exception):
            await self.stop()

    # The lifecycle, as FastStream hooks (so ``TestApp`` runs the same).

    async def _start_up(self) -> None:
        if self.owns:
            await ensure_topics(self.settings.kafka_bootstrap_servers, list(self.owns))
        for client in self.clients:
            if client.check is not None:
                await client.check()
        for step in self._prepare:
            await step()

    async def _start_loops(self) -> None:
        for supervised in self.loops:
            task = asyncio.create_task(supervised.run(), name=supervised.what)
            task.add_done_callback(functools.partial(self._ended, what=supervised.what))
            self._running.append(task)
        self.readiness.started = True
        log.info("worker started", worker=self.name, group=self.settings.group_id)

    def _ended(self, task: "asyncio.Task[None]", what: str) -> None:
        if self.readiness.draining and (task.cancelled() or task.exception() is None):
            return  # stopped as asked
        if not task.cancelled() and (error := task.exception()) is not None:
            log.critical("loop raised", loop=what, error=describe(error))
        self.crash(what)

    async def _drain(self) -> None:
        """Readiness false, the loops asked to stop after their round; the broker then
        stops its subscribers, waiting up to the grace for the batches under way."""
        self.readiness.draining = True
        self.metrics.draining.set(1)
        self._stop_deadline = time.monotonic() + self.settings.stop_grace_s
        for supervised in self.loops:
            supervised.stop()

    async def _close(self) -> None:
        """The loops given what is left of the grace, then the clients closed."""
        if self._running:
            left = max(0.0, self._stop_deadline - time.monotonic())
            _, late = await asyncio.wait(self._running, timeout=left)
            for task in late:
                log.warning("loop cut short by the stop grace", loop=task.get_name())
                task.cancel()
            if late:
                await asyncio.wait(late)
        for step in self._after_loops:
            with contextlib.suppress(Exception):  # best effort: a lease expires by itself
                await step()
        for client in self.clients:
            try:
                await client.close()
            except Exception as error:
                log.warning("client close failed", client=client.name, error=describe(error))
        log.info("worker stopped", worker=self.name, exit_code=self.exit_code)


def run_worker(app: WorkerApp) -> int:
    """``python -m <worker>_service``: the exit code for ``sys.exit``."""
    return asyncio.run(app.serve())
