"""Builds the contract events of one FreeSWITCH event, numbering them for their ids."""

from datetime import datetime
from typing import Literal

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

from ingest_service.freeswitch.fields import event_id
from ingest_service.freeswitch.state import Member, Offer

TaskOutcome = type[TaskAccepted | TaskDeclined | TaskRingNoAnswer | TaskCancelled | TaskRescinded]


class Emitted:
    """The events one FreeSWITCH event yields, in order; ids from the event's identity."""

    def __init__(self, tenant_id: str, session_id: str, event_key: str) -> None:
        self.tenant_id = tenant_id
        self.session_id = session_id
        self._key = event_key
        self.events: list[SessionEvent] = []

    def _common(self, at: datetime) -> dict[str, object]:
        return {
            "event_id": event_id(self.tenant_id, self._key, len(self.events)),
            "occurred_at": at,
            "tenant_id": self.tenant_id,
            "session_id": self.session_id,
        }

    def started(self, at: datetime, member: Member, caller: Party) -> None:
        self.events.append(
            SessionStarted.model_validate(
                {
                    **self._common(at),
                    "direction": "inbound",
                    "modality": "voice",
                    "service_id": member.service_id,
                    "service_name": member.service_name,
                    "caller": caller,
                    "service_session_id": member.member_uuid,
                }
            )
        )

    def queued(self, at: datetime, member: Member) -> None:
        self.events.append(
            SessionQueued.model_validate(
                {
                    **self._common(at),
                    "service_session_id": member.member_uuid,
                    "service_id": member.service_id,
                    "service_name": member.service_name,
                }
            )
        )

    def offered(self, at: datetime, member: Member, offer: Offer) -> None:
        self.events.append(
            TaskOffered.model_validate(
                {
                    **self._common(at),
                    "service_session_id": member.member_uuid,
                    "user_session_id": offer.user_session_id,
                    "user_id": offer.user_id,
                    "service_id": member.service_id,
                }
            )
        )

    def task(self, outcome: TaskOutcome, at: datetime, member: Member, offer: Offer) -> None:
        self.events.append(
            outcome.model_validate(
                {
                    **self._common(at),
                    "service_session_id": member.member_uuid,
                    "user_session_id": offer.user_session_id,
                    "user_id": offer.user_id,
                }
            )
        )

    def abandoned(self, at: datetime, member: Member) -> None:
        self.events.append(
            SessionAbandoned.model_validate(
                {**self._common(at), "service_session_id": member.member_uuid}
            )
        )

    def queue_exited(
        self, at: datetime, member: Member, reason: Literal["timeout", "empty", "other"]
    ) -> None:
        self.events.append(
            SessionQueueExited.model_validate(
                {**self._common(at), "service_session_id": member.member_uuid, "reason": reason}
            )
        )

    def transferred(self, at: datetime, member: Member, target: TransferTarget) -> None:
        self.events.append(
            SessionTransferred.model_validate(
                {**self._common(at), "service_session_id": member.member_uuid, "target": target}
            )
        )

    def ended(
        self,
        at: datetime,
        ended_by: Literal["caller", "agent", "system"],
        reason: str,
        member: Member | None,
    ) -> None:
        self.events.append(
            SessionEnded.model_validate(
                {
                    **self._common(at),
                    "ended_by": ended_by,
                    "reason": reason,
                    "service_session_id": member.member_uuid if member else None,
                }
            )
        )
