"""Amazon Connect's contact events (EventBridge, as AWS documents them, keys in either case)
and agent event stream records, posted over real HTTP with the tenant's bearer secret,
through the upstream edge, ingest, queue and reporting on real Kafka, Redis and MongoDB:
every agent's task and timers, and reporting's records with Connect's times; the same fact
from both streams, redeliveries and reordering change nothing; a wrong secret is refused."""

import functools
import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from faststream import TestApp
from ingest_service.entrypoints.app import create_app as create_ingest
from ingest_service.upstream_http.app import create_upstream_app
from ingest_service.upstream_http.settings import UpstreamSettings
from ingest_service.upstream_http.tenants import TenantUpstream
from ingest_service.upstream_http.testing import running_upstream
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.amazon_connect import ConnectContact
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.entrypoints.app import create_app as create_queue
from queue_service.entrypoints.app import make_store
from queue_service.view import agent_view
from redis.asyncio import Redis

from .pipeline import make_pipeline
from .provider_retries import as_the_provider_retries
from .upstream_reporting import (
    expect,
    reporting_beside,
    reporting_settings,
    written_records,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TENANT = "tenant-connect"
SECRET = secrets.token_urlsafe(24)
ALICE, BOB = "a1111111-1111-1111-1111-111111111111", "b2222222-2222-2222-2222-222222222222"
SUPPORT, SALES = "q-support", "q-sales"
TENANTS = {
    TENANT: TenantUpstream(
        connect_secret_sha256=hashlib.sha256(SECRET.encode()).hexdigest(),
        connect_agents={ALICE: "alice", BOB: "bob"},
        connect_queues={SUPPORT: "support", SALES: "sales"},
    )
}
START = datetime.now(UTC) - timedelta(minutes=10)


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


class Connect:
    def __init__(self, client: httpx.AsyncClient, base_url: str, secret: str = SECRET) -> None:
        self.client = client
        self.base = f"{base_url}/amazon-connect/{TENANT}"
        self.headers = {"Authorization": f"Bearer {secret}"}

    async def post(self, stream: str, event: object) -> httpx.Response:
        return await self.client.post(f"{self.base}/{stream}", json=event, headers=self.headers)

    async def contact(self, *events: dict[str, Any]) -> None:
        for event in events:
            response = await as_the_provider_retries(
                functools.partial(self.post, "contact-events", event)
            )
            assert response.status_code == 204, response.text

    async def agent(self, *events: dict[str, Any]) -> None:
        for event in events:
            response = await as_the_provider_retries(
                functools.partial(self.post, "agent-events", event)
            )
            assert response.status_code == 204, response.text


async def test_connect_contacts_reach_every_agents_view_and_reporting(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix)
    database = mongo_databases.create("connect")
    reporting = await reporting_settings(servers, kafka_topics, pipeline, database.name)
    settings = UpstreamSettings().model_copy(
        update={"kafka_bootstrap_servers": servers.kafka_bootstrap_servers, "topic": pipeline.raw}
    )
    redis = Redis.from_url(servers.redis_url)
    store = make_store(redis, pipeline.queue)

    async def task(user: str, contact: ConnectContact) -> dict[str, Any]:
        tasks = await agent_view(store, TENANT, user, datetime.now(UTC))
        return next((t for t in tasks if t["session_id"] == contact.contact_id), {})

    answered, declined, missed, abandoned, first = (ConnectContact(SUPPORT) for _ in range(5))
    try:
        async with (
            TestApp(create_ingest(pipeline.ingest)),
            TestApp(create_queue(pipeline.queue)),
            reporting_beside(reporting),
            running_upstream(create_upstream_app(settings, TENANTS)) as base_url,
            httpx.AsyncClient(timeout=20) as client,
        ):
            connect = Connect(client, base_url)
            wrong = await Connect(client, base_url, "not-the-secret").post(
                "contact-events", answered.queued(at(0))
            )
            assert wrong.status_code == 401
            # Offered, ringing, answered, ended: the answer (contact event) arrives before
            # the ring (agent event), the agent's own CONNECTED repeats it, the queue
            # event comes twice.
            queued = answered.queued(at(0))
            await connect.contact(queued, queued, answered.connected(at(8), ALICE))
            await connect.agent(
                answered.agent_state(at(2), ALICE, "CONNECTING"),
                answered.agent_state(at(8), ALICE, "CONNECTED"),
            )
            await connect.contact(answered.disconnected(at(68), ALICE))
            # Declined (REJECTED), missed (MISSED), each caller then hung up waiting;
            # abandoned while ringing.
            await connect.contact(declined.queued(at(0)), missed.queued(at(0)))
            await connect.contact(abandoned.queued(at(0)))
            await connect.agent(
                declined.agent_state(at(1), BOB, "CONNECTING"),
                declined.agent_state(at(4), BOB, "REJECTED"),
                missed.agent_state(at(5), BOB, "CONNECTING"),
                missed.agent_state(at(20), BOB, "MISSED"),
                abandoned.agent_state(at(3), ALICE, "CONNECTING"),
            )
            await connect.contact(
                abandoned.disconnected(at(7)),
                declined.disconnected(at(10)),
                missed.disconnected(at(25)),
            )
            # Transferred: alice answers, transfers to sales (a new contact), bob answers.
            await connect.contact(first.queued(at(0)), first.connected(at(4), ALICE))
            await connect.agent(first.agent_state(at(1), ALICE, "CONNECTING"))
            second = first.transferred_to(SALES)
            await connect.contact(
                second.initiated(at(34)),
                first.disconnected(at(34.5), ALICE, reason="AGENT_DISCONNECT"),
                second.queued(at(35)),
                second.connected(at(40), BOB),
            )
            await connect.agent(second.agent_state(at(36), BOB, "CONNECTING"))
            await connect.contact(second.disconnected(at(100), BOB))

            async def every_call_ended() -> bool:
                found = [
                    await task("alice", answered),
                    await task("bob", missed),
                    await task("alice", abandoned),
                    await task("alice", first),
                    await task("bob", second),
                ]
                return all(t.get("state") == "ended" for t in found)

            await wait_for(every_call_ended, what="every contact to end")
            records = await written_records(servers, database.name, sessions=6)

        alice_answered = await task("alice", answered)
        assert alice_answered["outcome"] == "accepted"
        assert alice_answered["service_id"] == "support"
        assert alice_answered["user_session_id"] == f"{answered.contact_id}:alice"
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
        assert alice_abandoned["end_reason"] == "abandoned"
        assert alice_abandoned["timers"]["ring_s"] == pytest.approx(4, abs=0.01)
        alice_first = await task("alice", first)
        assert alice_first["outcome"] == "accepted"
        assert alice_first["end_reason"] == "transferred"
        assert alice_first["timers"]["connected_s"] == pytest.approx(30, abs=0.01)
        bob_second = await task("bob", second)
        assert bob_second["outcome"] == "accepted"
        assert bob_second["service_id"] == "sales"
        assert bob_second["timers"]["ring_s"] == pytest.approx(4, abs=0.01)
        assert bob_second["timers"]["connected_s"] == pytest.approx(60, abs=0.01)

        # Reporting's records: one per agent's offer and one per queue stay, Connect's times;
        # the transfer made a new contact, so a session of its own.
        assert len(records.found) == 12, records.summary()
        alice = records.user("alice", answered.contact_id)
        expect(alice, "accepted", "normal", queue_s=8, ring_s=6, talk_s=60)
        expect(records.service(answered.contact_id), "accepted", "ended", queue_s=8, talk_s=60)
        expect(records.user("bob", declined.contact_id), "declined", queue_s=4, ring_s=3)
        expect(records.service(declined.contact_id), "declined", "abandoned", queue_s=10)
        bob = records.user("bob", missed.contact_id)
        expect(bob, "rona", queue_s=20, ring_s=15, talk_s=None)
        expect(records.service(missed.contact_id), "rona", "abandoned", queue_s=25)
        alice = records.user("alice", abandoned.contact_id)
        expect(alice, "cancelled", "abandoned", queue_s=7, ring_s=4, talk_s=None)
        expect(records.service(abandoned.contact_id), "cancelled", "abandoned", queue_s=7)
        alice = records.user("alice", first.contact_id)
        expect(alice, "accepted", "transferred", queue_s=4, ring_s=3, talk_s=30)
        expect(records.service(first.contact_id), "accepted", "transferred", talk_s=30)
        bob = records.user("bob", second.contact_id)
        expect(bob, "accepted", "normal", queue_s=5, ring_s=4, talk_s=60)
        expect(records.service(second.contact_id), "accepted", "ended", queue_s=5, talk_s=60)
        # As documented: the old contact's events do not name the new queue.
        assert records.service(first.contact_id).transfer_target_kind == "unknown"
    finally:
        await redis.aclose()
