"""Timers shown on a task, from event instants only.

They must agree with Asterisk's ``queue_log``: its CONNECT holdtime runs from entering the
queue to the answer, ring time included, so ``queue_s`` ends when the ringing ends, not when
the ringing starts. A live timer counts up to ``now``; an ended one is fixed. Every timer
uses the facts' real instants and is clamped at zero (clocks of upstream systems disagree
by a few seconds, see :mod:`.skew`).

=============  ==================================================================
timer          from → to (``ring end``: answered, or ended before an answer)
=============  ==================================================================
queue_s        entering the service's queue (or the transfer to the agent) → ring end
ring_s         offer: offered → ring end; outbound attempt: dialing → ring end (the
               agent's whole wait, so also a User-Aborted attempt has a ring time)
connected_s    accepted / destination answered → ended
dialout_s      dialing → the destination rings (or ring end if it never rang)
ringing_s      the destination rings → ring end
=============  ==================================================================
"""

from datetime import datetime
from typing import Protocol, TypedDict

from queue_service.domain.instants import seconds_between


class Timers(TypedDict):
    queue_s: float | None
    ring_s: float | None
    connected_s: float | None
    dialout_s: float | None
    ringing_s: float | None


class TimedTask(Protocol):
    """The instants a task carries; :class:`~queue_service.domain.task.Task` has them all."""

    @property
    def state(self) -> str: ...
    @property
    def queued_at(self) -> datetime | None: ...
    @property
    def offered_at(self) -> datetime | None: ...
    @property
    def ring_ended_at(self) -> datetime | None: ...
    @property
    def accepted_at(self) -> datetime | None: ...
    @property
    def ended_at(self) -> datetime | None: ...
    @property
    def dialing_at(self) -> datetime | None: ...
    @property
    def ringing_at(self) -> datetime | None: ...
    @property
    def answered_at(self) -> datetime | None: ...


def timers(task: TimedTask, now: datetime) -> Timers:
    """Each timer is ``None`` when its start never happened (no queue, no offer, ...)."""
    ring_end = _ring_end(task, now)
    connected_from = task.accepted_at or task.answered_at
    connected_to = task.ended_at or now
    return Timers(
        queue_s=_span(task.queued_at, ring_end),
        ring_s=_span(task.offered_at or task.dialing_at, ring_end),
        connected_s=_span(connected_from, connected_to),
        # An attempt that never rang (not accepted, aborted while dialing) dialed until its end.
        dialout_s=_span(task.dialing_at, task.ringing_at or ring_end),
        ringing_s=_span(task.ringing_at, ring_end),
    )


def _ring_end(task: TimedTask, now: datetime) -> datetime:
    """When the task stopped being unanswered: answered, declined, returned, withdrawn..."""
    if task.ring_ended_at is not None:
        return task.ring_ended_at
    if task.state in ("incoming", "dialing", "ringing"):
        return now
    return task.ended_at or now


def _span(start: datetime | None, end: datetime) -> float | None:
    return None if start is None else seconds_between(start, end)
