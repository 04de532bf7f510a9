"""Claim-then-confirm marks in memory: ingest's seen events (``ingest_service.dedupe``)."""

from collections.abc import Hashable, Sequence
from typing import Generic, Literal, TypeVar

from mysessions_platform.testing.fakes.outage import Outage

__all__ = ["InMemoryClaims"]

K = TypeVar("K", bound=Hashable)


class InMemoryClaims(Generic[K]):
    """``claim``: True for each key not confirmed yet, which is then pending; ``confirm``:
    the keys are done, and every later claim of them is False. A pending key is claimed
    again (the crash between a claim and its confirm must not lose the event). Expiry is
    left out: no step relies on it within a test's span."""

    def __init__(self) -> None:
        self.marks: dict[K, Literal["pending", "done"]] = {}
        self.outage = Outage()

    async def claim(self, keys: Sequence[K]) -> list[bool]:
        self.outage.check()
        claimed = [self.marks.get(key) != "done" for key in keys]
        for key, new in zip(keys, claimed, strict=True):
            if new:
                self.marks[key] = "pending"
        return claimed

    async def confirm(self, keys: Sequence[K]) -> None:
        self.outage.check()
        for key in keys:
            self.marks[key] = "done"
