"""Three queue workers of one group on six partitions, one stopped with SIGTERM and one
killed with SIGKILL mid-stream: every agent's tasks, live queue and history, and every
session's facts in Redis, and each task's newest record on the changelog, equal a single
worker's (``queue_state`` says what is compared, and what a run writes by its own clock).
The queue folds a session's facts as a set, by event id, so the batch the killed worker
left uncommitted, read again by the survivor, changes nothing twice and leaves nothing
out."""

from pathlib import Path

import pytest
from mysessions.commands.simulate import make_config
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import group_caught_up
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys

from .graceful_stop import GRACE_S, Check, settle
from .pipeline import make_pipeline
from .queue_state import changelog_state, queue_state
from .scale_out import PARTITIONS, ScaledGroup, send_in_bursts

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def test_three_workers_under_sigterm_and_sigkill_keep_what_one_worker_keeps(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys, tmp_path: Path
) -> None:
    config = make_config(tenants=2, services=3, agents=30, rate=20, duration=90, seed=41, fast=True)
    events = list(simulate(config))
    pipeline = await make_pipeline(servers, kafka_topics, redis_keys.prefix, partitions=PARTITIONS)
    bootstrap, sessions = servers.kafka_bootstrap_servers, pipeline.sessions
    scaled, single = redis_keys.key("scaled"), redis_keys.key("single")
    single_changelog = await kafka_topics.create("changelog-single", partitions=PARTITIONS)
    group = ScaledGroup(
        "queue",
        pipeline.worker_env(servers, scaled),
        {**pipeline.worker_env(servers, single), "QUEUE_CHANGELOG_TOPIC": single_changelog},
        tmp_path,
    )

    def caught_up(prefix: str) -> Check:
        return lambda: group_caught_up(bootstrap, f"queue-{prefix}", sessions)

    async def behind() -> bool:
        return not await caught_up(scaled)()

    try:
        await group.start()
        faults = await group.faults_mid_stream(
            lambda: send_in_bursts(bootstrap, sessions, events), behind
        )
        await settle(caught_up(scaled), caught_up(single))
        assert group.survivor_running(), group.logs()
    finally:
        await group.stop()

    assert faults.terminated_exit_code == 0, group.logs()
    assert faults.terminated_took_s < GRACE_S
    after_faults = await queue_state(redis_keys.client, scaled)
    one_worker = await queue_state(redis_keys.client, single)
    assert after_faults.keys() == one_worker.keys()
    assert after_faults == one_worker
    agents = [key for key in one_worker if key.endswith(":tasks")]
    assert len(agents) >= 30, "agents of both tenants have tasks"
    assert sum(len(one_worker[key]) for key in agents) > 200
    changelog = await changelog_state(bootstrap, pipeline.changelog)
    assert changelog == await changelog_state(bootstrap, single_changelog)
    assert len(changelog) == sum(len(one_worker[key]) for key in agents), "one per task"
