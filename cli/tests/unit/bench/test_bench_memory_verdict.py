"""The memory benchmark's verdict: growth is judged on the run's second half against its
first half's peak, so start-up growth is not a leak and steady growth past 10 % is."""

import pytest
from mysessions.bench.memory import Memory
from mysessions.bench.pipeline import PipelineRun, Replica
from mysessions_platform.worker_process import WorkerProcess

pytestmark = pytest.mark.unit

MIB = 1024 * 1024


def run_with(series: list[int]) -> Memory:
    replica = Replica("queue", WorkerProcess("queue_service", {}, log_file=None), 0)  # type: ignore[arg-type]
    replica.rss = [(float(t), b * MIB) for t, b in enumerate(series)]
    run = PipelineRun([replica], {"queue": 0}, 0, 10.0, True)
    return Memory(len(series), run)


def test_start_up_growth_then_a_plateau_is_flat() -> None:
    verdict = run_with([40, 80, 95, 100, 100, 101, 100, 102]).of("queue")
    assert verdict["flat"] is True
    assert verdict["first_half_peak_bytes"] == 100 * MIB


def test_steady_growth_is_not_flat() -> None:
    verdict = run_with([100, 110, 120, 130, 140, 150, 160, 170]).of("queue")
    assert verdict["flat"] is False
    assert verdict["growth"] == pytest.approx((170 - 130) / 130)


def test_too_few_samples_give_no_verdict() -> None:
    assert "flat" not in run_with([100, 100]).of("queue")
