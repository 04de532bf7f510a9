"""The watchdog's loop: a failed sweep is counted and retried, and only the lease holder
sweeps (that a loop which ends anyway stops the worker is the worker shell's, tested in
``libs/platform/tests/unit/test_worker_shell.py``)."""

import asyncio
from datetime import timedelta

import pytest
from mysessions_platform.sweep_loop import backoff
from pydantic import ValidationError
from queue_service.adapters.activity import activity_of
from queue_service.settings import QueueSettings
from queue_service.watchdog import SweepLoop

pytestmark = pytest.mark.unit


class Lease:
    def __init__(self, held: bool = True) -> None:
        self.held = held

    async def hold(self) -> bool:
        return self.held


class FlakySweep:
    """Raises a non-transient error on its first call, then works."""

    def __init__(self) -> None:
        self.calls = 0
        self.done = asyncio.Event()

    async def __call__(self) -> int:
        self.calls += 1
        if self.calls == 1:
            raise ValueError("a bug, not an outage")
        if self.calls >= 3:
            self.done.set()
        return 1


async def test_a_sweep_that_raises_is_counted_and_the_loop_goes_on() -> None:
    sweep = FlakySweep()
    loop = SweepLoop(sweep, Lease(), interval_s=0.01)
    task = asyncio.create_task(loop.run())
    try:
        await asyncio.wait_for(sweep.done.wait(), timeout=5)
        assert not task.done()
        assert loop.counts.failures == 1
        assert sweep.calls >= 3
    finally:
        task.cancel()


async def test_only_the_lease_holder_sweeps() -> None:
    sweep = FlakySweep()
    sweep.calls = 1  # past its failure
    assert await SweepLoop(sweep, Lease(held=False), interval_s=1).tick() == 0
    assert sweep.calls == 1
    assert await SweepLoop(sweep, Lease(held=True), interval_s=1).tick() == 1


def test_backoff_doubles_per_failure_in_a_row_up_to_a_cap() -> None:
    assert backoff(60, 0, 600) == 60
    assert backoff(60, 1, 600) == 120
    assert backoff(60, 3, 600) == 480
    assert backoff(60, 50, 600) == 600


def test_activity_is_read_from_any_event_without_its_payload() -> None:
    raw = (
        b'{"type":"transcript.segment","event_id":"x","tenant_id":"acme","session_id":"s-1",'
        b'"occurred_at":"2026-11-21T10:00:00Z","text":"hello","lines":[1,2,3]}'
    )
    seen = activity_of(raw)
    assert seen is not None
    assert (seen.tenant_id, seen.session_id) == ("acme", "s-1")
    assert seen.occurred_at.isoformat() == "2026-11-21T10:00:00+00:00"
    assert activity_of(b'{"type":"transcript.segment"}') is None
    assert activity_of(b"not json") is None


def test_every_idle_limit_is_shorter_than_the_facts_live() -> None:
    QueueSettings(idle_after_s=3600, idle_after_media_s=72 * 3600, session_facts_days=7)
    assert QueueSettings().idle_after_media == timedelta(hours=72)
    with pytest.raises(ValidationError, match="idle_after_media_s"):
        QueueSettings(idle_after_media_s=8 * 86400, session_facts_days=7)
    with pytest.raises(ValidationError, match="idle_after_s"):
        QueueSettings(idle_after_s=86400, session_facts_days=1)
    with pytest.raises(ValidationError, match="braces"):
        QueueSettings(key_prefix="ms{x}")
