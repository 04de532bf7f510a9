"""``mysessions webhooks`` against the running worker, and unprovisioning: an operator
registers an endpoint (the secret printed once), lists it, reads its delivery log,
redelivers its dead letter; ``mysessions unprovision`` of the tenant then leaves no key or
document of its endpoints, while another tenant's stay."""

import asyncio
import re
from typing import Any
from uuid import uuid4

import pytest
from mysessions.cli import app
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys
from typer.testing import CliRunner
from webhook_traffic import started
from webhooks_service.adapters.endpoints import ENDPOINTS

from .harness import Harness, eventually, harness
from .receiver import Receiver, listening

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def cli(h: Harness, changelog: str, *args: str) -> Any:
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": h.servers.kafka_bootstrap_servers,
        "REDIS_URL": h.servers.redis_url,
        "MONGODB_URL": h.settings.mongodb_url,
        "WEBHOOKS_KEY_PREFIX": h.settings.key_prefix,
        "WEBHOOKS_MODE": "development",
        "CONTEXT_KEY_PREFIX": h.settings.key_prefix,
        "QUEUE_CHANGELOG_TOPIC": changelog,
    }
    return await asyncio.to_thread(lambda: CliRunner().invoke(app, list(args), env=env))


async def test_the_operator_registers_reads_redelivers_and_unprovisioning_erases_all(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
) -> None:
    receiver, kept_receiver = Receiver(), Receiver()
    receiver.status = 500
    tenant, kept = f"t-{uuid4().hex[:8]}", f"k-{uuid4().hex[:8]}"
    database = mongo_databases.create("wh")
    changelog = await kafka_topics.create("changelog")
    async with (
        harness(servers, kafka_topics, redis_keys, database, retry_delays_s=(0.2,)) as h,
        listening(receiver, 0) as url,
        listening(kept_receiver, 0) as kept_url,
        h.running(),
    ):
        refused = await cli(
            h, changelog, "webhooks", "add", "--tenant", tenant, "--service", "svc-a",
            "--url", "http://example.com/hook",
        )  # fmt: skip
        assert refused.exit_code == 2
        assert "https" in refused.output
        added = await cli(
            h, changelog, "webhooks", "add", "--tenant", tenant, "--service", "svc-a",
            "--url", url, "--events", "session.started,session.ended",
        )  # fmt: skip
        assert added.exit_code == 0, added.output
        endpoint = re.search(r"endpoint (ep_\w+)", added.output)[1]  # type: ignore[index]
        receiver.secret = re.search(r"secret (whsec_\S+)", added.output)[1]  # type: ignore[index]
        _, kept_receiver.secret = await h.registry.add(
            kept, "svc-a", kept_url, ("session.started",)
        )
        listed = await cli(h, changelog, "webhooks", "list", "--tenant", tenant)
        assert endpoint in listed.output
        assert "whsec_" not in listed.output  # the secret is shown once, at creation
        await h.publish(
            h.settings.events_topic,
            [started(tenant, "s-1", "svc-a"), started(kept, "s-2", "svc-a")],
        )

        async def dead_lettered() -> bool:
            return len(await h.registry.dead_letters(tenant, endpoint)) == 1

        await eventually(dead_lettered, "the dead letter after the last retry")
        log = await cli(h, changelog, "webhooks", "log", "--tenant", tenant, endpoint)
        assert log.output.count(" 500 ") == 2
        assert "dead-lettered" in log.output
        receiver.status = 204
        again = await cli(h, changelog, "webhooks", "redeliver", "--tenant", tenant, endpoint)
        assert "1 dead letter(s) queued again" in again.output

        async def arrived() -> bool:
            return len(receiver.received) == 1 and len(kept_receiver.received) == 1

        await eventually(arrived, "the redelivered event")

        erased = await cli(h, changelog, "unprovision", "--tenant", tenant, "--yes")
        assert erased.exit_code == 0, erased.output
        assert "webhook endpoints: 1" in erased.output
        keys = [
            key.decode()
            async for key in redis_keys.client.scan_iter(
                match=f"{h.settings.key_prefix}:*", count=1000
            )
        ]
        assert not [key for key in keys if endpoint in key or tenant in key]
        assert [key for key in keys if kept in key]  # the other tenant's session map
        assert await database[ENDPOINTS].count_documents({"tenant_id": tenant}) == 0
        assert await database[ENDPOINTS].count_documents({"tenant_id": kept}) == 1
