"""Saved after-call work in MongoDB (collection ``acw_saves``): insert-only, first save wins.

One record per user session, the first insert winning, marked ``published_at`` once Kafka
confirmed ``acw.submitted`` (``mysessions_platform.outbox_records``, as the gateway's
e-mail replies); besides, ``tags_counted`` (false until the tag counts include it). From
the insert until both marks are set it holds ``unfinished: true``, the flag by which the
outbox reads only the saves in flight.
"""

from collections.abc import Collection
from datetime import datetime
from typing import Final

from mysessions_platform.id_lookup import IdLookup
from mysessions_platform.mongo import Document
from mysessions_platform.outbox_records import OutboxRecords
from pymongo.asynchronous.database import AsyncDatabase

__all__ = ["ACW_SAVES", "AcwSaves"]

ACW_SAVES: Final = "acw_saves"


class AcwSaves(OutboxRecords):
    def __init__(self, database: AsyncDatabase[Document]) -> None:
        super().__init__(
            database[ACW_SAVES],
            unique_index="one_save_per_user_session",
            written_at="saved_at",
            in_flight_flag="unfinished",
            own_marks=("tags_counted",),
        )
        self._by_service_session = IdLookup()  # detected once, at first use

    async def ensure_indexes(self) -> None:
        await super().ensure_indexes()
        await self._records.create_index(
            [("tenant_id", 1), ("service_session_id", 1)], name="by_service_session"
        )

    async def of_service_sessions(
        self, tenant_id: str, service_session_ids: Collection[str]
    ) -> list[Document]:
        """The saves of these service sessions (a returning caller's earlier notes): one
        ``$in`` where the server plans it by index, else one equality per service session,
        each by the index on (tenant, service session)."""
        return await self._by_service_session.find_by_values(
            self._records,
            {"tenant_id": tenant_id},
            "service_session_id",
            sorted(set(service_session_ids)),
            {"event": 0, "tag_keys": 0},
        )

    async def mark_tags_counted(self, tenant_id: str, user_session_id: str) -> None:
        await self._records.update_one(
            {"tenant_id": tenant_id, "user_session_id": user_session_id},
            {"$set": {"tags_counted": True}},
        )

    async def unfinished(self, saved_before: datetime, limit: int) -> list[Document]:
        """Saves not yet published or counted, saved before ``saved_before``, oldest first."""
        return await self.in_flight(saved_before, limit)
