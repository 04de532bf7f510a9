"""Reporting's pure domain: session facts in, final records out, no I/O.

- :mod:`.facts`: what reporting knows of a session (the queue's tasks, events, saved work).
- :mod:`.service_sessions`: the service sessions and their transfer chain.
- :mod:`.finality`: when a session's records are written (the finality rule).
- :mod:`.records`: the records themselves; :mod:`.outcomes`: the outcome dimension.
"""

from reporting_service.domain.facts import (
    SYSTEM_TIMEOUT,
    Code,
    ConcludedBy,
    SessionFact,
    SessionFacts,
    Task,
    Work,
)
from reporting_service.domain.finality import (
    Decision,
    Final,
    FinalityRule,
    Wait,
    decide,
    window_closes,
)
from reporting_service.domain.outcomes import GROUPS, OUTCOMES, OutcomeEntry
from reporting_service.domain.records import Record, build_records, record_id, system_conclusion
from reporting_service.domain.service_sessions import ServiceSession, service_sessions

__all__ = [
    "GROUPS",
    "OUTCOMES",
    "SYSTEM_TIMEOUT",
    "Code",
    "ConcludedBy",
    "Decision",
    "Final",
    "FinalityRule",
    "OutcomeEntry",
    "Record",
    "ServiceSession",
    "SessionFact",
    "SessionFacts",
    "Task",
    "Wait",
    "Work",
    "build_records",
    "decide",
    "record_id",
    "service_sessions",
    "system_conclusion",
    "window_closes",
]
