"""Unprovisioning a service or a tenant: every service's eraser, composed once.

Used by the admin API (``api/admin.py``) and by ``mysessions unprovision``, so the screen
and the command erase the same. Each store is erased by the module of the service that owns
it, scoped by tenant (and service), each answering counts per kind:

- context (``context_service.unprovision``): stored context, transcripts, live context,
  settings; for a tenant also its address book and directory;
- queue (``queue_service.unprovision``): agents' tasks and lists, live streams, session
  facts, watchdog entries; the erased tasks get a tombstone on the compacted task changelog
  (published *before* anything is erased, so a failed publish erases nothing and the
  command can simply run again), and the erasure is registered (under a digest of the
  ids) so ``mysessions rebuild`` replays none of the erased events still on Kafka;
- reporting (``reporting_service.unprovision``): pending facts, records, late facts,
  after-call work saves, tag uses and suggestions;
- ingest (``ingest_service.unprovision``): de-duplication keys, the FreeSWITCH and AMI
  bridges' call state;
- webhooks (``webhooks_service.unprovision``): endpoints and their deliveries (schedule,
  payloads, dead letters, log); for a tenant also the worker's session map;
- the gateway's own: e-mail drafts and replies, rate counters, the connector API's keys
  (a service's unprovisioning takes it out of every key's scope).

A dry run counts the same things and changes nothing (no tombstone either). What Kafka's
other topics keep cannot be erased; README, "Unprovision", says what and for how long.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from aiokafka import AIOKafkaProducer
from context_service.unprovision import erase_context
from ingest_service.unprovision import erase_ingest
from mysessions_platform.erasure import Counts, Scope
from mysessions_platform.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase
from queue_service.unprovision import erase_queue, erasure_register, publish_tombstones
from redis.asyncio import Redis
from reporting_service.unprovision import erase_reporting
from webhooks_service.unprovision import erase_webhooks

from gateway_service.connector.key_store import MongoKeys
from gateway_service.email.erasure import erase_email
from gateway_service.limits_erasure import erase_rate_counters

__all__ = ["TOMBSTONES", "Stores", "StoresEraser", "unprovision_everything"]

TOMBSTONES: Final = "task changelog tombstones"


@dataclass(frozen=True, slots=True)
class Stores:
    redis: Redis
    database: AsyncDatabase[Document]
    producer: AIOKafkaProducer
    prefix: str
    """The key prefix every worker writes under (``ms``)."""
    changelog_topic: str


async def unprovision_everything(stores: Stores, scope: Scope) -> Counts:
    """Erases (a dry run: counts) everything kept about the scope; counts per kind."""
    redis, database, prefix = stores.redis, stores.database, stores.prefix
    now = datetime.now(UTC)
    register = erasure_register(redis, prefix)
    found = await erase_queue(redis, prefix, _dry(scope), register, now)
    tombstones = len(found.tasks)
    if not scope.dry_run:
        await publish_tombstones(stores.producer, stores.changelog_topic, found.tasks)
        listed = set(found.tasks)
        found = await erase_queue(redis, prefix, scope, register, now)
        # A task that live traffic created meanwhile is erased too: it needs its tombstone.
        newer = [task for task in found.tasks if task not in listed]
        tombstones += await publish_tombstones(stores.producer, stores.changelog_topic, newer)
    tasks = {task.user_session_id for task in found.tasks}
    context = await erase_context(redis, database, prefix, scope)
    return {
        **context.counts(),
        **found.counts,
        TOMBSTONES: tombstones,
        **await erase_reporting(database, scope),
        **await erase_email(database, scope, tasks),
        **await erase_ingest(redis, prefix, scope),
        **await erase_rate_counters(redis, prefix, scope),
        **await erase_webhooks(redis, database, prefix, scope),
        **await MongoKeys(database).erase(scope),
    }


@dataclass(frozen=True, slots=True)
class StoresEraser:
    """The admin API's ``Unprovisioner`` (``gateway_service.ports``): the gateway's own
    Redis, MongoDB and Kafka producer."""

    stores: Stores

    async def __call__(self, tenant_id: str, service_id: str | None, *, dry_run: bool) -> Counts:
        return await unprovision_everything(self.stores, Scope(tenant_id, service_id, dry_run))


def _dry(scope: Scope) -> Scope:
    return Scope(scope.tenant_id, scope.service_id, dry_run=True)
