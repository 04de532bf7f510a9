"""How many live streams a gateway instance holds open, per user and in all.

Each stream holds one Redis connection (its pub/sub), so the total is bounded
(``GATEWAY_SSE_MAX_STREAMS``, beyond it 503 with Retry-After). Per user
(``GATEWAY_SSE_MAX_STREAMS_PER_USER``) a new stream ends the user's oldest one instead of
being refused: a laptop that slept leaves half-open connections the server only notices at
its next write, and those must not lock the agent out. Counts are per gateway instance (in
memory): behind a load balancer a user may hold this many on each.

A slot stands for a connection actually held: it is freed (``release``) only after its
stream closed its pub/sub connection, so an evicted stream counts until it is gone. The new
stream waits for that (the evicted one's read is cancelled, it closes within milliseconds)
before it takes its own slot, so one user never holds more than the bound, however fast
they open streams. A user's opens take their turn one after the other (first come, first
served). An evicted stream that does not close within ``close_wait_s`` (its response is
stuck writing to a client that stopped reading) makes the new one answer 503 instead of
exceeding the bound.

A gateway that stops (``close_all``) evicts every stream at once and refuses new ones
(``Stopping``): the page reconnects with its Last-Event-ID, to another instance, at once,
rather than after the server's grace period.
"""

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field

__all__ = ["Full", "OldestNotClosed", "Slot", "Stopping", "StreamSlots"]


class Full(Exception):
    """The instance holds its maximum of streams."""


class OldestNotClosed(Exception):
    """The user's evicted stream did not close in time to make room for a new one."""


class Stopping(Exception):
    """The instance is stopping: it opens no stream."""


@dataclass(eq=False)
class Slot:
    owner: tuple[str, str]
    evicted: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when a newer stream of the same user needs the slot: the stream ends at once."""
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set by ``release``, once the stream's connection is closed."""


@dataclass(eq=False)
class _Owner:
    held: OrderedDict[Slot, None] = field(default_factory=OrderedDict)
    """Oldest first; evicted ones stay until released."""
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0

    def idle(self) -> bool:
        return not self.held and self.waiting == 0


class StreamSlots:
    def __init__(self, per_user: int, total: int, close_wait_s: float = 5.0) -> None:
        self._per_user = per_user
        self._total = total
        self._close_wait_s = close_wait_s
        self._owners: dict[tuple[str, str], _Owner] = {}
        self._count = 0
        self._stopping = False

    @property
    def open(self) -> int:
        """Slots held, evicted ones not yet closed included: at least the connections."""
        return self._count

    def held(self, tenant_id: str, user_id: str) -> int:
        owner = self._owners.get((tenant_id, user_id))
        return 0 if owner is None else len(owner.held)

    async def take(self, tenant_id: str, user_id: str) -> Slot:
        """A slot for a new stream of the user: their oldest is evicted and closed first
        when they hold the bound. Raises ``Full``, ``OldestNotClosed`` or ``Stopping``."""
        if self._stopping:
            raise Stopping
        key = (tenant_id, user_id)
        owner = self._owners.setdefault(key, _Owner())
        owner.waiting += 1
        try:
            async with asyncio.timeout(self._close_wait_s), owner.turn:
                while len(owner.held) >= self._per_user:
                    oldest = next(iter(owner.held))
                    oldest.evicted.set()
                    await oldest.closed.wait()
                # No await from here on: the room made is this stream's.
                if self._stopping:
                    raise Stopping
                if self._count >= self._total:
                    raise Full
                slot = Slot(key)
                owner.held[slot] = None
                self._count += 1
                return slot
        except TimeoutError:
            raise OldestNotClosed from None
        finally:
            owner.waiting -= 1
            if owner.idle():
                del self._owners[key]

    def release(self, slot: Slot) -> None:
        """Frees the slot once its stream's connection is closed (again: nothing)."""
        owner = self._owners.get(slot.owner)
        if owner is None or slot not in owner.held:
            return
        del owner.held[slot]
        self._count -= 1
        slot.closed.set()
        if owner.idle():
            del self._owners[slot.owner]

    def close_all(self) -> None:
        """The instance stops: every stream is evicted (each closes at once), no new one
        opens."""
        self._stopping = True
        for owner in self._owners.values():
            for slot in owner.held:
                slot.evicted.set()
