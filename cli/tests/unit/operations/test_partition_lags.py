"""The records a group has still to read, per partition."""

import pytest
from aiokafka import TopicPartition
from mysessions.operations.lag import PartitionLag, partition_lags
from mysessions_platform.kafka.groups import Member

pytestmark = pytest.mark.unit

A0, A1, B0 = TopicPartition("a", 0), TopicPartition("a", 1), TopicPartition("b", 0)


def lag(committed: int | None, start: int, end: int) -> int:
    return PartitionLag("a", 0, committed, start, end, None).lag


def test_lag_is_the_end_minus_the_committed_offset() -> None:
    assert lag(committed=7, start=0, end=10) == 3
    assert lag(committed=10, start=0, end=10) == 0


def test_without_a_commit_the_group_has_everything_from_the_first_offset_to_read() -> None:
    assert lag(committed=None, start=4, end=10) == 6


def test_records_deleted_by_retention_are_no_longer_owed() -> None:
    assert lag(committed=2, start=5, end=10) == 5


def test_each_partition_gets_its_commit_its_offsets_and_who_reads_it() -> None:
    member = Member("m-1", "queue-1", "/10.0.0.7", (A1, B0))
    found = partition_lags(
        [B0, A1, A0],
        committed={A0: 3, A1: -1},
        starts={A0: 0, A1: 0, B0: 2},
        ends={A0: 5, A1: 4, B0: 2},
        members=[member],
    )
    assert [(p.topic, p.partition, p.committed, p.lag, p.owner) for p in found] == [
        ("a", 0, 3, 2, None),
        ("a", 1, None, 4, "queue-1 /10.0.0.7"),
        ("b", 0, None, 0, "queue-1 /10.0.0.7"),
    ]
