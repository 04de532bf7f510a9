"""A deliberately simple reference model of the README's "Outcomes, states and timers".

Written from the README's text, not from the fold: it shares no code with
``queue_service.domain`` (event kinds are plain strings here). Its input is a *story*: what
really happened to one session, in the true order, each happening at its true instant.
Upstream clocks are not all true: the agent's client stamps a task's own events
(``task.*``, ``outbound.*``) with its skewed clock, the platform stamps the rest truly.
The fold sees only stamps, in any order; the model knows the truth. The README's skew rule
promises that, for skews below its tolerance, outcomes follow the true order while timers
use the stamps (clamped at zero), so that is what the model computes.
"""

from dataclasses import dataclass, field

UNANSWERED = ("incoming", "dialing", "ringing")

# README: "Who ended a ringing task decides its outcome, whichever upstream event carried it".
WHO_ENDED_OFFER = {"caller": "cancelled", "agent": "declined", "system": "rona"}
WHO_ENDED_ATTEMPT = {
    "agent": "user_aborted",
    "caller": "destination_declined",
    "system": "destination_not_reached",
}
# The task's own events that end it while unanswered, and the outcome each names.
OWN_END = {
    "task.declined": "declined",
    "task.rona": "rona",
    "task.cancelled": "cancelled",
    "task.rescinded": "rescinded",
    "outbound.destination_declined": "destination_declined",
    "outbound.destination_not_reached": "destination_not_reached",
    "outbound.not_accepted": "not_accepted",
    "outbound.user_aborted": "user_aborted",
}


@dataclass(frozen=True)
class Happening:
    """One upstream event of the story, at its true instant (milliseconds from the start)."""

    kind: str
    at_ms: int
    user_session_id: str | None = None
    user_id: str | None = None
    service_session_id: str | None = None
    ended_by: str | None = None
    reason: str | None = None
    transfer_kind: str | None = None
    transfer_user_id: str | None = None
    idle_since_ms: int | None = None

    @property
    def own(self) -> bool:
        """An event about one task, stamped by the agent's client."""
        return self.kind.startswith(("task.", "outbound."))


@dataclass
class Expected:
    """What the README says a task shows."""

    attempt: bool
    service_session_id: str | None
    user_id: str
    state: str
    outcome: str | None = None
    end_reason: str | None = None
    queue_from: int | None = None
    offered: int | None = None
    dialing: int | None = None
    ringing: int | None = None
    answered: int | None = None
    ring_end: int | None = None
    end: int | None = None
    timers: dict[str, float | None] = field(default_factory=dict)


def stamp(happening: Happening, skews: dict[str, int]) -> int:
    """The instant upstream wrote on the event."""
    if happening.own and happening.user_id is not None:
        return happening.at_ms + skews.get(happening.user_id, 0)
    return happening.at_ms


def expected(story: list[Happening], skews: dict[str, int], now_ms: int) -> dict[str, Expected]:
    """Every task of the story by user session id, with its timers as at ``now_ms``."""
    # README: a session.ended in the set wins over the watchdog's guess.
    if any(h.kind == "session.ended" for h in story):
        story = [h for h in story if h.kind != "session.expired"]
    tasks: dict[str, Expected] = {}
    queued: dict[str, int] = {}
    transfers_to: dict[str, int] = {}
    for happening in story:
        at = stamp(happening, skews)
        if happening.kind == "session.queued" and happening.service_session_id:
            queued.setdefault(happening.service_session_id, at)
        elif happening.own:
            _own(tasks, happening, at, queued, transfers_to)
        else:
            _close(tasks, happening, at, transfers_to)
    for task in tasks.values():
        task.timers = timers(task, now_ms)
    return tasks


