"""From measured unit costs and stated assumptions to a deployment's size, for sizing.py.
Pure arithmetic: every figure is a measured cost times a count the assumptions give.

Retention, as the code keeps it (README, "Context and retention", "Reporting for BI"):
- Redis: an agent's history at most ``QUEUE_HISTORY_DAYS`` (30) and
  ``QUEUE_HISTORY_MAX_ENTRIES`` (1,000) tasks; its events stream at most
  ``QUEUE_LIVE_EVENTS_MAX_ENTRIES`` (1,000), gone after 24 h without a change; a session's
  facts ``QUEUE_SESSION_FACTS_DAYS`` (7) after its last event; ingest's event ids
  ``INGEST_DEDUPE_TTL_S`` (24 h).
- Redis, the other keys a session leaves: each kind's time to live as measured (context's
  ended marker 7 days, transcripts' ledger 24 h).
- MongoDB: stored context and transcripts 30 days; reporting's written markers and late
  facts the late window (7 days); reporting records and after-call-work saves are never
  deleted by the backbone (BI's retention is the operator's; ``unprovision`` erases).
"""

import math
from dataclasses import dataclass

__all__ = ["WORKER_EVENTS_PER_S", "Assumptions", "Size", "UnitCosts", "size_for"]

HISTORY_DAYS, HISTORY_CAP, STREAM_CAP = 30, 1000, 1000
FACTS_DAYS, DEDUPE_DAYS, CONTEXT_DAYS = 7, 1, 30
KEPT_DAYS: dict[str, float | None] = {
    "reporting_records": None,
    "acw_saves": None,
    "transcripts": 30,
    "reporting_written": 7,
    "reporting_late_facts": 7,
}
"""Days each per-session MongoDB collection keeps a document (None: never deleted).
Stored context is modelled apart (its share of sessions is an assumption)."""

WORKER_EVENTS_PER_S = {"ingest": 1656, "queue": 1254, "context": 928, "reporting": 1073}
"""One replica's events/s, the lowest of four measured runs of reporting_at_volume.py
(README, "How fast, how big": all four workers on the shared 2-core box, load average 4-9,
FerretDB v1 on PostgreSQL): lower bounds, not capacities."""


@dataclass(frozen=True)
class Assumptions:
    tasks_per_agent_day: float = 60.0
    """Contacts offered to one agent a day (tasks: an offer that is declined and offered to
    another agent is two)."""
    day_hours: float = 8.0
    """The hours over which a day's contacts arrive."""
    peak_factor: float = 2.0
    """Busiest hour's rate ÷ the day's mean rate."""
    stored_context_share: float = 1.0
    """Share of sessions in services that store conversation context (1: every service)."""
    worker_load: float = 0.5
    """The share of its measured rate a replica is planned to run at (headroom)."""


@dataclass(frozen=True)
class UnitCosts:
    """Measured by sizing_day.py; bytes unless named otherwise."""

    events_per_session: float
    tasks_per_session: float
    stream_entries_per_task: float
    redis_per_history_task: float
    """Tasks hash, revisions hash and history set, per task, at the 1,000-task cap."""
    redis_per_stream_entry: float
    redis_facts_per_session: float
    redis_dedupe_per_event: float
    redis_live_per_live_task: float
    """Context's live keys and the queue's live set, per live task, half-way."""
    redis_other_per_session_day: float
    """Other keys a session leaves (context's ended marker, transcripts), bytes per
    session times their days to live: bytes held per session a day."""
    mongo_per_session: dict[str, float]
    """BSON bytes per session, per collection of KEPT_DAYS (the day's mix of services)."""
    mongo_context_per_stored_session: float
    """Stored context of one session in a service that stores it."""


@dataclass(frozen=True)
class Size:
    agents: int
    sessions_per_day: float
    events_per_day: float
    peak_events_per_s: float
    replicas: dict[str, int]
    redis_agents: float
    redis_facts: float
    redis_dedupe: float
    redis_live: float
    redis_other: float
    mongo_per_day: dict[str, float]
    """Bytes a day's sessions add, per collection (stored context included)."""
    mongo_kept: dict[str, float | None]
    """Bytes held in steady state, per collection; None: grows for ever."""

    @property
    def redis_total(self) -> float:
        parts = (self.redis_agents, self.redis_facts, self.redis_dedupe, self.redis_live)
        return sum(parts) + self.redis_other


def size_for(agents: int, costs: UnitCosts, assume: Assumptions) -> Size:
    tasks_per_day = agents * assume.tasks_per_agent_day
    sessions = tasks_per_day / costs.tasks_per_session
    events = sessions * costs.events_per_session
    peak = events / (assume.day_hours * 3600) * assume.peak_factor
    history = min(assume.tasks_per_agent_day * HISTORY_DAYS, HISTORY_CAP)
    # The stream expires only after 24 h without a change: an agent who works every day
    # reaches its cap within days (a day's worth is tasks x entries per task).
    stream = STREAM_CAP
    per_agent = history * costs.redis_per_history_task + stream * costs.redis_per_stream_entry
    per_day = {name: sessions * bytes_ for name, bytes_ in costs.mongo_per_session.items()}
    per_day["stored_context"] = (
        sessions * assume.stored_context_share * costs.mongo_context_per_stored_session
    )
    kept_days = KEPT_DAYS | {"stored_context": CONTEXT_DAYS}
    kept: dict[str, float | None] = {}
    for name, grown in per_day.items():
        days = kept_days.get(name)
        kept[name] = None if days is None else grown * days
    return Size(
        agents=agents,
        sessions_per_day=sessions,
        events_per_day=events,
        peak_events_per_s=peak,
        replicas={
            worker: max(1, math.ceil(peak / (rate * assume.worker_load)))
            for worker, rate in WORKER_EVENTS_PER_S.items()
        },
        redis_agents=agents * per_agent,
        redis_facts=sessions * FACTS_DAYS * costs.redis_facts_per_session,
        redis_dedupe=events * DEDUPE_DAYS * costs.redis_dedupe_per_event,
        # At the busiest, every agent on a live task (an upper bound for voice).
        redis_live=agents * costs.redis_live_per_live_task,
        redis_other=sessions * costs.redis_other_per_session_day,
        mongo_per_day=per_day,
        mongo_kept=kept,
    )
