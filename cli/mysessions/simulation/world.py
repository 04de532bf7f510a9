"""Everything the flows share during one run, passed explicitly instead of held globally."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from typing import TypedDict
from uuid import UUID

from contracts import SessionEvent

from mysessions.simulation.agents import AgentPool
from mysessions.simulation.config import SimulationConfig
from mysessions.simulation.ids import Ids
from mysessions.simulation.model import Call
from mysessions.simulation.scheduler import Scheduler
from mysessions.simulation.stats import SimulationStats


class Common(TypedDict):
    """The fields every session event carries."""

    event_id: UUID
    occurred_at: datetime
    tenant_id: str
    session_id: str


@dataclass
class World:
    config: SimulationConfig
    rng: Random
    clock: Scheduler
    ids: Ids
    agents: AgentPool
    stats: SimulationStats
    pending: list[SessionEvent]
    """Events of the action being run, in the order they happen."""

    def now(self) -> datetime:
        return self.config.start + timedelta(seconds=self.clock.now)

    def common(self, call: Call) -> Common:
        return Common(
            event_id=self.ids.event_id(),
            occurred_at=self.now(),
            tenant_id=call.tenant_id,
            session_id=call.session_id,
        )

    def emit(self, event: SessionEvent) -> None:
        self.pending.append(event)

    def offset_ms(self, call: Call) -> int:
        return round((self.clock.now - call.started_at) * 1000)
