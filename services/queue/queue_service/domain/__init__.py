"""The queue's pure domain: facts in, tasks out, no I/O.

- :mod:`.facts`: what happened (one fact per upstream event) and its stored form.
- :mod:`.fold`: the tasks of one session, from the set of its facts (:mod:`.rules` says
  what each fact does, :mod:`.skew` how clock skew is tolerated).
- :mod:`.task`: a task as the agent sees it, and its JSON view.
- :mod:`.privacy`: what an ended task and a session that is over forget about the caller.
- :mod:`.ordering`, :mod:`.retention`, :mod:`.watchdog`: the agent's list, how long history
  stays, when a quiet session is closed.
"""

from queue_service.domain.facts import Fact, FactKind, fact_from_dict, fact_to_dict
from queue_service.domain.fold import fold
from queue_service.domain.ordering import order_for_agent
from queue_service.domain.privacy import (
    CALLER_FACT_FIELDS,
    DIRECTORY_KIND,
    NOT_AVAILABLE,
    callers_forgotten,
    forget_caller,
    kept_address,
    without_caller,
)
from queue_service.domain.retention import HistoryPolicy, history_to_drop
from queue_service.domain.skew import SKEW_TOLERANCE
from queue_service.domain.task import UNANSWERED, Outcome, State, Task, render
from queue_service.domain.timers import Timers, timers
from queue_service.domain.watchdog import (
    IDLE_AFTER,
    IDLE_AFTER_MEDIA,
    LIMIT_CLASSES,
    ExpiryTimes,
    IdleLimits,
    LimitClass,
    expiry_event_id,
    expiry_times,
    is_idle,
    limit_class,
)

__all__ = [
    "CALLER_FACT_FIELDS",
    "DIRECTORY_KIND",
    "IDLE_AFTER",
    "IDLE_AFTER_MEDIA",
    "LIMIT_CLASSES",
    "NOT_AVAILABLE",
    "SKEW_TOLERANCE",
    "UNANSWERED",
    "ExpiryTimes",
    "Fact",
    "FactKind",
    "HistoryPolicy",
    "IdleLimits",
    "LimitClass",
    "Outcome",
    "State",
    "Task",
    "Timers",
    "callers_forgotten",
    "expiry_event_id",
    "expiry_times",
    "fact_from_dict",
    "fact_to_dict",
    "fold",
    "forget_caller",
    "history_to_drop",
    "is_idle",
    "kept_address",
    "limit_class",
    "order_for_agent",
    "render",
    "timers",
    "without_caller",
]
