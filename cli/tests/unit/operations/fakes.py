"""In-memory stand-ins for the redrive's ports: the record of redrives and Kafka."""

from collections.abc import Collection, Sequence
from datetime import datetime

from mysessions.operations.dead_letters.redrive import (
    Claim,
    Destination,
    Outgoing,
    Redriven,
)


class MemoryRecords:
    """Survives between runs as MongoDB does: a test passes the same one to both."""

    def __init__(self) -> None:
        self.docs: dict[str, Redriven] = {}
        self.events: list[str] = []
        self.fail_claim_at: int | None = None
        self.fail_confirm = False

    async def find(self, keys: Sequence[str]) -> dict[str, Redriven]:
        return {key: self.docs[key] for key in keys if key in self.docs}

    async def claim(self, claim: Claim) -> bool:
        if self.fail_claim_at is not None and len(self.docs) >= self.fail_claim_at:
            raise ConnectionError("mongodb away")
        if claim.key in self.docs:
            return False
        self.docs[claim.key] = Redriven(claim.key, "claimed", claim.at, claim.by, None)
        self.events.append(f"claim {claim.stored.id}")
        return True

    async def confirm(self, key: str, destination: Destination, at: datetime) -> None:
        if self.fail_confirm:
            raise ConnectionError("mongodb away")
        done = self.docs[key]
        self.docs[key] = Redriven(key, "sent", done.claimed_at, done.by, destination)


class MemoryKafka:
    def __init__(self, topics: Collection[str] = ("telephony.events.v1",)) -> None:
        self.topics = set(topics)
        self.sent: list[Outgoing] = []
        self.events: list[str] | None = None
        self.fail_from: int | None = None
        """The index (over every send) from which sends are not confirmed."""

    async def existing_topics(self, names: Collection[str]) -> set[str]:
        return self.topics & set(names)

    async def send_all(self, messages: Sequence[Outgoing]) -> list[Destination | Exception]:
        results: list[Destination | Exception] = []
        for message in messages:
            if self.fail_from is not None and len(self.sent) >= self.fail_from:
                results.append(TimeoutError("no acknowledgement"))
                continue
            self.sent.append(message)
            if self.events is not None:
                self.events.append(f"send {message.headers[0][1].decode()}")
            results.append(Destination(message.topic, 0, len(self.sent) - 1))
        return results
