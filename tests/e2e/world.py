"""The whole system for the page's tests: ingest and queue workers (in-process, real Kafka,
Redis and MongoDB), optionally the context worker, and a real gateway on the same key
prefix and database, so the browser sees what an agent would."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import contracts as c
import httpx
from acw.tags import TagCounts
from context_service.entrypoints.app import create_app as create_context
from context_service.settings import ContextSettings
from faststream import TestApp
from gateway_service.settings import DemoUser
from gateway_service.testing import RunningGateway, gateway_settings, running_gateway
from ingest_service.entrypoints.app import create_app as create_ingest
from integration.pipeline import Pipeline, make_pipeline
from integration.scenario import AGENT, TENANT
from mysessions.events_out import EventSender, event_sender
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import Document, with_database
from mysessions_platform.service_settings.store import ServiceSettingsStore
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from playwright.async_api import BrowserContext, Page
from playwright.async_api import TimeoutError as PlaywrightTimeout
from pymongo.asynchronous.database import AsyncDatabase
from queue_service.entrypoints.app import create_app as create_queue

SUPPORT = c.ServiceSettingsSpec(
    tenant_id=TENANT,
    service_id="support",
    service_name="Support",
    widgets=c.Widgets(
        codes_and_tags=True,
        caller_information=True,
        session_details=True,
        context_links=True,
        transcription=True,
        email=True,
        chat=True,
        embedded_context=True,
    ),
    embedded_context_url="https://context.example.com/calls?session={system.session_id}",
    primary_codes=(c.Code(id="sale", label="Sale"), c.Code(id="info", label="Information")),
    secondary_codes=(c.Code(id="callback", label="Callback requested"),),
    context_links=(
        c.ContextLink(name="CRM", url_template="https://crm.example.com/c?phone={system.caller}"),
        c.ContextLink(
            name="Tickets", url_template="https://tickets.example.com/s/{system.session_id}"
        ),
    ),
    session_details_fields=c.SessionDetailsFields(
        parameters=("ticket_id", "intent"),
        parameter_labels=(c.ParameterLabel(name="ticket_id", label="Ticket ID"),),
    ),
)
SALES = c.ServiceSettingsSpec(
    tenant_id=TENANT,
    service_id="sales",
    service_name="Sales",
    widgets=c.Widgets(transcription=True, context_links=True),
    context_links=(
        c.ContextLink(name="CRM", url_template="https://crm.example.com/c?phone={system.caller}"),
    ),
)
"""Transcribed, without after-call work (no codes and tags)."""

AGENT_USER = DemoUser(label="Agent", tenant_id=TENANT, user_id=AGENT, roles=["agent"])


@dataclass(frozen=True)
class World:
    pipeline: Pipeline
    gateway: RunningGateway
    raw: EventSender
    """Upstream events in (the ingest worker's topic)."""
    sessions: EventSender
    """Normalized events straight to the queue's topic (bulk seeding, skipping ingest)."""
    database: AsyncDatabase[Document]

    def token(self, user: str = AGENT) -> str:
        return self.gateway.token(TENANT, user, ("agent",))

    def headers(self, user: str = AGENT) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}

    async def open_page(self, browser: BrowserContext, user: str = AGENT) -> Page:
        """My Sessions, signed in by the fragment hand-over, its first list shown."""
        page = await browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        await page.goto(f"{self.gateway.base_url}/#access_token={self.token(user)}")
        try:
            await page.wait_for_selector("body[data-loaded='true']", timeout=20_000)
        except PlaywrightTimeout:
            shown = await page.text_content("#count")
            raise AssertionError(f"the list never showed: {shown!r}, {errors}") from None
        return page

    async def listed(self, user_session_ids: list[str], timeout_s: float = 30) -> None:
        """Waits until the agent's list (the API) holds every one of these tasks."""
        wanted = set(user_session_ids)

        async def all_there() -> bool:
            answer = await client.get("/api/v1/tasks?limit=1000", headers=self.headers())
            return answer.status_code == 200 and wanted <= {
                item["user_session_id"] for item in answer.json()["items"]
            }

        async with httpx.AsyncClient(base_url=self.gateway.base_url) as client:
            await wait_for(all_there, timeout_s=timeout_s, what="the tasks in the agent's list")

    async def seed_tag(self, tag: str, uses: int = 3) -> None:
        tags = TagCounts(self.database)
        for n in range(uses):
            await tags.record(TENANT, "support", f"seed-{tag}-{n}", [tag])


@asynccontextmanager
async def my_sessions_world(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    *,
    context: bool = False,
) -> AsyncIterator[World]:
    database = mongo_databases.create("page")
    for spec in (SUPPORT, SALES):
        await ServiceSettingsStore(database).apply(spec, datetime.now(UTC) - timedelta(days=1))
    pipeline = await make_pipeline(
        servers, kafka_topics, redis_keys.prefix, settings_database=database.name
    )
    settings = gateway_settings(
        servers.kafka_bootstrap_servers,
        servers.redis_url,
        with_database(servers.mongodb_url, database.name),
        queue_key_prefix=redis_keys.prefix,
        acw_topic=pipeline.acw,
        connector_topic=pipeline.sessions,  # CRM flows' changes reach the context worker
        demo_users=[AGENT_USER],
    )
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(TestApp(create_ingest(pipeline.ingest)))
        await stack.enter_async_context(TestApp(create_queue(pipeline.queue)))
        if context:
            await stack.enter_async_context(TestApp(create_context(context_settings(pipeline))))
        gateway = await stack.enter_async_context(running_gateway(settings))
        raw = await stack.enter_async_context(
            event_sender(servers.kafka_bootstrap_servers, pipeline.raw)
        )
        sessions = await stack.enter_async_context(
            event_sender(servers.kafka_bootstrap_servers, pipeline.sessions)
        )
        yield World(pipeline, gateway, raw, sessions, database)


def context_settings(pipeline: Pipeline) -> ContextSettings:
    return ContextSettings().model_copy(
        update={
            "kafka_bootstrap_servers": pipeline.queue.kafka_bootstrap_servers,
            "redis_url": pipeline.queue.redis_url,
            "mongodb_url": pipeline.queue.mongodb_url,
            "group_id": f"context-{pipeline.prefix}",
            "source_topic": pipeline.sessions,
            "dead_letter_topic": pipeline.dead,
            "key_prefix": pipeline.prefix,
        }
    )
