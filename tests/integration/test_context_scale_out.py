"""Three context workers of one group on six partitions, one stopped with SIGTERM and one
killed with SIGKILL mid-stream: the context stored for the services that opted in and the
live contexts in Redis equal a single worker's (``context_state`` says what is compared).
A departure stored twice (the killed worker's batch read again) is one record: its key is
the service session."""

from pathlib import Path

import pytest
from mysessions.commands.simulate import make_config
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.mongo import connect, with_database
from mysessions_platform.testing.kafka_reading import group_caught_up
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.mongo_databases import MongoDatabases
from mysessions_platform.testing.redis_keys import RedisKeys

from .context_state import context_kept, store_context_everywhere
from .graceful_stop import GRACE_S, Check, settle
from .scale_out import PARTITIONS, ScaledGroup, send_in_bursts

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_three_workers_under_sigterm_and_sigkill_keep_what_one_worker_keeps(
    servers: Endpoints,
    kafka_topics: KafkaTopics,
    redis_keys: RedisKeys,
    mongo_databases: MongoDatabases,
    tmp_path: Path,
) -> None:
    config = make_config(tenants=2, services=3, agents=30, rate=20, duration=90, seed=43, fast=True)
    events = list(simulate(config))
    sessions = await kafka_topics.create("sessions", partitions=PARTITIONS)
    dead = await kafka_topics.create("dlq")
    bootstrap = servers.kafka_bootstrap_servers
    databases = {name: mongo_databases.create(name).name for name in ("scaled", "single")}
    client = connect(servers.mongodb_url)
    for database in databases.values():
        await store_context_everywhere(client[database], events)

    def env(name: str) -> dict[str, str]:
        return {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "REDIS_URL": servers.redis_url,
            "MONGODB_URL": with_database(servers.mongodb_url, databases[name]),
            "CONTEXT_GROUP_ID": f"context-{redis_keys.key(name)}",
            "CONTEXT_SOURCE_TOPIC": sessions,
            "CONTEXT_DEAD_LETTER_TOPIC": dead,
            "CONTEXT_KEY_PREFIX": redis_keys.key(name),
        }

    def caught_up(name: str) -> Check:
        return lambda: group_caught_up(bootstrap, f"context-{redis_keys.key(name)}", sessions)

    async def behind() -> bool:
        return not await caught_up("scaled")()

    group = ScaledGroup("context", env("scaled"), env("single"), tmp_path)
    try:
        await group.start()
        faults = await group.faults_mid_stream(
            lambda: send_in_bursts(bootstrap, sessions, events), behind
        )
        await settle(caught_up("scaled"), caught_up("single"))
        assert group.survivor_running(), group.logs()
        after_faults, one_worker = [
            await context_kept(client[databases[name]], redis_keys.client, redis_keys.key(name))
            for name in ("scaled", "single")
        ]
    finally:
        await group.stop()
        await client.close()

    assert faults.terminated_exit_code == 0, group.logs()
    assert faults.terminated_took_s < GRACE_S
    live_a, live_b = after_faults["live"], one_worker["live"]
    assert live_a.keys() == live_b.keys()
    assert {k: live_a[k] for k in live_a if live_a[k] != live_b[k]} == {
        k: live_b[k] for k in live_b if live_a[k] != live_b[k]
    }
    assert after_faults["stored"] == one_worker["stored"]
    assert len(one_worker["stored"]) > 50, "departures stored for the opted-in services"
    assert len(one_worker["live"]) > 50, "live contexts and ended markers"
