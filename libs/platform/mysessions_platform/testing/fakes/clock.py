"""A clock the test moves by hand (``mysessions_platform.clock.Clock``)."""

from datetime import datetime, timedelta

__all__ = ["ManualClock"]


class ManualClock:
    """``clock()`` is ``now``; ``advance`` moves it. Aware instants only, like ``utc_now``:
    a naive one would compare wrongly with every stored instant."""

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("a clock's instants are aware")
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> datetime:
        self.now += by
        return self.now
