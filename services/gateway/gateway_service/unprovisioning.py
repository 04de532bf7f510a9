"""Unprovisioning from the gateway: ``context_service.unprovision`` wired to the gateway's
own Redis and MongoDB, exactly as ``mysessions unprovision`` wires it to the context
worker's (same stores, same key prefix), so the screen and the command erase the same."""

from datetime import timedelta
from typing import Final

from context_service.adapters.live_store import LiveContextStore
from context_service.transcripts.erasure import TranscriptStore
from context_service.transcripts.ledger import RedisLedger
from context_service.transcripts.live_captions import RedisLiveCaptions
from context_service.transcripts.store import MongoTranscripts
from context_service.unprovision import Erased, unprovision

from gateway_service.resources import Resources

__all__ = ["erase"]

_UNUSED_TTL: Final = timedelta(days=1)
"""Erasing writes nothing, so the live store's TTLs never apply here."""


async def erase(resources: Resources, tenant_id: str, service_id: str | None) -> Erased:
    """Everything kept about the tenant (``service_id`` None) or one of its services."""
    redis, database = resources.redis, resources.database
    prefix = resources.settings.queue_key_prefix
    live = LiveContextStore(redis, prefix, _UNUSED_TTL, _UNUSED_TTL)
    transcripts = TranscriptStore(
        redis,
        prefix,
        MongoTranscripts(database),
        RedisLedger(redis, prefix),
        RedisLiveCaptions(redis, prefix),
    )
    return await unprovision(database, live, transcripts, tenant_id, service_id)
