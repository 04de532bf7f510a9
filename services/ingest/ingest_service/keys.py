"""Every Redis key the ingest service writes."""


def seen_event(prefix: str, tenant_id: str, event_id: str) -> str:
    return f"{prefix}:ingest:seen:{tenant_id}:{event_id}"
