"""Builds the contract events of one queue_log line, numbering them for their ids."""

from datetime import datetime
from typing import Literal, TypeVar
from uuid import UUID

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
    TaskOffered,
    TaskRingNoAnswer,
    TransferTarget,
)

from ingest_service.queue_log.identifiers import event_id
from ingest_service.queue_log.state import Visit

Outcome = TypeVar("Outcome", TaskRingNoAnswer, TaskCancelled, TaskAccepted)

EndedBy = Literal["caller", "agent", "system"]
ExitReason = Literal["timeout", "empty", "full", "other"]


class LineEvents:
    """The events one line yields for one session, in the order they are added."""

    def __init__(self, tenant_id: str, session_id: str, line_text: str) -> None:
        self.tenant_id = tenant_id
        self.session_id = session_id
        self._line_text = line_text
        self.events: list[SessionEvent] = []

    def _next_id(self) -> UUID:
        return event_id(self.tenant_id, self.session_id, self._line_text, len(self.events))

    def started(self, at: datetime, visit: Visit, caller: Party) -> None:
        self.events.append(
            SessionStarted(
                event_id=self._next_id(),
                occurred_at=at,
                tenant_id=self.tenant_id,
                session_id=self.session_id,
                direction="inbound",
                modality="voice",
                service_id=visit.service_id,
                service_name=visit.service_name,
                caller=caller,
                service_session_id=visit.service_session_id,
            )
        )

    def queued(self, at: datetime, visit: Visit) -> None:
        self.events.append(
            SessionQueued(
                event_id=self._next_id(),
                occurred_at=at,
                tenant_id=self.tenant_id,
                session_id=self.session_id,
                service_session_id=visit.service_session_id,
                service_id=visit.service_id,
                service_name=visit.service_name,
            )
        )

    def offer(
        self,
        visit: Visit,
        user_id: str,
        user_session_id: str,
        offered_at: datetime,
        outcome: type[Outcome],
        outcome_at: datetime,
    ) -> None:
        """task.offered, then its outcome: the only pair a queue_log line gives per agent."""
        self.events.append(
            TaskOffered(
                event_id=self._next_id(),
                occurred_at=offered_at,
                tenant_id=self.tenant_id,
                session_id=self.session_id,
                service_session_id=visit.service_session_id,
                user_session_id=user_session_id,
                user_id=user_id,
                service_id=visit.service_id,
            )
        )
        self.events.append(
            outcome(
                event_id=self._next_id(),
                occurred_at=outcome_at,
                tenant_id=self.tenant_id,
                session_id=self.session_id,
                service_session_id=visit.service_session_id,
                user_session_id=user_session_id,
                user_id=user_id,
            )
        )

    def abandoned(self, at: datetime, visit: Visit) -> None:
        self.events.append(
            SessionAbandoned(
                event_id=self._next_id(),
                occurred_at=at,
                tenant_id=self.tenant_id,
                session_id=self.session_id,
                service_session_id=visit.service_session_id,
            )
        )

    def queue_exited(self, at: datetime, visit: Visit, reason: ExitReason) -> None:
        self.events.append(
            SessionQueueExited(
                event_id=self._next_id(),
                occurred_at=at,
                tenant_id=self.tenant_id,
                session_id=self.session_id,
                service_session_id=visit.service_session_id,
                reason=reason,
            )
        )

    def ended(
        self, at: datetime, ended_by: EndedBy, reason: str, visit: Visit | None = None
    ) -> None:
        self.events.append(
            SessionEnded(
                event_id=self._next_id(),
                occurred_at=at,
                tenant_id=self.tenant_id,
                session_id=self.session_id,
                ended_by=ended_by,
                reason=reason,
                service_session_id=visit.service_session_id if visit is not None else None,
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
            SessionTransferred(
                event_id=self._next_id(),
                occurred_at=at,
                tenant_id=self.tenant_id,
                session_id=self.session_id,
                service_session_id=visit.service_session_id,
                mode=mode,
                target=target,
            )
        )
