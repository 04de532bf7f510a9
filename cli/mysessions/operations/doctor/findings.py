"""What the doctor found: one finding per thing it looked at, in plain words."""

import asyncio
from collections.abc import Awaitable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from mysessions_platform.failures import describe

__all__ = ["Finding", "Status", "bounded", "is_healthy"]


class Status(StrEnum):
    OK = "ok"
    NOTE = "note"
    """Worth knowing; nothing to fix."""
    PROBLEM = "problem"
    """Something to fix: the doctor exits 1."""


@dataclass(frozen=True)
class Finding:
    area: str
    """``kafka``, ``topics``, ``groups``, ``redis``, ``mongodb``, ``settings``."""
    subject: str
    status: Status
    saw: str
    """What was seen, as a sentence."""
    todo: str = ""
    """What to do about it (problems and some notes)."""

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.value}


def is_healthy(findings: list[Finding]) -> bool:
    return all(finding.status is not Status.PROBLEM for finding in findings)


async def bounded(
    area: str, subject: str, check: Awaitable[list[Finding]], seconds: float, todo: str
) -> list[Finding]:
    """The check's findings, or one problem if it fails or takes longer than ``seconds``:
    a server away must give an answer, not a hang."""
    try:
        async with asyncio.timeout(seconds):
            return await check
    except TimeoutError:
        saw = f"no answer within {seconds:g} s"
    except Exception as error:
        saw = f"unreachable or refusing: {describe(error)}"
    return [Finding(area, subject, Status.PROBLEM, saw, todo)]
