"""What the bridge remembers of one call between events, stored in Redis (never only in
the bridge's memory: a restarted bridge goes on where the last one stopped).

It holds ids and instants only, never the caller's number or name (those are sent once,
in ``session.started``).
"""

from datetime import datetime

from pydantic import BaseModel, Field

MAX_APPLIED = 256
"""Event keys remembered per call to skip redeliveries; a call has a few dozen events."""


class Offer(BaseModel):
    user_id: str
    user_session_id: str
    offered: bool = False
    """Its ``agent-offering`` was seen (an offer first heard of by a later event is not)."""
    closed: bool = False


class Member(BaseModel):
    """One stay of the call in one queue: mod_callcenter's member, our service session."""

    member_uuid: str
    service_id: str
    service_name: str
    offers: dict[str, list[Offer]] = Field(default_factory=dict)
    answered_by: str | None = None
    bridge_ended_at: datetime | None = None
    """The agent's bridge ended; the call goes on (a transfer) or ends (its hang-up)."""
    closed: bool = False

    def open_offer(self, user_id: str) -> Offer | None:
        offers = self.offers.get(user_id, [])
        return offers[-1] if offers and not offers[-1].closed else None

    def unannounced_offer(self, user_id: str) -> Offer | None:
        return next((o for o in self.offers.get(user_id, []) if not o.offered), None)


class CallState(BaseModel):
    session_id: str
    members: list[Member] = Field(default_factory=list)
    ended: bool = False
    applied: list[str] = Field(default_factory=list)

    def member(self, member_uuid: str) -> Member | None:
        return next((m for m in self.members if m.member_uuid == member_uuid), None)

    def remember(self, event_key: str) -> None:
        self.applied = [*self.applied, event_key][-MAX_APPLIED:]
