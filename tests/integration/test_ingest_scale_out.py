"""Three ingest workers of one group on six partitions, one stopped with SIGTERM and one
killed with SIGKILL mid-stream: what they republish, deduplicated, is what a single worker
republishes.

Equality here: the same set of events (each event id with the same bytes), and each
session's events in the same order when only each event's first copy is counted. A killed
worker may have republished part of a batch it never committed, which the survivor
republishes again: at-least-once, so copies are allowed (no more than one batch of them),
and every consumer folds them away by event id (the queue's facts, context's and
reporting's keys)."""

from collections import defaultdict
from pathlib import Path

import pytest
from aiokafka import ConsumerRecord
from contracts import decode_session_event
from mysessions.commands.simulate import make_config
from mysessions.simulation import simulate
from mysessions_platform.infra import Endpoints
from mysessions_platform.testing.kafka_reading import group_caught_up, read_everything
from mysessions_platform.testing.kafka_topics import KafkaTopics
from mysessions_platform.testing.redis_keys import RedisKeys

from .graceful_stop import GRACE_S, settle
from .scale_out import MAX_BATCH, PARTITIONS, ScaledGroup, send_in_bursts

pytestmark = [pytest.mark.integration, pytest.mark.slow]

Records = list[ConsumerRecord[bytes, bytes]]


def first_copies(records: Records) -> dict[bytes, list[bytes]]:
    """Each session's events (by key) in the order their first copies were published."""
    seen: set[bytes] = set()
    by_session: dict[bytes, list[bytes]] = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        if record.value not in seen:
            seen.add(record.value)
            by_session[record.key].append(record.value)
    return dict(by_session)


async def test_three_workers_under_sigterm_and_sigkill_republish_what_one_worker_does(
    servers: Endpoints, kafka_topics: KafkaTopics, redis_keys: RedisKeys, tmp_path: Path
) -> None:
    config = make_config(
        tenants=2, services=3, agents=30, rate=20, duration=120, seed=37, fast=True
    )
    events = list(simulate(config))
    raw = await kafka_topics.create("raw", partitions=PARTITIONS)
    dead = await kafka_topics.create("dlq")
    scaled_out = await kafka_topics.create("out-scaled", partitions=PARTITIONS)
    single_out = await kafka_topics.create("out-single", partitions=PARTITIONS)
    bootstrap = servers.kafka_bootstrap_servers
    scaled_group = f"ingest-{redis_keys.key('scaled')}"

    def env(name: str, target: str) -> dict[str, str]:
        return {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "REDIS_URL": servers.redis_url,
            "INGEST_GROUP_ID": f"ingest-{redis_keys.key(name)}",
            "INGEST_SOURCE_TOPIC": raw,
            "INGEST_TARGET_TOPIC": target,
            "INGEST_DEAD_LETTER_TOPIC": dead,
            "INGEST_KEY_PREFIX": redis_keys.key(name),
        }

    group = ScaledGroup("ingest", env("scaled", scaled_out), env("single", single_out), tmp_path)

    async def behind() -> bool:
        return not await group_caught_up(bootstrap, scaled_group, raw)

    try:
        await group.start()
        faults = await group.faults_mid_stream(
            lambda: send_in_bursts(bootstrap, raw, events, bursts=12, every_s=1), behind
        )
        await settle(
            lambda: group_caught_up(bootstrap, scaled_group, raw),
            lambda: group_caught_up(bootstrap, f"ingest-{redis_keys.key('single')}", raw),
        )
        assert group.survivor_running(), group.logs()
    finally:
        await group.stop()

    assert faults.terminated_exit_code == 0, group.logs()
    assert faults.terminated_took_s < GRACE_S
    scaled = await read_everything(bootstrap, scaled_out)
    single = await read_everything(bootstrap, single_out)
    distinct = {e.event_id for e in events}
    assert len(single) == len(distinct), "one worker alone republishes each event once"
    assert {r.value for r in scaled} == {r.value for r in single}
    assert first_copies(scaled) == first_copies(single)
    copies = len(scaled) - len(distinct)
    # Copies come of batches under way when the group changed: the killed worker's, and
    # one whose commit a rebalance refused. Each worker has at most one under way.
    assert copies <= 3 * MAX_BATCH, f"{copies} copies: more than a batch of each worker"
    assert {decode_session_event(r.value).event_id for r in scaled} == distinct
