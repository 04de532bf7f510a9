"""What the bridge remembers about one call between AMI events, as plain JSON.

It lives outside the bridge's memory (Redis, see :mod:`.redis_calls`), so a restarted bridge
carries on where the last one stopped. It is small and bounded: at most :data:`MAX_LEGS`
member legs per call (``ringall`` on a big queue rings many), the oldest finished ones
dropped first.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

MAX_LEGS: Final = 64

LegStatus = Literal["ringing", "busy", "answered", "done"]


@dataclass
class Leg:
    """One member leg (DestUniqueid): one offer to one agent, a user session."""

    user_id: str
    user_session_id: str
    offered_at: datetime
    status: LegStatus = "ringing"


@dataclass
class Visit:
    """One stay of the call in one queue: a service session."""

    service_session_id: str
    service_id: str
    service_name: str
    queued_at: datetime
    accepted_at: datetime | None = None
    left_at: datetime | None = None
    left: bool = False
    """QueueCallerLeave came: the caller is out of the queue (answered, or gone elsewhere)."""
    open: bool = True
    """False once the visit ended: abandoned, transferred away, exited, or the call ended."""


@dataclass
class CallState:
    """One call (Linkedid)."""

    session_id: str
    caller_uniqueid: str
    incarnation: int = 1
    """Above 1 when the Linkedid joined a queue again after its session ended."""
    visits: int = 0
    visit: Visit | None = None
    offers: dict[str, int] = field(default_factory=dict)
    """Offers so far per user id: the ``<n>`` of the user session ``<session>:<user>:<n>``."""
    legs: dict[str, Leg] = field(default_factory=dict)
    ended: bool = False

    def open_visit(self) -> Visit | None:
        return self.visit if self.visit is not None and self.visit.open else None

    def add_leg(self, uniqueid: str, leg: Leg) -> None:
        self.legs[uniqueid] = leg
        while len(self.legs) > MAX_LEGS:
            oldest = next(
                (key for key, old in self.legs.items() if old.status == "done"),
                next(iter(self.legs)),
            )
            del self.legs[oldest]

    def ringing(self) -> list[tuple[str, Leg]]:
        return [(key, leg) for key, leg in self.legs.items() if leg.status in ("ringing", "busy")]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    return value


def _decode_time(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$t"}:
        return datetime.fromisoformat(value["$t"])
    return value


def dumps(state: CallState) -> str:
    return json.dumps(_encode(asdict(state)), separators=(",", ":"))


def loads(text: str | bytes) -> CallState:
    raw = json.loads(text)
    visit = raw.get("visit")
    return CallState(
        session_id=raw["session_id"],
        caller_uniqueid=raw["caller_uniqueid"],
        incarnation=raw["incarnation"],
        visits=raw["visits"],
        offers=dict(raw["offers"]),
        visit=None
        if visit is None
        else Visit(**{key: _decode_time(item) for key, item in visit.items()}),
        legs={
            key: Leg(**{name: _decode_time(item) for name, item in leg.items()})
            for key, leg in raw["legs"].items()
        },
        ended=raw["ended"],
    )
