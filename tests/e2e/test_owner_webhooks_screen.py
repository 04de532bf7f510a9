"""The settings screen's webhooks section in Debian's Chromium, with the webhooks worker and
a receiver on a local port: the owner adds an endpoint, the secret is shown once (gone once
dismissed and after a reload, never in the list), an event of the service reaches the
receiver signed (checked with the ``standardwebhooks`` library), and the delivery log shows
the attempt's status; axe-core finds nothing serious."""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import contracts as c
import pytest
from aiokafka import AIOKafkaProducer
from faststream import TestApp
from gateway_service.testing import RunningGateway, isolated_gateway
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from mysessions_platform.worker.http_server import serving
from playwright.async_api import BrowserContext, expect
from standardwebhooks import Webhook
from webhooks_service.entrypoints.app import create_app
from webhooks_service.settings import WebhooksSettings

from .browser import axe_violations, screenshot
from .test_owner_screens import open_screen

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
async def gateway(
    servers: Endpoints,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    kafka_topics: KafkaTopics,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[RunningGateway]:
    """The gateway with webhooks in development mode: endpoints on loopback over http."""
    monkeypatch.setenv("WEBHOOKS_MODE", "development")
    async with isolated_gateway(servers, redis_keys, mongo_databases, kafka_topics) as running:
        yield running


class Receiver:
    def __init__(self) -> None:
        self.secret = ""
        self.payloads: list[dict[str, Any]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {name.decode(): value.decode() for name, value in scope["headers"]}
        self.payloads.append(Webhook(self.secret).verify(body, headers))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def test_an_owner_adds_an_endpoint_sees_the_secret_once_and_reads_the_log(
    gateway: RunningGateway,
    browser: BrowserContext,
    axe: str,
    servers: Endpoints,
    kafka_topics: KafkaTopics,
) -> None:
    receiver = Receiver()
    events = await kafka_topics.create("sessions")
    settings = WebhooksSettings().model_copy(
        update={
            "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
            "redis_url": servers.redis_url,
            "mongodb_url": gateway.settings.mongodb_url,
            "group_id": f"webhooks-{uuid4().hex[:8]}",
            "events_topic": events,
            "acw_topic": await kafka_topics.create("acw"),
            "records_topic": await kafka_topics.create("records"),
            "dead_letter_topic": await kafka_topics.create("dlq"),
            "key_prefix": gateway.settings.queue_key_prefix,
            "mode": "development",
            "dispatch_interval_s": 0.1,
        }
    )
    token = gateway.token("acme", "olivia", ("service_owner",), ("sales",))
    async with serving(receiver, "127.0.0.1", 0) as port, TestApp(create_app(settings)):
        page, errors = await open_screen(browser, gateway, "/settings", token)
        section = page.get_by_role("region", name="Webhooks")
        await expect(section.get_by_text("No endpoint yet.")).to_be_visible()
        await page.get_by_label("Endpoint URL (https)").fill("http://10.0.0.7/hook")
        await page.get_by_role("button", name="Add endpoint").press("Enter")
        await expect(page.get_by_text("The URL was refused")).to_be_visible()

        url = f"http://127.0.0.1:{port}/hook"
        await page.get_by_label("Endpoint URL (https)").fill(url)
        await page.get_by_label("Offered to an agent").uncheck()
        await page.get_by_role("button", name="Add endpoint").press("Enter")
        secret_box = page.get_by_label("Secret", exact=True)
        await expect(secret_box).to_have_value(re.compile(r"^whsec_[A-Za-z0-9+/=]{40,}$"))
        receiver.secret = await secret_box.input_value()
        row = section.get_by_role("row", name=url)
        await expect(row).to_contain_text("enabled")
        await expect(row).not_to_contain_text("Offered to an agent")
        await screenshot(page, "owner-webhooks-secret-once")
        assert [(v["id"], v["impact"]) for v in await axe_violations(page, axe)] == []
        await page.get_by_role("button", name="I have copied it").press("Enter")
        await expect(secret_box).to_be_hidden()
        assert receiver.secret not in await page.content()

        producer = AIOKafkaProducer(bootstrap_servers=servers.kafka_bootstrap_servers)
        await producer.start()
        try:
            started = c.SessionStarted(
                event_id=uuid4(),
                occurred_at=datetime.now(UTC),
                tenant_id="acme",
                session_id="s-1",
                direction="inbound",
                modality="voice",
                service_id="sales",
                service_name="Sales",
                caller=c.Party(address="+15551230001", address_kind="pstn"),
            )
            await producer.send_and_wait(events, c.encode(started), key=b"s-1")
        finally:
            await producer.stop()

        async def arrived() -> bool:
            return len(receiver.payloads) == 1

        await wait_for(arrived, timeout_s=60, what="the event at the receiver")
        assert receiver.payloads[0]["data"]["caller"] is None

        await page.reload()
        await expect(row).to_be_visible()
        assert receiver.secret not in await page.content()  # shown once, at creation
        await row.get_by_role("button", name="Delivery log").press("Enter")
        log = page.get_by_role("region", name=f"Delivery log of {url}")
        entry = log.get_by_role("row", name="session.started")
        await expect(entry).to_contain_text("204")
        await expect(entry).to_contain_text("delivered")
        await screenshot(page, "owner-webhooks-delivery-log")
        assert [(v["id"], v["impact"]) for v in await axe_violations(page, axe)] == []
        assert errors == []
