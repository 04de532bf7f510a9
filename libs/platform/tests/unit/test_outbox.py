"""The outbox loop survives failed rounds and ends only when stopped."""

import asyncio

import pytest
from mysessions_platform.outbox import outbox_loop

pytestmark = pytest.mark.unit


async def test_a_failed_round_is_retried_and_only_a_stop_ends_the_loop() -> None:
    rounds: list[int] = []
    third = asyncio.Event()

    async def round_() -> int:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise ConnectionError("broker away")
        if len(rounds) == 3:
            third.set()
        return 1

    outbox = outbox_loop(round_, 0.001, "test outbox")
    running = asyncio.create_task(outbox.run())
    await asyncio.wait_for(third.wait(), 2)
    assert not running.done()
    assert outbox.failures == 1
    outbox.stop()
    await asyncio.wait_for(running, 2)
    assert running.exception() is None
    assert outbox.done >= 2, "the rounds' results are summed"
