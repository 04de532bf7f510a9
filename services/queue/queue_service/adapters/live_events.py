"""How much of each agent's change stream (``keys.agent_events``) Redis keeps.

The stream is what the gateway's live updates replay from a client's ``Last-Event-ID``;
a client that missed more than it holds refetches its list instead, so the bound trades
Redis memory (about one task view, ~1 KB, per entry) against how long a disconnect can be
bridged by replay. With the defaults an agent's stream holds at most 1,000 changes (days of
work for one agent) and disappears a day after the agent's last change.
"""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class LiveEventsPolicy:
    max_entries: int = 1000
    """Trimmed exactly to the newest this many (the bounds key remembers what was cut)."""
    ttl: timedelta = timedelta(days=1)
    """Stream, bounds and index expire this long after the agent's last change."""

    def __post_init__(self) -> None:
        if self.max_entries < 1:
            raise ValueError("the live events stream keeps at least one entry")
        if self.ttl <= timedelta(0):
            raise ValueError("the live events ttl must be positive")

    @property
    def ttl_ms(self) -> int:
        return int(self.ttl.total_seconds() * 1000)
