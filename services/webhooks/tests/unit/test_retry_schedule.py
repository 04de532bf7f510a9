"""The retry schedule: exponential-ish, about three days in all, then a dead letter."""

import itertools

import pytest
from webhooks_service.domain.schedule import DEFAULT_DELAYS_S, HOUR, RetrySchedule

pytestmark = pytest.mark.unit


def test_the_default_schedule_spans_about_three_days() -> None:
    schedule = RetrySchedule()
    assert 70 * HOUR <= schedule.total_s() <= 80 * HOUR
    assert schedule.attempts == len(DEFAULT_DELAYS_S) + 1 == 10


def test_each_pause_is_at_least_the_one_before() -> None:
    delays = RetrySchedule().delays_s
    assert all(later >= earlier for earlier, later in itertools.pairwise(delays))
    assert delays[0] <= 10  # a blip is retried within seconds


def test_after_the_nth_failure_comes_the_nth_delay_then_the_dead_letter() -> None:
    schedule = RetrySchedule((1.0, 2.0, 4.0))
    assert [schedule.next_delay(n) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, None, None]


def test_a_delay_follows_only_a_failed_attempt() -> None:
    with pytest.raises(ValueError, match="failed attempt"):
        RetrySchedule().next_delay(0)


def test_a_schedule_refuses_a_pause_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RetrySchedule((1.0, 0.0))
