"""Assert that a parser's time grows linearly with its input, on a noisy shared machine.

A quadratic parser takes four times as long on twice the input; a linear one twice as long.
Comparing the input's maximum size with half of it, and allowing three times (not two),
tells the two apart while leaving room for noise; the best of a few runs takes out most of
the rest (another process stealing the core makes a run slower, never faster). The absolute
bound is the other half of the promise: linear but slow would still hold an event loop.
"""

import time
from collections.abc import Callable

__all__ = ["assert_linear", "best_seconds", "repeated_to"]

GROWTH_ALLOWED = 3.0
"""time(max) <= GROWTH_ALLOWED * time(max / 2): linear is 2, quadratic 4."""

NOISE_FLOOR_S = 0.002
"""Below this, timings are mostly clock and scheduler: too fast to show any growth."""


def repeated_to(pattern: str, length: int) -> str:
    """``pattern`` repeated and cut to exactly ``length`` characters."""
    return (pattern * (length // len(pattern) + 1))[:length]


def best_seconds(run: Callable[[], object], repetitions: int = 3) -> float:
    """The shortest of ``repetitions`` runs of ``run``, in seconds."""
    best = float("inf")
    for _ in range(repetitions):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def assert_linear(
    parse: Callable[[str], object],
    make_input: Callable[[int], str],
    max_size: int,
    *,
    within_s: float = 1.0,
    repetitions: int = 5,
    calls: int = 1,
    attempts: int = 3,
) -> tuple[float, float]:
    """``parse(make_input(max_size))`` takes at most ``within_s`` and at most
    :data:`GROWTH_ALLOWED` times ``parse(make_input(max_size // 2))``. Returns both times.

    ``calls``: parses per timing, for a parser so fast at its maximum that one parse is
    below :data:`NOISE_FLOOR_S` (the bound then applies to one parse). Half and full runs
    alternate, so a busy spell of the machine slows both; a failed comparison is measured
    again up to ``attempts`` times, since a quadratic parser fails every time and noise
    rarely strikes thrice."""
    half_input, full_input = make_input(max_size // 2), make_input(max_size)
    half = full = float("inf")
    for _ in range(attempts):
        for _ in range(repetitions):
            half = min(half, best_seconds(lambda: [parse(half_input) for _ in range(calls)], 1))
            full = min(full, best_seconds(lambda: [parse(full_input) for _ in range(calls)], 1))
        if full < within_s * calls and full <= GROWTH_ALLOWED * max(half, NOISE_FLOOR_S):
            return half, full
    assert full < within_s * calls, f"{full / calls:.4f} s for {max_size} characters"
    raise AssertionError(
        f"{half:.4f} s for {max_size // 2} characters but {full:.4f} s for {max_size}"
        f" ({calls} parses each): grows faster than the input"
    )
