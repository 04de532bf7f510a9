"""The outbox loop survives failed rounds and ends only when cancelled."""

import asyncio
import contextlib

import pytest
from mysessions_platform.outbox import run_rounds

pytestmark = pytest.mark.unit


async def test_a_failed_round_is_retried_and_only_cancel_stops_it() -> None:
    rounds: list[int] = []
    third = asyncio.Event()

    async def round_() -> int:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise ConnectionError("broker away")
        if len(rounds) == 3:
            third.set()
        return 1

    loop = asyncio.create_task(run_rounds(round_, 0.001, "test outbox"))
    await asyncio.wait_for(third.wait(), 2)
    assert not loop.done()
    loop.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await loop
    assert loop.cancelled()
