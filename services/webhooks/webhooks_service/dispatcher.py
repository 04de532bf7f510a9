"""The delivery loop: due deliveries taken from the schedule and sent, each endpoint apart.

Every round looks at the enabled endpoints; one that is not already being served gets its
own task, which claims up to ``per_endpoint_concurrency`` due deliveries, sends them side by
side and settles each (``settle``), until none is due. A slow endpoint therefore slows only
its own task. A task cut short (a stop, a crash) leaves its claims to expire: they are
claimed again, so a delivery is made at least once.
"""

import asyncio
import functools
import time
from dataclasses import dataclass

import structlog
from mysessions_platform.failures import describe
from mysessions_platform.worker.loops import Periodic

from webhooks_service.adapters.delivery_log import Attempt, DeliveryLog, Outcome
from webhooks_service.adapters.endpoints import Endpoint, EndpointStore
from webhooks_service.adapters.outbox import Job, Outbox
from webhooks_service.adapters.sender import Sender, Sent
from webhooks_service.domain.schedule import RetrySchedule
from webhooks_service.domain.signing import key_of

__all__ = ["Dispatcher", "Tally"]

log = structlog.get_logger(__name__)

GONE = 410


@dataclass
class Tally:
    delivered: int = 0
    failed: int = 0
    dead_lettered: int = 0
    endpoints_gone: int = 0


class Dispatcher(Periodic):
    what = "webhook dispatch"
    max_backoff_s = 30.0

    def __init__(
        self,
        endpoints: EndpointStore,
        outbox: Outbox,
        log_: DeliveryLog,
        sender: Sender,
        schedule: RetrySchedule,
        *,
        interval_s: float,
        per_endpoint: int,
        lease_s: float,
    ) -> None:
        self.endpoints = endpoints
        self.outbox = outbox
        self.log = log_
        self.sender = sender
        self.schedule = schedule
        self.interval_s = interval_s
        self.per_endpoint = per_endpoint
        self.lease_s = lease_s
        self.tally = Tally()
        self._busy: dict[str, asyncio.Task[None]] = {}

    async def round(self) -> int:
        started = 0
        for endpoint in await self.endpoints.enabled():
            if endpoint.endpoint_id in self._busy:
                continue
            task = asyncio.create_task(
                self._serve(endpoint), name=f"webhook {endpoint.endpoint_id}"
            )
            self._busy[endpoint.endpoint_id] = task
            task.add_done_callback(functools.partial(self._done, endpoint.endpoint_id))
            started += 1
        return started

    def _done(self, endpoint_id: str, _: "asyncio.Task[None]") -> None:
        self._busy.pop(endpoint_id, None)

    async def run(self) -> None:
        try:
            await super().run()
        finally:
            if self._busy:  # the requests under way finish (the shell bounds the wait)
                await asyncio.gather(*self._busy.values(), return_exceptions=True)

    async def _serve(self, endpoint: Endpoint) -> None:
        try:
            secret = await self.endpoints.secret(endpoint.endpoint_id)
            if secret is None:
                return  # removed meanwhile
            key = key_of(secret)
            while not self._stopping().is_set():
                jobs = await self.outbox.claim(
                    endpoint.endpoint_id, self.per_endpoint, self.lease_s
                )
                if not jobs:
                    return
                outcomes = await asyncio.gather(*(self._attempt(endpoint, key, j) for j in jobs))
                if "endpoint-gone" in outcomes:
                    return
        except Exception as error:  # its claims expire and are taken again
            log.warning("webhook endpoint round failed", error=describe(error))

    async def _attempt(self, endpoint: Endpoint, key: bytes, job: Job) -> Outcome:
        sent = await self.sender.send(endpoint.url, key, job.message_id, job.body)
        attempts = job.attempts + 1
        outcome = await self.settle(endpoint, job, attempts, sent)
        await self.log.add(
            endpoint.endpoint_id,
            Attempt(
                at=time.time(),
                message_id=job.message_id,
                event_type=job.event_type,
                attempt=attempts,
                status_code=sent.status_code,
                error=sent.error,
                duration_ms=sent.duration_ms,
                outcome=outcome,
            ),
        )
        log.info(
            "webhook attempt",
            endpoint_id=endpoint.endpoint_id,
            event_type=job.event_type,
            attempt=attempts,
            status_code=sent.status_code,
            error=sent.error,
            duration_ms=sent.duration_ms,
            outcome=outcome,
        )
        return outcome

    async def settle(self, endpoint: Endpoint, job: Job, attempts: int, sent: Sent) -> Outcome:
        ident, code = endpoint.endpoint_id, sent.status_code
        if code is not None and 200 <= code < 300:
            await self.outbox.delivered(ident, job.message_id)
            self.tally.delivered += 1
            return "delivered"
        self.tally.failed += 1
        if code == GONE:
            # The receiver says the endpoint is no more: stop sending to it. What it still
            # had on the schedule waits there, sent again if the owner redelivers.
            await self.endpoints.disable(ident, "the endpoint answered 410 Gone")
            await self.outbox.dead_letter(ident, job.message_id, attempts)
            self.tally.endpoints_gone += 1
            return "endpoint-gone"
        delay = self.schedule.next_delay(attempts)
        if delay is None:
            await self.outbox.dead_letter(ident, job.message_id, attempts)
            self.tally.dead_lettered += 1
            return "dead-lettered"
        await self.outbox.retry_at(ident, job.message_id, attempts, time.time() + delay)
        return "retrying"
