"""A circuit breaker for one remote system, on an injectable monotonic clock.

closed ──(threshold consecutive failures)──► open ──(cool-down over)──► half-open
  ▲                                            ▲                           │
  └───────────── probe succeeded ──────────────┼───── probe failed ────────┘

While open, callers are refused at once instead of waiting for a timeout; after the
cool-down exactly one probe is let through, and its outcome decides the state.
"""

from collections.abc import Callable
from typing import Literal

State = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(
        self, failure_threshold: int, cool_down_s: float, clock: Callable[[], float]
    ) -> None:
        if failure_threshold < 1 or cool_down_s < 0:
            raise ValueError("failure_threshold >= 1 and cool_down_s >= 0")
        self._threshold = failure_threshold
        self._cool_down_s = cool_down_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> State:
        if self._opened_at is None:
            return "closed"
        if self._probing or self._clock() - self._opened_at >= self._cool_down_s:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """May a request go out now? In half-open, only the first caller gets a yes."""
        state = self.state
        if state == "closed":
            return True
        if state == "open" or self._probing:
            return False
        self._probing = True
        return True

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self._threshold:
            self._opened_at = self._clock()
        self._probing = False

    def release(self) -> None:
        """A request was abandoned (cancelled) without an outcome: let the next one probe."""
        self._probing = False
