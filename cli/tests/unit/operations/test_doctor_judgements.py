"""What the doctor concludes from what it saw, in plain words."""

import asyncio
import time
from typing import Any

import pytest
from aiokafka import TopicPartition
from mysessions.operations.deployment import WorkerGroup
from mysessions.operations.doctor.findings import Finding, Status, bounded, is_healthy
from mysessions.operations.doctor.kafka_checks import judge_group
from mysessions.operations.doctor.redis_checks import (
    judge_cluster,
    judge_memory,
    replicas_by_primary,
)
from mysessions.operations.lag import GroupLag, PartitionLag
from mysessions_platform.kafka.groups import Member

pytestmark = pytest.mark.unit

QUEUE = WorkerGroup("queue", "queue", ("sessions.events.v1",))
P0, P1 = TopicPartition("sessions.events.v1", 0), TopicPartition("sessions.events.v1", 1)


def group(members: int, behind: int, state: str = "Stable", idle: int = 0) -> GroupLag:
    working = [Member(f"m{n}", f"queue-{n}", "/h", (P0, P1)) for n in range(members - idle)]
    waiting = [Member(f"i{n}", f"queue-i{n}", "/h", ()) for n in range(idle)]
    parts = (
        PartitionLag(P0.topic, 0, 0, 0, behind, None),
        PartitionLag(P1.topic, 1, 5, 0, 5, None),
    )
    return GroupLag("queue", state, (*working, *waiting), parts, ())


def test_a_group_with_no_member_is_a_problem_naming_the_worker_to_start() -> None:
    finding = judge_group(QUEUE, group(members=0, behind=3), max_lag=100)
    assert finding.status is Status.PROBLEM
    assert "no queue worker is reading; 3 record(s) behind" in finding.saw
    assert "mysessions run queue" in finding.todo


def test_a_group_further_behind_than_allowed_is_a_problem() -> None:
    assert judge_group(QUEUE, group(1, behind=100), max_lag=100).status is Status.OK
    finding = judge_group(QUEUE, group(1, behind=101), max_lag=100)
    assert finding.status is Status.PROBLEM
    assert "101 record(s) behind" in finding.saw
    assert "start more queue workers" in finding.todo


def test_a_rebalance_or_members_without_partitions_are_worth_knowing_not_problems() -> None:
    assert judge_group(QUEUE, group(2, 0, state="PreparingRebalance"), 100).status is Status.NOTE
    idle = judge_group(QUEUE, group(3, 0, idle=1), 100)
    assert idle.status is Status.NOTE
    assert "1 member(s) without a partition" in idle.saw


def test_redis_must_not_evict_the_queues() -> None:
    [policy, memory] = judge_memory(
        "r:1", {"used_memory": 10, "maxmemory": 1000, "maxmemory_policy": "allkeys-lru"}
    )
    assert policy.status is Status.PROBLEM
    assert "noeviction" in policy.todo
    assert memory.status is Status.OK
    [fine] = judge_memory(
        "r:1", {"used_memory": 10, "maxmemory": 1000, "maxmemory_policy": "noeviction"}
    )
    assert fine.status is Status.OK


def test_redis_near_its_limit_is_a_problem_and_no_limit_a_note() -> None:
    [full] = judge_memory(
        "r:1", {"used_memory": 950, "maxmemory": 1000, "maxmemory_policy": "noeviction"}
    )
    assert full.status is Status.PROBLEM
    assert "95%" in full.saw
    [unlimited] = judge_memory(
        "r:1", {"used_memory": 950, "maxmemory": 0, "maxmemory_policy": "noeviction"}
    )
    assert unlimited.status is Status.NOTE


async def test_a_check_that_hangs_is_cut_short_and_reported() -> None:
    async def hangs() -> list[Finding]:
        await asyncio.sleep(60)
        return []

    began = time.monotonic()
    [finding] = await bounded("redis", "r:1", hangs(), 0.2, "start Redis")
    assert time.monotonic() - began < 2
    assert (finding.status, finding.saw, finding.todo) == (
        Status.PROBLEM,
        "no answer within 0.2 s",
        "start Redis",
    )


async def test_a_check_that_fails_is_reported_without_the_values_in_its_error() -> None:
    async def fails() -> list[Finding]:
        raise ConnectionRefusedError(111, "Connection refused")

    [finding] = await bounded("mongodb", "m:1", fails(), 5, "start MongoDB")
    assert finding.status is Status.PROBLEM
    assert finding.saw.startswith("unreachable or refusing: ConnectionRefusedError")


def test_a_redis_cluster_must_serve_every_slot_and_a_primary_without_replica_is_noted() -> None:
    three = {"a:1": 1, "a:2": 1, "a:3": 1}
    [down] = judge_cluster("rc:1", {"cluster_state": "fail", "cluster_slots_ok": 10923}, three)
    assert down.status is Status.PROBLEM
    assert "10923 of 16384 slots" in down.saw
    [ok] = judge_cluster("rc:1", {"cluster_state": "ok"}, three)
    assert (ok.status, ok.saw) == (Status.OK, "Redis Cluster ok (3 primaries, 3 replicas)")
    [_, alone] = judge_cluster("rc:1", {"cluster_state": "ok"}, {**three, "a:2": 0})
    assert alone.status is Status.NOTE
    assert "without a replica: a:2" in alone.saw


def test_replicas_are_counted_per_primary_from_cluster_nodes() -> None:
    nodes: dict[str, dict[str, Any]] = {
        "a:1": {"node_id": "p1", "flags": "myself,master", "master_id": "-", "slots": [[0, 9]]},
        "a:2": {"node_id": "p2", "flags": "master", "master_id": "-", "slots": [[10, 19]]},
        "a:3": {"node_id": "r1", "flags": "slave", "master_id": "p1", "slots": []},
        "a:4": {"node_id": "r2", "flags": "slave,fail", "master_id": "p2", "slots": []},
        "a:5": {"node_id": "p3", "flags": "master,fail", "master_id": "-", "slots": [[20, 29]]},
        "a:6": {"node_id": "r3", "flags": "slave", "master_id": "p3", "slots": []},
    }
    assert replicas_by_primary(nodes) == {"a:1": 1, "a:2": 0}


def test_notes_leave_the_doctor_healthy_problems_do_not() -> None:
    note = Finding("redis", "r", Status.NOTE, "no maxmemory")
    problem = Finding("kafka", "k", Status.PROBLEM, "away")
    assert is_healthy([note])
    assert not is_healthy([note, problem])