def _own(
    tasks: dict[str, Expected],
    h: Happening,
    at: int,
    queued: dict[str, int],
    transfers_to: dict[str, int],
) -> None:
    assert h.user_session_id is not None
    assert h.user_id is not None
    task = tasks.get(h.user_session_id)
    if task is None:
        attempt = h.kind.startswith("outbound.")
        queue_from = None
        if not attempt and h.service_session_id in queued:
            queue_from = queued[h.service_session_id]
            if h.user_id in transfers_to:  # README: "or a transfer to this user, if later"
                queue_from = max(queue_from, transfers_to[h.user_id])
        task = tasks[h.user_session_id] = Expected(
            attempt=attempt,
            service_session_id=h.service_session_id,
            user_id=h.user_id,
            state="dialing" if attempt else "incoming",
            queue_from=queue_from,
        )
    if h.kind == "task.offered":
        task.offered = task.offered if task.offered is not None else at
    elif h.kind == "outbound.dialing":
        task.dialing = task.dialing if task.dialing is not None else at
    elif h.kind == "outbound.ringing":
        task.ringing = task.ringing if task.ringing is not None else at
        if task.state == "dialing":
            task.state = "ringing"
    elif h.kind in ("task.accepted", "outbound.destination_accepted"):
        if task.state in UNANSWERED:
            task.state, task.answered, task.ring_end = "connected", at, at
    elif h.kind in OWN_END and task.state in UNANSWERED:
        reason = h.reason if h.kind == "outbound.not_accepted" else None
        _finish(task, OWN_END[h.kind], reason, at)


def _close(tasks: dict[str, Expected], h: Happening, at: int, transfers_to: dict[str, int]) -> None:
    for task in tasks.values():
        if task.state == "ended":
            continue
        answered_outcome = "destination_accepted" if task.attempt else "accepted"
        in_service_session = not task.attempt and task.service_session_id == h.service_session_id
        if h.kind == "session.abandoned" and in_service_session:
            if task.state in UNANSWERED:
                _finish(task, "cancelled", "abandoned", at)
        elif h.kind == "session.queue_exited" and in_service_session:
            if task.state in UNANSWERED:
                _finish(task, "rona", "queue_exited", at)
        elif h.kind == "session.transferred" and in_service_session:
            if h.transfer_kind == "user" and task.user_id == h.transfer_user_id:
                continue  # the target's own task goes on
            outcome = "rescinded" if task.state in UNANSWERED else answered_outcome
            _finish(task, outcome, "transferred", at)
        elif h.kind in ("session.ended", "session.expired"):
            _end_of_session(task, h, at)
    if h.kind == "session.transferred" and h.transfer_kind == "user" and h.transfer_user_id:
        transfers_to[h.transfer_user_id] = at


def _end_of_session(task: Expected, h: Happening, at: int) -> None:
    answered_outcome = "destination_accepted" if task.attempt else "accepted"
    if h.kind == "session.expired":
        assert h.idle_since_ms is not None
        outcome = "expired" if task.state in UNANSWERED else answered_outcome
        _finish(task, outcome, "expired", h.idle_since_ms)
    elif task.state in UNANSWERED:
        who = WHO_ENDED_ATTEMPT if task.attempt else WHO_ENDED_OFFER
        _finish(task, who[h.ended_by or "system"], h.reason or "normal", at)
    else:
        _finish(task, answered_outcome, h.reason or "normal", at)


def _finish(task: Expected, outcome: str, reason: str | None, at: int) -> None:
    if task.state in UNANSWERED:
        task.ring_end = at
    task.state, task.outcome, task.end_reason, task.end = "ended", outcome, reason, at


def timers(task: Expected, now_ms: int) -> dict[str, float | None]:
    """README's timer table; *ring end* is the answer or the end before one, else now."""
    ring_end = task.ring_end if task.ring_end is not None else now_ms
    end = task.end if task.end is not None else now_ms
    return {
        "queue_s": _span(task.queue_from, ring_end),
        "ring_s": _span(task.offered if not task.attempt else task.dialing, ring_end),
        "connected_s": _span(task.answered, end),
        "dialout_s": _span(task.dialing, task.ringing if task.ringing is not None else ring_end),
        "ringing_s": _span(task.ringing, ring_end),
    }


def _span(start: int | None, end: int) -> float | None:
    return None if start is None else max(0, end - start) / 1000
