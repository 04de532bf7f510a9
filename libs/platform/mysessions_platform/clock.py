"""The one clock of every process: aware UTC instants.

Use cases take a ``Callable[[], datetime]`` and are handed this one in their composition
root; tests hand a fixed or stepping clock instead.
"""

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["Clock", "utc_now"]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, aware, in UTC (never a naive local time: every stored instant is compared with
    instants from other processes)."""
    return datetime.now(UTC)
