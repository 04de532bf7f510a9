"""What to simulate: the contact center's size, its load, and how people in it behave.

Every probability has a default a contact-center operator would recognise; tests and the
CLI override only what they need.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

DEFAULT_START: Final = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
"""A Monday morning: the simulated clock's origin unless the caller passes one."""
_TENANT_PREFIX: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}")


def _check_probability(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} is a probability in [0, 1], got {value}")


def _check_shares(owner: str, shares: dict[str, float], *, total: float | None = 1.0) -> None:
    for name, value in shares.items():
        _check_probability(f"{owner}.{name}", value)
    summed = sum(shares.values())
    if total is None and summed > 1.0 + 1e-9:
        raise ValueError(f"{owner} shares add up to {summed}, more than 1")
    if total is not None and abs(summed - total) > 1e-9:
        raise ValueError(f"{owner} shares add up to {summed}, not {total}")


def _check_positive(owner: str, values: dict[str, float]) -> None:
    for name, value in values.items():
        if not value > 0:
            raise ValueError(f"{owner}.{name} must be positive, got {value}")


@dataclass(frozen=True)
class Mix:
    """Share of new sessions of each kind; inbound voice calls take the rest."""

    outbound: float = 0.20
    email: float = 0.10
    chat: float = 0.15

    def __post_init__(self) -> None:
        _check_shares(
            "mix", {"outbound": self.outbound, "email": self.email, "chat": self.chat}, total=None
        )

    @property
    def inbound_voice(self) -> float:
        return max(0.0, 1.0 - self.outbound - self.email - self.chat)


@dataclass(frozen=True)
class AgentBehaviour:
    """How an agent answers an offer, and how long they are away afterwards."""

    accept: float = 0.82
    decline: float = 0.08
    rona: float = 0.10
    answer_delay_s: tuple[float, float] = (2.0, 8.0)
    """Uniform range of the time to accept or decline."""
    ring_timeout_s: float = 20.0
    """An unanswered offer returns to the queue (RONA) after this long."""
    not_ready_after_rona_s: float = 30.0
    wrap_up_s: float = 10.0

    def __post_init__(self) -> None:
        _check_shares("agent", {"accept": self.accept, "decline": self.decline, "rona": self.rona})
        if self.accept == 0:
            raise ValueError("agent.accept must be above 0, or no session is ever answered")
        low, high = self.answer_delay_s
        if not 0 < low <= high < self.ring_timeout_s:
            raise ValueError(
                "agent.answer_delay_s is (low, high) with 0 < low <= high < ring timeout"
            )
        _check_positive(
            "agent",
            {"wrap_up_s": self.wrap_up_s, "not_ready_after_rona_s": self.not_ready_after_rona_s},
        )


@dataclass(frozen=True)
class CallerBehaviour:
    abandon: float = 0.30
    """Share of callers and chat visitors who give up if nobody answers within their patience."""
    mean_patience_s: float = 45.0
    anonymous: float = 0.10
    """Share of callers who withhold their number."""
    hangs_up: float = 0.60
    """Share of connected calls and chats the customer ends; the agent ends the rest."""

    def __post_init__(self) -> None:
        for name in ("abandon", "anonymous", "hangs_up"):
            _check_probability(f"caller.{name}", getattr(self, name))
        _check_positive("caller", {"mean_patience_s": self.mean_patience_s})


@dataclass(frozen=True)
class RoutingBehaviour:
    ring_all: float = 0.30
    """Share of services that ring two free agents at once; the slower one is rescinded."""
    transfer: float = 0.15
    """Chance that a connected voice call is transferred to another service of the tenant."""
    max_transfers: int = 2
    """A -> B -> C at most."""
    max_queue_s: float = 300.0
    """The system ends a session nobody answered within this long."""

    def __post_init__(self) -> None:
        _check_probability("routing.ring_all", self.ring_all)
        _check_probability("routing.transfer", self.transfer)
        if self.max_transfers < 0:
            raise ValueError("routing.max_transfers must not be negative")
        _check_positive("routing", {"max_queue_s": self.max_queue_s})


