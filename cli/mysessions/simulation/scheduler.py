"""The simulated clock: a heap of actions, run in time order, ties in scheduling order."""

import heapq
from collections.abc import Callable
from itertools import count

Action = Callable[[], None]


class Scheduler:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Action]] = []
        self._order = count()
        self.now = 0.0
        """Seconds since the simulation's start."""

    def after(self, delay_s: float, action: Action) -> None:
        heapq.heappush(self._heap, (self.now + max(0.0, delay_s), next(self._order), action))

    def run_next(self) -> bool:
        """Advance to the earliest action and run it; False once nothing is left."""
        if not self._heap:
            return False
        self.now, _, action = heapq.heappop(self._heap)
        action()
        return True
