"""A session's service sessions, read from its events: when each was queued and closed,
how, and the transfer chain between them."""

import itertools
from dataclasses import dataclass, replace
from datetime import datetime

from reporting_service.domain.facts import SessionFact

_CLOSING = {"session.abandoned": "abandoned", "session.queue_exited": "queue_exited"}
_RANK = {"session.queued": 0, "session.transferred": 1, "session.ended": 3, "session.expired": 4}


@dataclass(frozen=True, slots=True)
class ServiceSession:
    service_session_id: str
    service_id: str | None
    service_name: str | None
    queued_at: datetime
    closed_at: datetime | None = None
    closed_by: str | None = None
    """abandoned, queue_exited, transferred, ended, expired; None while it is live."""
    target_kind: str | None = None
    ended_by: str | None = None
    previous: str | None = None
    next: str | None = None

    @property
    def live(self) -> bool:
        return self.closed_at is None


def service_sessions(events: list[SessionFact]) -> dict[str, ServiceSession]:
    """Every service session in queue order, closed by the first event that closes it.

    A real ``session.ended`` wins over the watchdog's ``session.expired`` (as in the queue).
    A transfer (except to a user) closes the service session and links it to the next one
    queued, if any.
    """
    really_ended = any(event.kind == "session.ended" for event in events)
    found: dict[str, ServiceSession] = {}
    ordered = sorted(events, key=lambda e: (e.at, _RANK.get(e.kind, 2), e.event_id))
    for event in ordered:
        ss_id = event.service_session_id
        if event.kind == "session.queued" and ss_id is not None and ss_id not in found:
            found[ss_id] = ServiceSession(ss_id, event.service_id, event.service_name, event.at)
        elif event.kind in _CLOSING and ss_id in found:
            found[ss_id] = _close(found[ss_id], event.at, _CLOSING[event.kind])
        elif event.kind == "session.transferred" and ss_id in found:
            if event.target_kind != "user":  # to a user, the same service session goes on
                found[ss_id] = _close(found[ss_id], event.at, "transferred", event.target_kind)
        elif event.kind == "session.ended" or (
            event.kind == "session.expired" and not really_ended
        ):
            closed_by = "ended" if event.kind == "session.ended" else "expired"
            for key, each in found.items():
                found[key] = _close(each, event.at, closed_by, ended_by=event.ended_by)
    return _linked(found)


def _close(
    ss: ServiceSession,
    at: datetime,
    closed_by: str,
    target_kind: str | None = None,
    ended_by: str | None = None,
) -> ServiceSession:
    if not ss.live:
        return ss
    return replace(
        ss, closed_at=at, closed_by=closed_by, target_kind=target_kind, ended_by=ended_by
    )


def _linked(found: dict[str, ServiceSession]) -> dict[str, ServiceSession]:
    chain = sorted(found.values(), key=lambda ss: (ss.queued_at, ss.service_session_id))
    links: dict[str, ServiceSession] = {ss.service_session_id: ss for ss in chain}
    for before, after in itertools.pairwise(chain):
        # Any transfer: a blind transfer to an extension that enters another queue is an
        # external transfer followed by the next service session (Asterisk queue_log).
        if before.closed_by == "transferred":
            links[before.service_session_id] = replace(
                links[before.service_session_id], next=after.service_session_id
            )
            links[after.service_session_id] = replace(
                links[after.service_session_id], previous=before.service_session_id
            )
    return links


def transfer_pending(found: dict[str, ServiceSession]) -> bool:
    """A transfer to a service whose next service session has not been heard of yet."""
    return any(
        ss.closed_by == "transferred" and ss.target_kind == "service" and ss.next is None
        for ss in found.values()
    )
