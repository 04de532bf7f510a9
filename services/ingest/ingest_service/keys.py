"""Every Redis key the ingest service writes."""

from dataclasses import dataclass

from mysessions_platform.key_parts import check_prefix, encode_part, hash_tag


@dataclass(frozen=True)
class SeenKey:
    """Marks one event id as republished. The tenant in braces puts a tenant's keys in one
    hash slot (Redis Cluster), so one script can handle a batch's events of that tenant.
    Ids are encoded (mysessions_platform.key_parts), so tenants never share a key."""

    tenant_id: str
    redis_key: str


def seen_event(prefix: str, tenant_id: str, event_id: str) -> SeenKey:
    return SeenKey(
        tenant_id,
        f"{check_prefix(prefix)}:ingest:seen:{hash_tag(tenant_id)}:{encode_part(event_id)}",
    )


def ami_call(prefix: str, tenant_id: str, linkedid: str) -> str:
    """One call's AMI translation state and its unpublished events (a hash, with a TTL)."""
    return f"{check_prefix(prefix)}:ingest:ami:{hash_tag(tenant_id)}:call:{encode_part(linkedid)}"


def ami_pending(prefix: str, tenant_id: str) -> str:
    """The Linkedids whose events are recorded but not yet confirmed published (a set)."""
    return f"{check_prefix(prefix)}:ingest:ami:{hash_tag(tenant_id)}:pending"
