"""What a benchmark feeds the pipeline: the simulator's events with the demo's service
settings (codes and tags everywhere, one service storing context, one transcribing, one
taking e-mail and chat), and each handled task's after-call work saved the way the page's
save publishes it, so every worker and every reporting path has its share of the work."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, uuid5

import contracts as c
from contracts.acw import AfterCallWorkSubmitted, CodeRef
from contracts.task_rules import HANDLED_ATTEMPT_OUTCOMES

from mysessions.commands.simulate import make_config
from mysessions.simulation import SimulationStats, plan, simulate
from mysessions.simulation.config import SimulationConfig

SERVICES, RATE = 3, 200.0
SAVED_AFTER = timedelta(seconds=20)
"""When the agent saves their codes and tags, after the task's end."""
RESOLVED = CodeRef(id="resolved", label="Resolved")


@dataclass(frozen=True)
class Workload:
    config: SimulationConfig
    events: Sequence[c.SessionEvent]
    saves: Sequence[AfterCallWorkSubmitted]
    """One save per accepted task, as the gateway publishes it on the after-call-work topic."""

    @property
    def tenant_ids(self) -> tuple[str, ...]:
        return tuple(self.config.tenant_ids)

    @property
    def sessions(self) -> int:
        return len({event.session_id for event in self.events})


def build(events: int, seed: int, prefix: str, tenants: int = 2) -> Workload:
    """About ``events`` simulated events (sessions started in the run go to their end, so a
    few more), placed in the recent past, of ``tenants`` tenants named after ``prefix``."""
    duration = events / RATE
    simulated: list[c.SessionEvent] = []
    for _ in range(2):  # the second run corrects the first's guess of events per second
        config = make_config(tenants, SERVICES, 10, RATE, duration, seed, True, prefix)
        agents = max(10, plan(config).agents_needed_per_tenant)
        config = make_config(tenants, SERVICES, agents, RATE, duration, seed, True, prefix)
        simulated = list(simulate(config, SimulationStats()))
        duration *= events / max(len(simulated), 1)
    return Workload(config, simulated, tuple(saves_of(simulated)))


HANDLED_TYPES = frozenset(
    {"task.accepted"} | {f"outbound.{outcome}" for outcome in HANDLED_ATTEMPT_OUTCOMES}
)
"""Events after which after-call work is due (``contracts.task_rules.handled``)."""


@dataclass
class _Task:
    service_id: str
    first: c.SessionEvent
    handled: bool = False
    last_at: datetime | None = None


def saves_of(events: Sequence[c.SessionEvent]) -> list[AfterCallWorkSubmitted]:
    """Each handled task's after-call work, saved by its agent after the task ended."""
    tasks: dict[tuple[str, str], _Task] = {}
    for event in events:
        user_session_id = getattr(event, "user_session_id", None)
        if user_session_id is None:
            continue
        key = (event.tenant_id, user_session_id)
        if isinstance(event, c.TaskOffered | c.OutboundDialing):
            tasks.setdefault(key, _Task(event.service_id, event))
        task = tasks.get(key)
        if task is None:
            continue
        task.handled = task.handled or event.type in HANDLED_TYPES
        task.last_at = max(task.last_at or event.occurred_at, event.occurred_at)
    return [
        _save(tenant_id, user_session_id, task)
        for (tenant_id, user_session_id), task in tasks.items()
        if task.handled and task.last_at is not None
    ]


def _save(tenant_id: str, user_session_id: str, task: _Task) -> AfterCallWorkSubmitted:
    first = task.first
    user_id: str = getattr(first, "user_id")  # noqa: B009  (both kinds carry it)
    assert task.last_at is not None
    return AfterCallWorkSubmitted(
        event_id=uuid5(NAMESPACE_URL, f"bench-acw:{tenant_id}:{user_session_id}"),
        tenant_id=tenant_id,
        session_id=first.session_id,
        occurred_at=task.last_at + SAVED_AFTER,
        user_session_id=user_session_id,
        user_id=user_id,
        service_id=task.service_id,
        service_session_id=getattr(first, "service_session_id", None),
        primary_code=RESOLVED,
        tags=("bench",),
        concluded_by="user",
        saved_by=user_id,
    )