@dataclass(frozen=True)
class Handling:
    """How long connected sessions last and what they carry."""

    mean_talk_s: float = 120.0
    mean_chat_s: float = 240.0
    mean_email_s: float = 180.0
    max_handling_s: float = 900.0
    """Handling times are exponential, capped here so every session ends in bounded time."""
    caption_interval_s: float = 10.0
    """Mean gap between live transcript segments of a connected voice call."""
    ivr_parameters: float = 0.70
    """Chance that custom parameters (ticket id, account tier...) arrive before queueing."""
    agent_parameters: float = 0.40
    """Chance that the agent's tools update custom parameters once connected."""

    def __post_init__(self) -> None:
        _check_probability("handling.ivr_parameters", self.ivr_parameters)
        _check_probability("handling.agent_parameters", self.agent_parameters)
        _check_positive(
            "handling",
            {
                "mean_talk_s": self.mean_talk_s,
                "mean_chat_s": self.mean_chat_s,
                "mean_email_s": self.mean_email_s,
                "max_handling_s": self.max_handling_s,
                "caption_interval_s": self.caption_interval_s,
            },
        )


@dataclass(frozen=True)
class OutboundOutcomes:
    """How the calls agents place end; shares add up to 1."""

    destination_accepted: float = 0.55
    destination_declined: float = 0.10
    destination_not_reached: float = 0.12
    user_aborted: float = 0.09
    busy: float = 0.04
    offline: float = 0.04
    timeout: float = 0.03
    error: float = 0.03

    def __post_init__(self) -> None:
        _check_shares("outbound", self.shares())

    def shares(self) -> dict[str, float]:
        return {
            "destination_accepted": self.destination_accepted,
            "destination_declined": self.destination_declined,
            "destination_not_reached": self.destination_not_reached,
            "user_aborted": self.user_aborted,
            "busy": self.busy,
            "offline": self.offline,
            "timeout": self.timeout,
            "error": self.error,
        }


@dataclass(frozen=True)
class SimulationConfig:
    """One simulated run. ``services_per_tenant`` and ``agents_per_tenant`` apply to each tenant;
    ``rate`` is the target of events per second over all tenants."""

    tenants: int = 1
    services_per_tenant: int = 3
    agents_per_tenant: int = 10
    rate: float = 10.0
    duration_s: float = 600.0
    seed: int = 0
    start: datetime = DEFAULT_START
    tenant_prefix: str = "tenant"
    """Tenant ids are ``<prefix>-1``, ``<prefix>-2``…; the demo uses a fresh prefix per run."""
    mix: Mix = field(default_factory=Mix)
    agent: AgentBehaviour = field(default_factory=AgentBehaviour)
    caller: CallerBehaviour = field(default_factory=CallerBehaviour)
    routing: RoutingBehaviour = field(default_factory=RoutingBehaviour)
    handling: Handling = field(default_factory=Handling)
    outbound: OutboundOutcomes = field(default_factory=OutboundOutcomes)

    def __post_init__(self) -> None:
        for name in ("tenants", "services_per_tenant", "agents_per_tenant"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        _check_positive("config", {"rate": self.rate, "duration_s": self.duration_s})
        if self.start.utcoffset() != timedelta(0):
            raise ValueError("start must be an aware UTC datetime")
        if not _TENANT_PREFIX.fullmatch(self.tenant_prefix):
            raise ValueError(f"tenant_prefix must match {_TENANT_PREFIX.pattern}")

    @property
    def tenant_ids(self) -> tuple[str, ...]:
        return tuple(f"{self.tenant_prefix}-{number}" for number in range(1, self.tenants + 1))

    @property
    def run_tag(self) -> str:
        """Part of every id, so runs with another seed or start never collide downstream."""
        return f"{self.seed}-{self.start:%Y%m%dT%H%M%S}"
