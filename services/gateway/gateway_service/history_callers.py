"""The callers of an agent's ended tasks, from the context service's stored records.

The queue keeps no caller on an ended task; where the task's service opted in to storing
context, its record for that session still knows who called, for 30 days. This is how
the gateway and ``mysessions view`` compose the two; with no record, history shows
"Not Available". It lives with the gateway, their main reader (``mysessions view`` imports
it from here), since neither the queue nor the context service may import the other.

All the records a page needs are read in one query (``StoredContextStore.latest_of``): a
history of 1,000 ended tasks is one round trip, not 1,000.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime

from context_service.adapters.stored_context import StoredContextStore
from queue_service.view import ServiceOfSession, StoredCaller


class StoredContextCallers:
    def __init__(self, store: StoredContextStore, now: datetime) -> None:
        self._store = store
        self._now = now

    async def stored_callers(
        self, tenant_id: str, sessions: Sequence[ServiceOfSession]
    ) -> Mapping[ServiceOfSession, StoredCaller]:
        of_a_service = {
            (session_id, service_id)
            for session_id, service_id in sessions
            if service_id is not None
        }
        records = await self._store.latest_of(tenant_id, of_a_service, self._now)
        callers: dict[ServiceOfSession, StoredCaller] = {}
        for pair, record in records.items():
            caller = record.caller
            if caller is None:
                continue
            address = None if caller.address_kind == "anonymous" else caller.address
            callers[pair] = StoredCaller(display_name=caller.label, address=address)
        return callers
