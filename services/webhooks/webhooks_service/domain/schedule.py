"""When a failed delivery is tried again: an exponential schedule over about three days.

The delays follow the Standard Webhooks guidance (the schedule of its reference service),
stretched so that the last attempt comes about three days after the first: an endpoint
that is down over a weekend still gets every event. After the last delay's attempt fails
the delivery is dead-lettered for its endpoint (``attempts_left`` is 0).
"""

from typing import Final

__all__ = ["DEFAULT_DELAYS_S", "RetrySchedule"]

MINUTE: Final = 60.0
HOUR: Final = 60 * MINUTE

DEFAULT_DELAYS_S: Final[tuple[float, ...]] = (
    5.0,
    5 * MINUTE,
    30 * MINUTE,
    2 * HOUR,
    5 * HOUR,
    10 * HOUR,
    14 * HOUR,
    20 * HOUR,
    24 * HOUR,
)
"""After the first attempt (at once): 9 retries, the last 75 h 35 min 5 s after it."""


class RetrySchedule:
    """``delays_s[n]``: the pause after the attempt ``n + 1`` failed."""

    def __init__(self, delays_s: tuple[float, ...] = DEFAULT_DELAYS_S) -> None:
        if any(delay <= 0 for delay in delays_s):
            raise ValueError("every retry delay is positive")
        self.delays_s = delays_s

    @property
    def attempts(self) -> int:
        """Attempts in all: the first, then one per delay."""
        return len(self.delays_s) + 1

    def next_delay(self, attempts_made: int) -> float | None:
        """The pause before the next attempt after ``attempts_made`` failed ones; None once
        the last attempt failed (dead letter)."""
        if attempts_made < 1:
            raise ValueError("a delay follows a failed attempt")
        if attempts_made > len(self.delays_s):
            return None
        return self.delays_s[attempts_made - 1]

    def total_s(self) -> float:
        """From the first attempt to the last."""
        return sum(self.delays_s)
