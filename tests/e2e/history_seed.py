"""Seeding a full history (1,000 ended tasks) straight into the queue's topic."""

from datetime import UTC, datetime, timedelta

import contracts as c
from integration.scenario import AGENT

from .calls import ended_call
from .world import World


async def seed_history(world: World, count: int = 1000) -> list[str]:
    """``count`` ended calls, one a minute back from an hour ago; their task ids."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    events: list[c.SessionEvent] = []
    ids = []
    for n in range(count):
        session_id = f"s-h{n:04d}"
        events += ended_call(session_id, start - timedelta(minutes=n))
        ids.append(f"{session_id}:1:{AGENT}")
    await world.sessions.send_all(events)
    await world.listed([ids[0], ids[-1]], timeout_s=120)
    return ids


async def timings(page: object) -> dict[str, float]:
    """The page's own measures (performance.measure), in milliseconds, by name."""
    measured: dict[str, float] = await page.evaluate(  # type: ignore[attr-defined]
        """() => Object.fromEntries(performance.getEntriesByType("measure")
            .filter((m) => m.name.startsWith("mysessions:"))
            .map((m) => [m.name.slice(11), m.duration]))"""
    )
    return measured


async def every_timing(page: object) -> dict[str, list[float]]:
    """Every one of the page's measures, in milliseconds, by name, in order."""
    measured: dict[str, list[float]] = await page.evaluate(  # type: ignore[attr-defined]
        """() => {
            const found = {};
            for (const m of performance.getEntriesByType("measure")) {
                if (!m.name.startsWith("mysessions:")) continue;
                (found[m.name.slice(11)] ??= []).push(m.duration);
            }
            return found;
        }"""
    )
    return measured
