"""Reporting's published read API: what another package (the CLI's ``report export`` and
demo, the gateway's admin history: ``HistoryListing``) may read of reporting's records, as
the contract ``SessionRecord``, and the export of them to Parquet or CSV. Nothing else of
``reporting_service`` is imported from outside it (``unprovision`` erases, ``__main__``
runs the worker); the import contracts in ``pyproject.toml`` hold it.
"""

from collections.abc import AsyncIterator, Collection
from datetime import datetime

from contracts import SessionRecord
from mysessions_platform.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase

from reporting_service.adapters.history_listing import (
    MAX_HISTORY_PAGE,
    HistoryFilter,
    HistoryListing,
    HistoryPage,
    HistoryPosition,
)
from reporting_service.adapters.records_store import RECORDS, RecordsStore
from reporting_service.export import Format, outcomes_path, write_export

__all__ = [
    "MAX_HISTORY_PAGE",
    "Format",
    "HistoryFilter",
    "HistoryListing",
    "HistoryPage",
    "HistoryPosition",
    "RecordsReader",
    "outcomes_path",
    "write_export",
]


class RecordsReader:
    """The written records (one per user session and per service session), read-only."""

    def __init__(self, database: AsyncDatabase[Document]) -> None:
        self._database = database
        self._store = RecordsStore(database)

    async def count(self, since: datetime, until: datetime | None, tenant_id: str | None) -> int:
        """Records that ended in [since, until), of one tenant or all."""
        return await self._store.count(since, until, tenant_id)

    def stream(
        self, since: datetime, until: datetime | None, tenant_id: str | None, chunk: int
    ) -> AsyncIterator[list[SessionRecord]]:
        """The same records in chunks of ``chunk``, keyset-paged (a month never sits in
        memory)."""
        return self._store.stream(since, until, tenant_id, chunk)

    async def count_of_tenants(self, tenant_ids: Collection[str]) -> int:
        """Every record of these tenants, whenever it ended."""
        scope = {"tenant_id": {"$in": sorted(tenant_ids)}}
        return await self._database[RECORDS].count_documents(scope)
