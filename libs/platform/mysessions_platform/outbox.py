"""The retry half of a once-only publish (the transactional-outbox pattern).

A writer that must publish a message exactly once from its user's view records it first
(insert-only, unique per business key, with the message's ``event_id``), then publishes,
then marks it published. A crash between leaves the record unmarked; a *round* finds
records left unmarked for a while and publishes them again with the same ``event_id``
(consumers dedupe by it). ``run_rounds`` drives such a round forever: after-call work
(``acw``) and the gateway's e-mail replies both use it.
"""

import asyncio
from collections.abc import Awaitable, Callable

import structlog

from mysessions_platform.failures import describe

__all__ = ["run_rounds"]

log = structlog.get_logger(__name__)


async def run_rounds(round_: Callable[[], Awaitable[int]], interval_s: float, what: str) -> None:
    """``round_`` every ``interval_s`` until cancelled; a failed round is logged (without
    values) and tried again next time: nothing is lost meanwhile, the records stay."""
    while True:
        try:
            await round_()
        except Exception as error:
            log.warning(f"{what} round failed", error=describe(error))
        await asyncio.sleep(interval_s)
