"""The CRM's circuit breaker and answer cache on a fake clock."""

import pytest
from context_service.adapters.answer_cache import AnswerCache
from context_service.adapters.circuit_breaker import CircuitBreaker

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def opened(clock: Clock, threshold: int = 3, cool_down_s: float = 30) -> CircuitBreaker:
    breaker = CircuitBreaker(threshold, cool_down_s, clock)
    for _ in range(threshold):
        assert breaker.allow()
        breaker.record_failure()
    return breaker


def test_it_opens_after_n_consecutive_failures_not_before() -> None:
    breaker = CircuitBreaker(3, 30, Clock())
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.allow()
    breaker.record_failure()
    assert not breaker.allow()
    assert breaker.state == "open"


def test_a_success_resets_the_count() -> None:
    breaker = CircuitBreaker(3, 30, Clock())
    for _ in range(2):
        breaker.record_failure()
    breaker.record_success()
    for _ in range(2):
        breaker.record_failure()
    assert breaker.state == "closed"


def test_it_refuses_during_the_cool_down() -> None:
    clock = Clock()
    breaker = opened(clock)
    clock.now += 29.9
    assert not breaker.allow()


def test_after_the_cool_down_one_probe_goes_and_a_success_closes_it() -> None:
    clock = Clock()
    breaker = opened(clock)
    clock.now += 30
    assert breaker.allow()
    assert not breaker.allow(), "only one probe at a time"
    breaker.record_success()
    assert breaker.state == "closed"
    assert breaker.allow()


def test_a_failed_probe_opens_it_for_another_cool_down() -> None:
    clock = Clock()
    breaker = opened(clock)
    clock.now += 30
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state == "open"
    clock.now += 29
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()


def test_an_abandoned_probe_lets_the_next_caller_probe() -> None:
    clock = Clock()
    breaker = opened(clock)
    clock.now += 30
    assert breaker.allow()
    breaker.release()
    assert breaker.allow()


def test_cached_answers_expire() -> None:
    clock = Clock()
    cache: AnswerCache[str, str | None] = AnswerCache(60, 10, clock)
    cache.put("known", "Jane")
    cache.put("unknown", None)
    assert cache.get("known") == (True, "Jane")
    assert cache.get("unknown") == (True, None), "a negative answer is an answer"
    clock.now += 60
    assert cache.get("known") == (False, None)
    assert len(cache) == 1


def test_the_cache_is_bounded_oldest_dropped_first() -> None:
    cache: AnswerCache[int, int] = AnswerCache(60, 3, Clock())
    for key in range(5):
        cache.put(key, key)
    assert len(cache) == 3
    assert cache.get(0) == (False, None)
    assert cache.get(4) == (True, 4)
