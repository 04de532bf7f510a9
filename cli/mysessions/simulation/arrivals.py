"""New sessions: a Poisson process per service until the run's duration is over."""

from collections.abc import Iterable
from functools import partial

from mysessions.simulation.inbound import Inbound
from mysessions.simulation.outbound import Outbound
from mysessions.simulation.topology import Service
from mysessions.simulation.world import World


class Arrivals:
    def __init__(
        self, world: World, inbound: Inbound, outbound: Outbound, per_service_per_s: float
    ) -> None:
        self._world = world
        self._inbound = inbound
        self._outbound = outbound
        self._rate = per_service_per_s

    def start(self, services: Iterable[Service]) -> None:
        for service in services:
            self._schedule_next(service)

    def _schedule_next(self, service: Service) -> None:
        gap_s = self._world.rng.expovariate(self._rate)
        if self._world.clock.now + gap_s < self._world.config.duration_s:
            self._world.clock.after(gap_s, partial(self._arrive, service))

    def _arrive(self, service: Service) -> None:
        mix, draw = self._world.config.mix, self._world.rng.random()
        if draw < mix.outbound:
            self._outbound.place(service)
        elif draw < mix.outbound + mix.email:
            self._inbound.arrive(service, "email")
        elif draw < mix.outbound + mix.email + mix.chat:
            self._inbound.arrive(service, "chat")
        else:
            self._inbound.arrive(service, "voice")
        self._schedule_next(service)
