"""An agent's history composes the queue's tasks (which keep no customer once ended) with the
context service's stored records: the caller shows where the task's service stored context,
"Not Available" where it did not. One of the tenant's own users (a UPN the directory knows)
is named in every service's history, B's included: the queue keeps that UPN, nothing else,
and the name comes from the directory when shown (the documentation's "John Doe (1)"). The
documentation's transfer example, A → B → C, with an agent answering in each service,
through the real queue and context workers and the CLI."""

import json
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid5

import contracts as c
import pytest
from context_service.adapters.directory import MongoDirectory
from context_service.entrypoints.app import create_app as create_context
from context_service.settings import ContextSettings
from context_service.transfer_example import (
    CONTACT_NAME,
    PHONE,
    T0,
    add_contact,
    apply_settings,
    events,
)
from faststream import TestApp
from mysessions.events_out import event_sender
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import with_database
from mysessions_platform.testing.cli import run_cli
from mysessions_platform.testing.kafka_reading import group_caught_up, wait_for
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.entrypoints.app import create_app as create_queue

from .pipeline import make_pipeline

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

AGENT = "agent-7"
NAME = "Tomasz Morgan"
JOHN_DOE = "John Doe"
NAMESPACE = UUID("0f7e5a10-9a7b-4d0e-8c61-00000000a9e7")


def answered_in_each_service(tenant: str, session: str) -> list[c.SessionEvent]:
    """An offer accepted in each service session, between its queueing and its transfer."""
    answers: list[c.SessionEvent] = []
    for n, (service, at) in enumerate((("svc-a", 0.5), ("svc-b", 2.5), ("svc-c", 5.5))):
        fields: dict[str, Any] = {
            "tenant_id": tenant,
            "session_id": session,
            "service_session_id": f"{session}-{service}",
            "user_session_id": f"{session}-{service}-{AGENT}",
            "user_id": AGENT,
        }
        answers.append(
            c.TaskOffered(
                **fields,
                event_id=uuid5(NAMESPACE, f"{session}/{n}/offer"),
                occurred_at=T0 + timedelta(minutes=at),
                service_id=service,
            )
        )
        answers.append(
            c.TaskAccepted(
                **fields,
                event_id=uuid5(NAMESPACE, f"{session}/{n}/accept"),
                occurred_at=T0 + timedelta(minutes=at, seconds=5),
            )
        )
    return answers


async def history_callers(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    *,
    contact: bool,
    caller_name: str | None = None,
    directory_upn: str | None = None,
) -> dict[str, Any]:
    """The agent's history (``mysessions view``) after the transfer example: the caller by
    service. ``contact``: the address book knows the caller; ``caller_name``: the name the
    session's start event carries; ``directory_upn``: the caller is this user of the
    tenant's directory (John Doe), calling by UPN."""
    tenant, session = f"t-{redis_keys.prefix[-8:]}", "s-history"
    database = mongo_databases.create("hist")
    await apply_settings(database, tenant)
    if contact:
        await add_contact(database, tenant)
    if directory_upn is not None:
        await MongoDirectory(database).collection.insert_one(
            {"tenant_id": tenant, "upn": directory_upn, "display_name": JOHN_DOE}
        )
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix, database.name)
    queue = pipeline.queue.model_copy(update={"history_days": 3650})
    context = ContextSettings().model_copy(
        update={
            "kafka_bootstrap_servers": servers.kafka_bootstrap_servers,
            "redis_url": servers.redis_url,
            "mongodb_url": with_database(servers.mongodb_url, database.name),
            "group_id": f"context-{redis_keys.prefix}",
            "source_topic": pipeline.sessions,
            "dead_letter_topic": pipeline.dead,
            "key_prefix": redis_keys.prefix,
            "settings_refresh_s": 0.1,
        }
    )
    stream = events(tenant, session)
    start = stream[0]
    assert isinstance(start, c.SessionStarted)
    if caller_name is not None:
        named = start.caller.model_copy(update={"display_name": caller_name})
        stream[0] = start = start.model_copy(update={"caller": named})
    if directory_upn is not None:
        user = c.Party(address=directory_upn, address_kind="upn")
        stream[0] = start.model_copy(update={"caller": user})
    stream = stream[:-1] + answered_in_each_service(tenant, session) + stream[-1:]

    async def both_caught_up() -> bool:
        bootstrap = servers.kafka_bootstrap_servers
        return await group_caught_up(bootstrap, queue.group_id, pipeline.sessions) and (
            await group_caught_up(bootstrap, context.group_id, pipeline.sessions)
        )

    async with TestApp(create_queue(queue)), TestApp(create_context(context)):
        async with event_sender(servers.kafka_bootstrap_servers, pipeline.sessions) as sender:
            await sender.send_all(stream)
        await wait_for(both_caught_up, timeout_s=90, what="queue and context to catch up")

    env = {**pipeline.worker_env(servers), "QUEUE_HISTORY_DAYS": "3650", "PATH": "/usr/bin"}
    shown = await run_cli("view", "--tenant", tenant, "--user", AGENT, "--json", env=env)
    assert shown.code == 0, shown.err
    return {t["service_id"]: t["caller"] for t in json.loads(shown.out)}


async def test_history_shows_the_caller_only_where_the_service_stored_context(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    callers = await history_callers(
        servers, kafka_topics, redis_keys, mongo_databases, contact=True, caller_name="Someone"
    )
    assert callers == {  # the address book's match wins over the name the call carried
        "svc-a": {"display_name": CONTACT_NAME, "address": PHONE, "source": "address_book"},
        "svc-b": {"display_name": "Not Available", "address": None},
        "svc-c": {"display_name": CONTACT_NAME, "address": PHONE, "source": "address_book"},
    }


async def test_a_caller_no_source_knew_keeps_the_name_the_session_carried(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    """Not "Anonymous" after the session: the stored record keeps the call's own name."""
    callers = await history_callers(
        servers, kafka_topics, redis_keys, mongo_databases, contact=False, caller_name=NAME
    )
    assert callers == {
        "svc-a": {"display_name": NAME, "address": PHONE},
        "svc-b": {"display_name": "Not Available", "address": None},
        "svc-c": {"display_name": NAME, "address": PHONE},
    }


async def test_history_names_a_directory_caller_in_every_service_b_included(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    """The documentation's table: "John Doe (1)" in A, B and C. A and C from their records
    (the address only, looked up again), B from the UPN its ended task kept."""
    upn = "john.doe@tenant-h.example"
    callers = await history_callers(
        servers, kafka_topics, redis_keys, mongo_databases, contact=False, directory_upn=upn
    )
    john = {"display_name": JOHN_DOE, "address": upn, "source": "directory"}
    assert callers == {"svc-a": john, "svc-b": john, "svc-c": john}
