"""The mutable state of sessions in flight: the simulator's own, never published as is."""

from dataclasses import dataclass, field

from contracts import Direction, FinalTranscriptLine, Modality, Party

from mysessions.simulation.topology import Agent, Service


@dataclass(frozen=True)
class Transcribed:
    """The task whose call is being transcribed: where its captions and transcript belong."""

    service_session_id: str
    user_session_id: str
    service_id: str


@dataclass(eq=False)
class Call:
    """One session (a call, e-mail or chat), inbound or outbound, from start to end."""

    session_id: str
    tenant_id: str
    direction: Direction
    modality: Modality
    customer: Party
    started_at: float
    impatient: bool = False
    visits: int = 0
    transfers: int = 0
    visit: "Visit | None" = None
    parameters: dict[str, str] = field(default_factory=dict)
    transcript: list[FinalTranscriptLine] = field(default_factory=list)
    transcribed: Transcribed | None = None
    captions: int = 0
    ended: bool = False


@dataclass(eq=False)
class Offer:
    """One user session: the call offered to one agent."""

    user_session_id: str
    visit: "Visit"
    agent: Agent
    live: bool = True


@dataclass(eq=False)
class Visit:
    """One service session: the call's stay in one service's queue until answered or left."""

    service_session_id: str
    call: Call
    service: Service
    priority: int
    queued_at: float
    ringing: list[Offer] = field(default_factory=list)
    passed_by: set[str] = field(default_factory=set)
    """Agents who declined or let it ring; offered again only once every agent has."""
    offers: int = 0
    agent: Agent | None = None
    timed_out: bool = False

    @property
    def unanswered(self) -> bool:
        """Still waiting or ringing: the caller can give up and the queue can time out."""
        return not self.call.ended and self.call.visit is self and self.agent is None
