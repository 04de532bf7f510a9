"""Published: unprovisioning a service or tenant erases its webhook endpoints and every
delivery kept for them (schedule, payloads, dead letters, log); for a tenant also the
worker's session map. Scoped by tenant (and service): other tenants are never touched."""

from datetime import timedelta

from mysessions_platform.erasure import Counts, Scope
from mysessions_platform.mongo import Document
from mysessions_platform.redis_client import RedisClient
from pymongo.asynchronous.database import AsyncDatabase

from webhooks_service.adapters.endpoints import EndpointStore
from webhooks_service.adapters.outbox import Outbox
from webhooks_service.adapters.session_map import SessionMap

__all__ = ["erase_webhooks"]


async def erase_webhooks(
    redis: RedisClient, database: AsyncDatabase[Document], prefix: str, scope: Scope
) -> Counts:
    endpoints = EndpointStore(database)
    outbox = Outbox(redis, prefix, dedupe_s=1, dead_letter_s=1)
    ids = await endpoints.scope_ids(scope.tenant_id, scope.service_id)
    keys = 0
    for endpoint_id in ids:
        keys += await outbox.erase(endpoint_id, dry_run=scope.dry_run)
    if scope.service_id is None:
        sessions = SessionMap(redis, prefix, timedelta(days=1))
        keys += await sessions.erase(scope.tenant_id, dry_run=scope.dry_run)
    if not scope.dry_run:
        await endpoints.remove_scope(scope.tenant_id, scope.service_id)
    return {"webhook endpoints": len(ids), "webhook delivery keys (Redis)": keys}
