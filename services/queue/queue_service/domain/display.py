"""Which timers a page keeps ticking, and which one the result widget shows.

Both follow from the timer rules themselves (``timers.py``) and the task's state, so a
client never has to know the rules: it adds the time since ``as_of`` to the live ones.
"""

from datetime import datetime, timedelta

from queue_service.domain.timers import TimedTask, Timers, timers

_PROBE = timedelta(seconds=1)

_SHOWN_WHILE_LIVE = {
    "incoming": "queue_s",
    "dialing": "dialout_s",
    "ringing": "ringing_s",
    "connected": "connected_s",
}
_CONNECTED_OUTCOMES = frozenset({"accepted", "destination_accepted"})


def live_timers(task: TimedTask, now: datetime) -> tuple[str, ...]:
    """The timers still counting at ``now``: exactly those that a second later read more.

    Asking the rules rather than restating them keeps this true whatever they become.
    """
    at_now, a_second_later = timers(task, now), timers(task, now + _PROBE)
    return tuple(
        name
        for name in Timers.__annotations__
        if at_now[name] is not None and at_now[name] != a_second_later[name]  # type: ignore[literal-required]
    )


def shown_timer(task: TimedTask, outcome: str | None, now: datetime) -> str | None:
    """Queue time while incoming (ring time if it never queued), dial-out time while
    dialing, ringing time while ringing, connected time once answered, and ring time for
    every other result (declined, RONA, user-aborted, cancelled, ...)."""
    values = timers(task, now)
    if task.state in _SHOWN_WHILE_LIVE:
        preferred = _SHOWN_WHILE_LIVE[task.state]
        fallback = "ring_s"
    elif outcome in _CONNECTED_OUTCOMES:
        preferred, fallback = "connected_s", "ring_s"
    else:
        preferred, fallback = "ring_s", "dialout_s"
    for name in (preferred, fallback):
        if values[name] is not None:  # type: ignore[literal-required]
            return name
    return None
