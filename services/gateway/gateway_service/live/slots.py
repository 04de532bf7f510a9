"""How many live streams a gateway instance holds open, per user and in all.

Each stream holds one Redis connection (its pub/sub), so the total is bounded
(``GATEWAY_SSE_MAX_STREAMS``, beyond it 503 with Retry-After). Per user
(``GATEWAY_SSE_MAX_STREAMS_PER_USER``) a new stream ends the user's oldest one instead of
being refused: a laptop that slept leaves half-open connections the server only notices at
its next write, and those must not lock the agent out. The evicted stream ends at its next
wake-up (at most one heartbeat later); its client, if still there, reconnects. Counts are
per gateway instance (in memory): behind a load balancer a user may hold this many on each.
"""

import asyncio
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

__all__ = ["Full", "Slot", "StreamSlots"]


class Full(Exception):
    """The instance holds its maximum of streams."""


@dataclass(eq=False)
class Slot:
    owner: tuple[str, str]
    evicted: asyncio.Event = field(default_factory=asyncio.Event)


class StreamSlots:
    def __init__(self, per_user: int, total: int) -> None:
        self._per_user = per_user
        self._total = total
        self._held: defaultdict[tuple[str, str], OrderedDict[Slot, None]] = defaultdict(OrderedDict)
        self._count = 0

    @property
    def open(self) -> int:
        return self._count

    def take(self, tenant_id: str, user_id: str) -> Slot:
        owner = (tenant_id, user_id)
        held = self._held[owner]
        while len(held) >= self._per_user:
            oldest, _ = held.popitem(last=False)
            oldest.evicted.set()
            self._count -= 1
        if self._count >= self._total:
            if not held:
                del self._held[owner]
            raise Full
        slot = Slot(owner)
        held[slot] = None
        self._count += 1
        return slot

    def release(self, slot: Slot) -> None:
        held = self._held.get(slot.owner)
        if held is not None and slot in held:
            del held[slot]
            self._count -= 1
            if not held:
                del self._held[slot.owner]
