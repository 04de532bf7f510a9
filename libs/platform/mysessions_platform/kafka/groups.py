"""Who is in a consumer group and which partitions each member holds.

aiokafka 0.14 sends DescribeGroups v3 but parses the answer as v2
(``DescribeGroupsRequest_v3.RESPONSE_TYPE``): each group's ``authorized_operations``
(four bytes after its members) is left unread. With one group the bytes are the answer's
last and go unnoticed; with two or more the next group is read from the wrong place and
the client drops the connection ("Buffer underrun decoding string", then "Connection ...
closed"), as seen against the local Kafka 4.3. ``describe_groups`` sends the same request
with the v3 answer's schema (v1 and v2 kept for older brokers), so it is right whatever
the number of groups.
"""

from dataclasses import dataclass
from typing import Any

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.errors import for_code
from aiokafka.protocol.admin import (
    DescribeGroupsRequest_v1,
    DescribeGroupsRequest_v2,
    DescribeGroupsRequest_v3,
    DescribeGroupsResponse_v3,
)
from aiokafka.protocol.api import Request

__all__ = ["GroupDescription", "Member", "describe_groups"]


class _DescribeGroupsRequestV3(DescribeGroupsRequest_v3):  # type: ignore[misc]
    RESPONSE_TYPE = DescribeGroupsResponse_v3


class _DescribeGroups(
    Request[DescribeGroupsRequest_v1 | DescribeGroupsRequest_v2 | _DescribeGroupsRequestV3]  # type: ignore[misc]
):
    API_KEY = 15

    def __init__(self, groups: list[str]) -> None:
        self._groups = groups

    def build(self, request_struct_class: Any) -> Any:
        if request_struct_class.API_VERSION < 3:
            return request_struct_class(self._groups)
        return request_struct_class(self._groups, False)


@dataclass(frozen=True)
class Member:
    member_id: str
    client_id: str
    host: str
    partitions: tuple[TopicPartition, ...]
    """Its assignment (empty while the group rebalances)."""


@dataclass(frozen=True)
class GroupDescription:
    group_id: str
    state: str
    """``Stable``, ``Empty`` (no members), ``PreparingRebalance``, ``CompletingRebalance``,
    ``Dead`` (unknown to the cluster)."""
    members: tuple[Member, ...]


async def describe_groups(
    admin: AIOKafkaAdminClient, group_ids: list[str]
) -> dict[str, GroupDescription]:
    """Each group as its coordinator describes it (one request per coordinator); raises on
    a group's error code."""
    by_coordinator: dict[int, list[str]] = {}
    for group_id in dict.fromkeys(group_ids):
        by_coordinator.setdefault(await admin.find_coordinator(group_id), []).append(group_id)
    found: dict[str, GroupDescription] = {}
    for coordinator, groups in by_coordinator.items():
        # The admin client's own send (private): it owns the connections to each broker.
        response = await admin._send_request(_DescribeGroups(groups), coordinator)
        for group in response.to_object()["groups"]:
            if group["error_code"]:
                raise for_code(group["error_code"])(f"describing group {group['group']}")
            found[group["group"]] = GroupDescription(
                group_id=group["group"],
                state=group["state"],
                members=tuple(_member(member) for member in group["members"]),
            )
    return found


def _member(member: dict[str, Any]) -> Member:
    raw = member["member_assignment"]
    partitions = ConsumerProtocolMemberAssignment.decode(raw).partitions() if raw else []
    return Member(
        member_id=member["member_id"],
        client_id=member["client_id"],
        host=member["client_host"],
        partitions=tuple(partitions),
    )
