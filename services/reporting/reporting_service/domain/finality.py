"""When a session's records are written: the finality rule.

A session is **final**, and its records are written once and never again, when all hold:

1. *Settled*: no fact of it arrived for ``settle`` (10 s): reordered events still on
   their way (the task changelog and the session events are different topics) land first.
2. *Ended*: a ``session.ended`` (or the watchdog's ``session.expired``) was seen, or every
   service session was closed (abandoned, queue exited, transferred away) with no transfer
   to a service still waiting for its next service session; a session without service
   sessions (outbound) is ended when all its tasks are.
3. *Every task known and ended*: each user session named in the session's events has its
   task from the queue's changelog, every task is ``ended``, and the queue folded every
   event reporting saw (each task's ``rev`` is at least their number), so a task's outcome
   is the queue's last word. After ``queue_lag_limit`` without that (a queue far behind,
   an event it dead-lettered) the session is written from what is known.
4. *After-call work settled*, for every task on which work is due (``open``): saved, or its
   window (the service's ``acw_window_s``, from the task's end) closed, in which case the
   system concludes it (code ``system-timeout``, ``concluded_by: system``).

Until then the session waits: until a deadline (settling, a window, the lag limit), or
with none, until its next fact. A fact arriving after the records were written changes
nothing; it is recorded as late.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from reporting_service.domain.facts import SessionFacts, Task
from reporting_service.domain.service_sessions import service_sessions, transfer_pending


@dataclass(frozen=True, slots=True)
class FinalityRule:
    settle: timedelta = timedelta(seconds=10)
    queue_lag_limit: timedelta = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Wait:
    reason: str
    until: datetime | None
    """None: nothing will change before the session's next fact."""


@dataclass(frozen=True, slots=True)
class Final:
    conclude: tuple[str, ...]
    """User sessions whose window closed unsaved: the system concludes them."""


Decision = Wait | Final


def decide(
    facts: SessionFacts,
    last_fact_at: datetime,
    now: datetime,
    windows: Mapping[str, timedelta],
    rule: FinalityRule = FinalityRule(),
) -> Decision:
    """``last_fact_at``: when reporting received the session's last fact (its clock);
    ``windows``: the after-call-work window per service id (every task's service)."""
    if now < last_fact_at + rule.settle:
        return Wait("settling", last_fact_at + rule.settle)
    if not is_ended(facts):
        return Wait("live", None)
    tasks = list(facts.tasks.values())
    named = {e.user_session_id for e in facts.events.values() if e.user_session_id is not None}
    if not named <= facts.tasks.keys() or not all(task.ended for task in tasks):
        return Wait("tasks not ended", None)
    folded = sum(1 for event in facts.events.values() if event.folded_by_queue)
    lag_deadline = last_fact_at + rule.queue_lag_limit
    if any(task.rev < folded for task in tasks) and now < lag_deadline:
        return Wait("queue behind", lag_deadline)
    conclude: list[str] = []
    waiting: list[datetime] = []
    for task in tasks:
        if not task.open or task.user_session_id in facts.work:
            continue
        closes = window_closes(task, windows)
        if now < closes:
            waiting.append(closes)
        else:
            conclude.append(task.user_session_id)
    if waiting:
        return Wait("after-call work due", min(waiting))
    return Final(tuple(sorted(conclude)))


def window_closes(task: Task, windows: Mapping[str, timedelta]) -> datetime:
    """The after-call-work window opens when the task ends."""
    ended = task.ended_at or task.started_at
    return ended + windows[task.service_id or ""]


def is_ended(facts: SessionFacts) -> bool:
    events = facts.events.values()
    if any(event.kind in ("session.ended", "session.expired") for event in events):
        return True
    found = service_sessions(list(events))
    if found:
        return all(not ss.live for ss in found.values()) and not transfer_pending(found)
    return bool(facts.tasks) and all(task.ended for task in facts.tasks.values())
