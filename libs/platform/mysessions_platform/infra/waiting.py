"""Retry a readiness probe until it succeeds, the deadline passes or the process dies."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from .errors import ServerNotReady

__all__ = ["log_tail", "wait_until_ready"]

_INTERVAL_SECONDS = 0.5
# A daemonizing server (redis) writes its pid file a moment after the launcher exits, so one
# "not running" look is not proof of death; this many in a row are.
_DEAD_LOOKS = 4


def log_tail(log_file: Path, lines: int = 15) -> str:
    try:
        text = log_file.read_text(errors="replace")
    except OSError:
        return "(no log yet)"
    return "\n".join(text.strip().splitlines()[-lines:])


def _not_ready(name: str, reason: str, log_file: Path | None) -> ServerNotReady:
    if log_file is None:
        return ServerNotReady(f"{name} {reason}")
    return ServerNotReady(f"{name} {reason}; its log is {log_file}:\n{log_tail(log_file)}")


async def wait_until_ready(
    name: str,
    probe: Callable[[], Awaitable[None]],
    *,
    give_up_after: float,
    log_file: Path | None = None,
    is_running: Callable[[], bool] | None = None,
) -> None:
    """Return once ``probe`` succeeds; raise ServerNotReady naming ``name`` and its log."""
    deadline = time.monotonic() + give_up_after
    dead_looks = 0
    last_error = "no attempt made"
    while True:
        try:
            async with asyncio.timeout(max(1.0, deadline - time.monotonic())):
                await probe()
        except TimeoutError:
            pass  # our own deadline cut the attempt short; the earlier reason says more
        except Exception as error:  # any failure means "not yet"; the last one is reported
            last_error = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        else:
            return
        if is_running is not None:
            dead_looks = 0 if is_running() else dead_looks + 1
            if dead_looks >= _DEAD_LOOKS:
                raise _not_ready(name, f"exited before answering ({last_error})", log_file)
        if time.monotonic() >= deadline:
            raise _not_ready(
                name, f"did not answer within {give_up_after:.0f} s ({last_error})", log_file
            )
        await asyncio.sleep(_INTERVAL_SECONDS)
