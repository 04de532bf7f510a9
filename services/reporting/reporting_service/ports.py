"""What the reporting step needs of the world, as ``Protocol``s: the composition root
(``entrypoints.app``) hands it the MongoDB ``FactsStore``, unit tests an in-memory fake."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from reporting_service.adapters.facts_store import Fact, SessionKey

__all__ = ["Fact", "PendingFacts", "SessionKey"]


class PendingFacts(Protocol):
    """The facts of sessions whose records are not written yet, and when each session was
    last heard of (``adapters.facts_store.FactsStore``)."""

    async def add(self, facts: Sequence[tuple[str, str, Fact]]) -> None:
        """Stores (tenant, session, fact)s; a fact stored already is a no-op, and a task is
        read as its highest revision whatever order its revisions come in."""
        ...

    async def touch(
        self, keys: Sequence[SessionKey], now: datetime, settle_until: datetime
    ) -> None:
        """Each session was heard of ``now``: judged again at ``settle_until``."""
        ...
