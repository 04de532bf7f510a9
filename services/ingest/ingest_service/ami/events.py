"""Contract events of one call, with ids that depend on what they say, not on delivery.

AMI events carry no id that survives an Asterisk restart, and the bridge may translate the
same fact twice (a restart between publishing and recording it). Every contract event
happens at most once per session and service or user session (one ``session.started``, one
``task.offered`` per user session, ...), so its id is uuid5 over the tenant, the session and
that identity: a redelivered fact gets the id it had, and ingest's de-duplication drops it.
"""

import uuid
from datetime import datetime
from typing import Final, Literal

from contracts import (
    Party,
    SessionAbandoned,
    SessionEnded,
    SessionEvent,
    SessionQueued,
    SessionQueueExited,
    SessionStarted,
    SessionTransferred,
    TaskAccepted,
    TaskCancelled,
    TaskDeclined,
    TaskOffered,
    TaskRescinded,
    TaskRingNoAnswer,
    TransferTarget,
)

from ingest_service.ami.state import Leg, Visit

NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:mysessions:ingest:asterisk-ami")
"""Changing it would break de-duplication of facts translated before and after the change."""

Outcome = type[TaskAccepted | TaskDeclined | TaskRingNoAnswer | TaskCancelled | TaskRescinded]
EndedBy = Literal["caller", "agent", "system"]
ExitReason = Literal["timeout", "empty", "full", "other"]


class CallEvents:
    """Collects the events one AMI message yields for one session, in order."""

    def __init__(self, tenant_id: str, session_id: str) -> None:
        self.tenant_id = tenant_id
        self.session_id = session_id
        self.events: list[SessionEvent] = []

    def _id(self, *identity: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, "\x1f".join((self.tenant_id, self.session_id, *identity)))

    def _common(self, at: datetime, *identity: str) -> dict[str, object]:
        return {
            "event_id": self._id(*identity),
            "occurred_at": at,
            "tenant_id": self.tenant_id,
            "session_id": self.session_id,
        }

    def started(self, at: datetime, visit: Visit, caller: Party) -> None:
        self.events.append(
            SessionStarted.model_validate(
                {
                    **self._common(at, "started"),
                    "direction": "inbound",
                    "modality": "voice",
                    "service_id": visit.service_id,
                    "service_name": visit.service_name,
                    "caller": caller,
                    "service_session_id": visit.service_session_id,
                }
            )
        )

    def queued(self, at: datetime, visit: Visit) -> None:
        self.events.append(
            SessionQueued.model_validate(
                {
                    **self._common(at, "queued", visit.service_session_id),
                    "service_session_id": visit.service_session_id,
                    "service_id": visit.service_id,
                    "service_name": visit.service_name,
                }
            )
        )

    def offered(self, visit: Visit, leg: Leg) -> None:
        self.events.append(
            TaskOffered.model_validate(
                {
                    **self._common(leg.offered_at, "offered", leg.user_session_id),
                    "service_session_id": visit.service_session_id,
                    "user_session_id": leg.user_session_id,
                    "user_id": leg.user_id,
                    "service_id": visit.service_id,
                }
            )
        )

    def outcome(self, at: datetime, visit: Visit, leg: Leg, outcome: Outcome) -> None:
        """At most one outcome per user session: they share one identity."""
        self.events.append(
            outcome.model_validate(
                {
                    **self._common(at, "outcome", leg.user_session_id),
                    "service_session_id": visit.service_session_id,
                    "user_session_id": leg.user_session_id,
                    "user_id": leg.user_id,
                }
            )
        )

    def abandoned(self, at: datetime, visit: Visit) -> None:
        self.events.append(
            SessionAbandoned.model_validate(
                {
                    **self._common(at, "abandoned", visit.service_session_id),
                    "service_session_id": visit.service_session_id,
                }
            )
        )

    def queue_exited(self, at: datetime, visit: Visit, reason: ExitReason) -> None:
        self.events.append(
            SessionQueueExited.model_validate(
                {
                    **self._common(at, "exited", visit.service_session_id),
                    "service_session_id": visit.service_session_id,
                    "reason": reason,
                }
            )
        )

    def transferred(
        self,
        at: datetime,
        visit: Visit,
        mode: Literal["blind", "attended"],
        target: TransferTarget,
    ) -> None:
        self.events.append(
            SessionTransferred.model_validate(
                {
                    **self._common(at, "transferred", visit.service_session_id),
                    "service_session_id": visit.service_session_id,
                    "mode": mode,
                    "target": target,
                }
            )
        )

    def ended(self, at: datetime, ended_by: EndedBy, reason: str, visit: Visit | None) -> None:
        self.events.append(
            SessionEnded.model_validate(
                {
                    **self._common(at, "ended"),
                    "ended_by": ended_by,
                    "reason": reason,
                    "service_session_id": visit.service_session_id if visit else None,
                }
            )
        )
