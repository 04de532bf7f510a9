"""The callers of an agent's ended tasks, from the context service's stored records.

The queue keeps no caller on an ended task; where the task's service opted in to storing
context, its record for that session still knows who called, for 30 days. This is how
the gateway and ``mysessions view`` compose the two; with no record, history shows
"Not Available". It lives with the gateway, their main reader (``mysessions view`` imports
it from here), since neither the queue nor the context service may import the other.
"""

import asyncio
from collections.abc import Mapping, Sequence
from datetime import datetime

from context_service.adapters.stored_context import StoredContextStore
from queue_service.view import ServiceOfSession, StoredCaller

_AT_ONCE = 16  # lookups in flight: a full history is 1,000 entries


class StoredContextCallers:
    def __init__(self, store: StoredContextStore, now: datetime) -> None:
        self._store = store
        self._now = now

    async def stored_callers(
        self, tenant_id: str, sessions: Sequence[ServiceOfSession]
    ) -> Mapping[ServiceOfSession, StoredCaller]:
        gate = asyncio.Semaphore(_AT_ONCE)

        async def one(pair: ServiceOfSession) -> tuple[ServiceOfSession, StoredCaller | None]:
            session_id, service_id = pair
            if service_id is None:
                return pair, None
            async with gate:
                record = await self._store.latest(tenant_id, session_id, service_id, self._now)
            if record is None or record.caller is None:
                return pair, None
            caller = record.caller
            address = None if caller.address_kind == "anonymous" else caller.address
            return pair, StoredCaller(display_name=caller.label, address=address)

        found = await asyncio.gather(*(one(pair) for pair in dict.fromkeys(sessions)))
        return {pair: caller for pair, caller in found if caller is not None}
