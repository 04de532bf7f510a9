"""``mysessions view`` for a user with no tasks says so, and names the tenants that have
tasks for a user of that id (issue 6, point 9); ids with ':' are told apart."""

import asyncio
import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import contracts as c
import pytest
from mysessions.cli import app
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.redis_keys import RedisKeys
from queue_service.adapters.store import SessionKey
from queue_service.adapters.translate import to_fact
from queue_service.entrypoints.app import make_store
from queue_service.settings import QueueSettings
from queue_service.step import QueueStep
from redis.asyncio import Redis
from typer.testing import CliRunner

pytestmark = pytest.mark.integration


def offer(tenant: str, user: str, at: datetime) -> list[c.SessionEvent]:
    session = f"s-{uuid4().hex[:8]}"
    return [
        c.SessionStarted(
            event_id=uuid4(),
            occurred_at=at,
            tenant_id=tenant,
            session_id=session,
            direction="inbound",
            modality="voice",
            service_id="support",
            service_name="Support",
            caller=c.Party(address="+15550100001", address_kind="pstn"),
        ),
        c.TaskOffered(
            event_id=uuid4(),
            occurred_at=at,
            tenant_id=tenant,
            session_id=session,
            service_session_id=f"{session}:1",
            user_session_id=f"{session}:1:u",
            user_id=user,
            service_id="support",
        ),
    ]


async def seed(settings: QueueSettings, agents: list[tuple[str, str]]) -> None:
    redis = Redis.from_url(settings.redis_url)
    try:
        step = QueueStep(make_store(redis, settings))
        at = datetime.now(UTC) - timedelta(minutes=1)
        for tenant, user in agents:
            events = offer(tenant, user, at)
            facts = [fact for event in events if (fact := to_fact(event)) is not None]
            await step.apply({SessionKey(tenant, events[0].session_id): facts})
    finally:
        await redis.aclose()


def test_view_of_a_user_without_tasks_names_the_tenants_that_have_them(
    servers: Endpoints, redis_keys: RedisKeys
) -> None:
    env = {"REDIS_URL": servers.redis_url, "QUEUE_KEY_PREFIX": redis_keys.prefix}
    settings = QueueSettings().model_copy(
        update={"redis_url": servers.redis_url, "key_prefix": redis_keys.prefix}
    )
    # 'eu:alice' of acme is another user than 'alice' of acme:eu: not listed for alice.
    asyncio.run(seed(settings, [("acme", "eu:alice"), ("acme:eu", "alice"), ("beta", "alice")]))
    runner = CliRunner()

    shown = runner.invoke(app, ["view", "--tenant", "gamma", "--user", "alice"], env=env)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == (
        "User 'alice' has no tasks in tenant 'gamma'. "
        "Tenants with tasks for a user 'alice': acme:eu, beta.\n"
    )

    as_json = runner.invoke(app, ["view", "--tenant", "acme", "--user", "alice", "--json"], env=env)
    assert as_json.exit_code == 0
    assert json.loads(as_json.stdout) == []
    assert "Tenants with tasks for a user 'alice': acme:eu, beta." in as_json.stderr

    nobody = runner.invoke(app, ["view", "--tenant", "acme", "--user", "bob"], env=env)
    assert nobody.stdout == (
        "User 'bob' has no tasks in tenant 'acme'. No tenant has tasks for a user 'bob'.\n"
    )

    some = runner.invoke(app, ["view", "--tenant", "acme", "--user", "eu:alice", "--json"], env=env)
    assert len(json.loads(some.stdout)) == 1
    assert some.stderr == ""
