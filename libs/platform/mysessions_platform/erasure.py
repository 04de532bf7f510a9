"""Unprovisioning's shared plumbing: what is erased (a tenant, or one of its services), the
counts each store's eraser returns, and the two moves every eraser makes: delete (or, in a
dry run, count) the documents of a filter, and the Redis keys a SCAN pattern finds.

Each service erases the stores it owns (``<name>_service/unprovision.py``); one
orchestrator composes them. A count is per kind of thing (``"queue: agents' tasks"``), so
an operator sees where the data was, and a dry run answers the same counts, changing
nothing.

Redis Cluster: a SCAN visits one node. Every key an eraser looks for carries the tenant in
its hash tag, but not in one slot per tenant (agents' and sessions' keys are tagged by
tenant *and* user or session), so on a cluster the scans must run on every primary.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from redis.asyncio import Redis

from mysessions_platform.key_parts import encode_part, glob_escape
from mysessions_platform.mongo import Document

__all__ = ["Counts", "Scope", "delete_documents", "delete_keys", "scan_keys", "tenant_tag_glob"]

Counts = dict[str, int]
"""Kind of thing (a label an operator reads) -> how many were erased (or would be)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What is unprovisioned: the tenant, or only ``service_id`` of it."""

    tenant_id: str
    service_id: str | None = None
    dry_run: bool = False

    @property
    def whole_tenant(self) -> bool:
        return self.service_id is None

    def documents(self, service_field: str = "service_id") -> Document:
        """The MongoDB filter of what is in scope, for documents naming their service."""
        found: Document = {"tenant_id": self.tenant_id}
        if self.service_id is not None:
            found[service_field] = self.service_id
        return found


async def delete_documents(
    collection: AsyncCollection[Document], query: Document, dry_run: bool
) -> int:
    """Deletes the matching documents; a dry run counts them instead."""
    if dry_run:
        return await collection.count_documents(query)
    return (await collection.delete_many(query)).deleted_count


def tenant_tag_glob(prefix: str, middle: str, tenant_id: str) -> str:
    """SCAN pattern for ``<prefix>:<middle>:{<tenant>:…}…`` and ``…:{<tenant>}…``: every key
    whose hash tag starts with the tenant (encoded ids hold no glob character, and ``:``
    and ``}`` after it end the tenant's part, so no other tenant's id can match)."""
    return f"{glob_escape(prefix)}:{middle}:{{{encode_part(tenant_id)}[:}}]*"


async def scan_keys(redis: Redis, pattern: str) -> AsyncIterator[str]:
    client: Any = redis
    async for key in client.scan_iter(match=pattern, count=1000):
        yield key.decode() if isinstance(key, bytes) else key


async def delete_keys(redis: Redis, names: list[str], dry_run: bool) -> int:
    """Unlinks the keys (a dry run only counts them); returns how many there were."""
    if dry_run or not names:
        return len(names)
    for start in range(0, len(names), 500):
        await redis.unlink(*names[start : start + 500])
    return len(names)
