"""What the ingest step needs of the world, as ``Protocol``s: the composition root
(``entrypoints.app``) hands it the Redis and Kafka adapters, unit tests the in-memory fakes
of ``mysessions_platform.testing.fakes``."""

from collections.abc import Sequence
from typing import Protocol

from mysessions_platform.kafka.deadletter import Publisher

from ingest_service.keys import SeenKey

__all__ = ["Publisher", "SeenEvents"]


class SeenEvents(Protocol):
    """Which events were already republished (``dedupe.Deduplicator``).

    A claimed key stays claimable until confirmed, so a crash between the two loses no
    event; a confirmed one is never claimed again."""

    async def claim(self, keys: Sequence[SeenKey]) -> list[bool]:
        """True for each key not confirmed yet (now claimed), in the order given."""
        ...

    async def confirm(self, keys: Sequence[SeenKey]) -> None:
        """Marks the keys done: their events are on Kafka."""
        ...
