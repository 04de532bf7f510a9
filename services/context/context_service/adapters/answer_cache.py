"""A small time-bounded, size-bounded cache of answers (``None`` is an answer too)."""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class AnswerCache(Generic[K, V]):
    """Least recently stored entries are dropped first when full; expired ones on read."""

    def __init__(self, ttl_s: float, max_entries: int, clock: Callable[[], float]) -> None:
        if max_entries < 0 or ttl_s < 0:
            raise ValueError("ttl_s and max_entries must not be negative")
        self._ttl_s = ttl_s
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> tuple[bool, V | None]:
        """``(True, value)`` for a fresh entry, ``(False, None)`` otherwise."""
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        expires_at, value = entry
        if self._clock() >= expires_at:
            del self._entries[key]
            return False, None
        return True, value

    def put(self, key: K, value: V) -> None:
        if self._max == 0 or self._ttl_s == 0:
            return
        self._entries.pop(key, None)
        self._entries[key] = (self._clock() + self._ttl_s, value)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
