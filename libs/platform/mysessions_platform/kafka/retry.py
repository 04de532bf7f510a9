"""Bounded retries with exponential backoff; by default only outages are retried."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from mysessions_platform.failures import Failure, classify

T = TypeVar("T")


def is_transient(error: BaseException) -> bool:
    """True for an outage (see ``mysessions_platform.failures``): worth retrying, since the
    message is not at fault."""
    return classify(error) is Failure.OUTAGE


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    first_delay_s: float = 0.05
    max_delay_s: float = 5.0

    def delay(self, attempt: int) -> float:
        return float(min(self.max_delay_s, self.first_delay_s * 2 ** (attempt - 1)))


async def with_retries(
    action: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    retry_if: Callable[[BaseException], bool] = is_transient,
    on_retry: Callable[[], None] | None = None,
) -> T:
    """Runs ``action`` until it succeeds or ``policy.attempts`` are spent; the last error
    propagates. Errors that ``retry_if`` rejects propagate at once. ``on_retry`` is told of
    each retry (a metric counts them)."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return await action()
        except Exception as error:
            if attempt == policy.attempts or not retry_if(error):
                raise
            if on_retry is not None:
                on_retry()
            await asyncio.sleep(policy.delay(attempt))
    raise AssertionError("unreachable: the loop returns or raises")
