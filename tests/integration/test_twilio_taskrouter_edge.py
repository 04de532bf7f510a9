"""Twilio TaskRouter's event callbacks, posted over real HTTP with real signatures (computed
by the twilio library with the tenant's auth token), through the upstream edge, ingest,
queue and reporting on real Kafka, Redis and MongoDB: every agent's task and timers, and
reporting's records with Twilio's times; redeliveries and reordering change nothing; a bad
signature, an unknown tenant, a big body and a missing field are refused at the edge, and
an outage answers 503 so that Twilio retries."""

import functools
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from contracts import SessionEvent
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from ingest_service.upstream_http.app import create_upstream_app
from ingest_service.upstream_http.publish import PublishFailed
from ingest_service.upstream_http.settings import UpstreamSettings
from ingest_service.upstream_http.tenants import TenantUpstream
from ingest_service.upstream_http.testing import running_upstream
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.testing.twilio_taskrouter import TaskRouterTask
from pydantic import SecretStr
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.entrypoints.app import make_store
from queue_service.view import agent_view
from redis.asyncio import Redis
from twilio.request_validator import RequestValidator

from .pipeline import make_pipeline
from .provider_retries import as_the_provider_retries
from .upstream_reporting import (
    expect,
    reporting_beside,
    reporting_settings,
    written_records,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TENANT = "tenant-twilio"
TOKEN = secrets.token_hex(16)
SUPPORT, SALES = "WQ" + "a" * 32, "WQ" + "b" * 32
ALICE, BOB = "WK" + "1" * 32, "WK" + "2" * 32
TENANTS = {
    TENANT: TenantUpstream(
        twilio_auth_token=SecretStr(TOKEN),
        twilio_workers={ALICE: "alice", BOB: "bob"},
        twilio_queues={SUPPORT: "support", SALES: "sales"},
    )
}
START = datetime.now(UTC) - timedelta(minutes=10)


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


class Twilio:
    """Posts callbacks as Twilio does: a form, signed over the URL with the auth token."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, token: str = TOKEN) -> None:
        self.client = client
        self.url = f"{base_url}/twilio/{TENANT}/taskrouter"
        self.validator = RequestValidator(token)

    async def post(self, form: dict[str, str], url: str | None = None) -> httpx.Response:
        target = url or self.url
        signature = self.validator.compute_signature(target, form)
        return await self.client.post(target, data=form, headers={"X-Twilio-Signature": signature})

    async def send(self, *forms: dict[str, str]) -> None:
        for form in forms:
            response = await as_the_provider_retries(functools.partial(self.post, form))
            assert response.status_code == 204, response.text


async def test_taskrouter_calls_reach_every_agents_view_and_reporting(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    database = mongo_databases.create("twilio")
    reporting = await reporting_settings(servers, kafka_topics, pipeline, database.name)
    settings = UpstreamSettings().model_copy(
        update={"kafka_bootstrap_servers": servers.kafka_bootstrap_servers, "topic": pipeline.raw}
    )
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, pipeline.queue)

    async def task(user: str, call: TaskRouterTask, queue: str | None = None) -> dict[str, Any]:
        tasks = await agent_view(store, TENANT, user, datetime.now(UTC))
        return next(
            (
                t
                for t in tasks
                if t["session_id"] == call.task_sid and (queue is None or t["service_id"] == queue)
            ),
            {},
        )

    answered, declined, missed, abandoned, moved = (
        TaskRouterTask(SUPPORT, "Support") for _ in range(5)
    )
    try:
        async with (
            TestApp(create_ingest(pipeline.ingest)),
            TestApp(create_queue(pipeline.queue)),
            reporting_beside(reporting),
            running_upstream(create_upstream_app(settings, TENANTS)) as base_url,
            httpx.AsyncClient(timeout=20) as client,
        ):
            twilio = Twilio(client, base_url)
            accepted = answered.reservation("reservation.accepted", at(8), ALICE, "Alice")
            created = answered.reservation("reservation.created", at(2), ALICE, "Alice")
            # Offered, ringing, answered, ended; the answer posted before the offer
            # (reordered) and the offer posted twice (redelivered).
            accepted["ReservationSid"] = created["ReservationSid"]
            await twilio.send(answered.entered(at(0)), accepted, created, created)
            await twilio.send(
                answered.task_event("task.wrapup", at(68)),
                answered.task_event("task.completed", at(90)),
            )
            # Declined, missed (each caller then hung up waiting), abandoned while ringing.
            await twilio.send(
                declined.entered(at(0)),
                declined.reservation("reservation.created", at(1), BOB, "Bob"),
                declined.reservation("reservation.rejected", at(4), BOB, "Bob"),
                declined.task_event("task.canceled", at(10), TaskCanceledReason="hangup"),
                missed.entered(at(0)),
                missed.reservation("reservation.created", at(5), BOB, "Bob"),
                missed.reservation("reservation.timeout", at(20), BOB, "Bob"),
                missed.task_event("task.canceled", at(25), TaskCanceledReason="hangup"),
                abandoned.entered(at(0)),
                abandoned.reservation("reservation.created", at(3), ALICE, "Alice"),
                abandoned.task_event("task.canceled", at(7), TaskCanceledReason="hangup"),
                abandoned.reservation("reservation.canceled", at(7), ALICE, "Alice"),
            )
            # Transferred: alice answers, transfers to sales, bob answers there.
            await twilio.send(
                moved.entered(at(0)),
                moved.reservation("reservation.created", at(1), ALICE, "Alice"),
                moved.reservation("reservation.accepted", at(4), ALICE, "Alice"),
                moved.transfer(at(34), "QUEUE", SALES),
            )
            moved.moved_to(SALES, "Sales")
            await twilio.send(
                moved.entered(at(35)),
                moved.reservation("reservation.created", at(36), BOB, "Bob"),
                moved.reservation("reservation.accepted", at(40), BOB, "Bob"),
                moved.task_event("task.completed", at(100)),
            )

            async def every_call_ended() -> bool:
                found = [
                    await task("alice", answered),
                    await task("bob", missed),
                    await task("alice", abandoned),
                    await task("bob", moved),
                ]
                return all(t.get("state") == "ended" for t in found)

            await wait_for(every_call_ended, what="every call to end")
            records = await written_records(servers, database.name, sessions=5)

        alice_answered = await task("alice", answered)
        assert alice_answered["outcome"] == "accepted"
        assert alice_answered["user_session_id"] == created["ReservationSid"]
        assert alice_answered["timers"]["queue_s"] == pytest.approx(8, abs=0.01)
        assert alice_answered["timers"]["ring_s"] == pytest.approx(6, abs=0.01)
        assert alice_answered["timers"]["connected_s"] == pytest.approx(60, abs=0.01)

        bob_declined = await task("bob", declined)
        assert bob_declined["outcome"] == "declined"
        assert bob_declined["timers"]["ring_s"] == pytest.approx(3, abs=0.01)
        bob_missed = await task("bob", missed)
        assert bob_missed["outcome"] == "rona"
        assert bob_missed["timers"]["ring_s"] == pytest.approx(15, abs=0.01)
        alice_abandoned = await task("alice", abandoned)
        assert alice_abandoned["outcome"] == "cancelled"
        assert alice_abandoned["timers"]["ring_s"] == pytest.approx(4, abs=0.01)

        alice_moved = await task("alice", moved, "support")
        assert alice_moved["outcome"] == "accepted"
        assert alice_moved["end_reason"] == "transferred"
        assert alice_moved["timers"]["connected_s"] == pytest.approx(30, abs=0.01)
        bob_moved = await task("bob", moved, "sales")
        assert bob_moved["outcome"] == "accepted"
        assert bob_moved["timers"]["ring_s"] == pytest.approx(4, abs=0.01)
        assert bob_moved["timers"]["connected_s"] == pytest.approx(60, abs=0.01)

        # Reporting's records: one per reservation and one per queue stay, Twilio's times.
        assert len(records.found) == 12, records.summary()
        alice = records.user("alice", answered.task_sid)
        expect(alice, "accepted", "normal", queue_s=8, ring_s=6, talk_s=60)
        expect(records.service(answered.task_sid), "accepted", "ended", queue_s=8, talk_s=60)
        expect(records.user("bob", declined.task_sid), "declined", queue_s=4, ring_s=3)
        expect(records.service(declined.task_sid), "declined", "abandoned", queue_s=10)
        expect(records.user("bob", missed.task_sid), "rona", queue_s=20, ring_s=15, talk_s=None)
        expect(records.service(missed.task_sid), "rona", "abandoned", queue_s=25)
        expect(records.user("alice", abandoned.task_sid), "cancelled", queue_s=7, ring_s=4)
        expect(records.service(abandoned.task_sid), "cancelled", "abandoned", queue_s=7)
        first = records.user("alice", moved.task_sid, "support")
        expect(first, "accepted", "transferred", queue_s=4, ring_s=3, talk_s=30)
        second = records.user("bob", moved.task_sid, "sales")
        expect(second, "accepted", "normal", queue_s=5, ring_s=4, talk_s=60)
        support, sales = (
            records.service(moved.task_sid, "support"),
            records.service(moved.task_sid, "sales"),
        )
        expect(support, "accepted", "transferred", talk_s=30)
        expect(sales, "accepted", "ended", queue_s=5, talk_s=60)
        assert support.transfer_target_kind == "service"
        assert support.next_service_session_id == sales.service_session_id
    finally:
        await redis.aclose()


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.published: list[SessionEvent] = []

    async def __call__(self, events: Sequence[SessionEvent]) -> None:
        if self.fail:
            raise PublishFailed("KafkaConnectionError")
        self.published.extend(events)


async def test_the_edge_refuses_what_it_cannot_trust_and_answers_503_in_an_outage() -> None:
    recorder = Recorder()
    settings = UpstreamSettings().model_copy(update={"max_body_bytes": 4096})
    task = TaskRouterTask(SUPPORT, "Support")
    async with (
        running_upstream(create_upstream_app(settings, TENANTS, recorder)) as base_url,
        httpx.AsyncClient(timeout=20) as client,
    ):
        twilio = Twilio(client, base_url)
        form = task.entered(at(0))
        assert (await twilio.post(form)).status_code == 204
        assert len(recorder.published) == 2

        forged = Twilio(client, base_url, token="not-the-token")
        refused = await forged.post(form)
        assert refused.status_code == 403
        assert refused.json() == {"detail": "X-Twilio-Signature: invalid"}
        unknown = await twilio.post(form, url=f"{base_url}/twilio/someone-else/taskrouter")
        assert unknown.status_code == 403

        big = await twilio.post({**form, "TaskAttributes": "x" * 5000})
        assert big.status_code == 413

        lacking = {k: v for k, v in form.items() if k != "TaskQueueSid"}
        bad = await twilio.post(lacking)
        assert bad.status_code == 400
        assert bad.json() == {"detail": "TaskQueueSid: missing"}
        assert task.task_sid not in bad.text

        recorder.fail = True
        outage = await twilio.post(form)
        assert outage.status_code == 503
        assert len(recorder.published) == 2
