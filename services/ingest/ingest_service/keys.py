"""Every Redis key the ingest service writes."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SeenKey:
    """Marks one event id as republished. The tenant in braces puts a tenant's keys in one
    hash slot (Redis Cluster), so one script can handle a batch's events of that tenant."""

    tenant_id: str
    redis_key: str


def seen_event(prefix: str, tenant_id: str, event_id: str) -> SeenKey:
    return SeenKey(tenant_id, f"{prefix}:ingest:seen:{{{tenant_id}}}:{event_id}")
