"""My Sessions with a full history in Debian's Chromium: how long the first list takes to
show, and how long one live change takes to reach the screen. Prints figures; not a test.

    UV_PYTHON_DOWNLOADS=never uv run python benchmarks/page_render.py [--entries N] [--loads N]
        [--updates N]

Runs the page's e2e wiring (tests/e2e/world.py: ingest, queue, a real gateway, on unique
topics, key prefix and database, all removed afterwards) on the servers the environment
names (the local ones otherwise). The figures are the page's own ``performance.measure``
entries (see app.js):

- first frame: navigation start to the first frame after the list is in the document
  (the token hand-over, GET /me, GET /tasks?limit=1000, building the rows, layout, paint);
- render: building the 1,000 rows (script only);
- update: applying one ``task`` event (script only), and update to frame: until the frame
  that shows it;
- event to screen: publishing an incoming call to Kafka (ingest, queue, SSE) until the
  row is on the page, measured by this script.
"""

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the e2e wiring

from e2e.browser import chromium
from e2e.calls import LiveCall
from e2e.history_seed import every_timing, seed_history
from e2e.world import my_sessions_world
from mysessions_platform.testing.kafka_topics import kafka_topics
from mysessions_platform.testing.mongo_databases import mongo_databases
from mysessions_platform.testing.redis_keys import redis_keys
from mysessions_platform.testing.servers import session_servers


def figures(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"{name:<22} n={len(values):<3} p50 {statistics.median(values):8.1f} ms   "
        f"p95 {p95:8.1f} ms   max {max(values):8.1f} ms"
    )


async def run(entries: int, loads: int, updates: int) -> None:
    measured: dict[str, list[float]] = {}
    async with (
        session_servers() as servers,
        kafka_topics(servers.kafka_bootstrap_servers) as topics,
        redis_keys(servers.redis_url) as keys,
        mongo_databases(servers.mongodb_url) as databases,
        my_sessions_world(servers, topics, keys, databases) as world,
    ):
        started = time.monotonic()
        await seed_history(world, entries)
        print(f"seeded {entries} ended tasks in {time.monotonic() - started:.1f} s")
        with tempfile.TemporaryDirectory() as profile:
            async with chromium(Path(profile)) as browser:
                for _ in range(loads):
                    page = await world.open_page(browser)
                    await page.wait_for_selector("#live-status[data-state='live']")
                    await page.wait_for_timeout(300)
                    for name, values in (await every_timing(page)).items():
                        measured.setdefault(name, []).extend(values)
                    await page.close()
                page = await world.open_page(browser)
                await page.wait_for_selector("#live-status[data-state='live']")
                for n in range(updates):
                    call = LiveCall(f"s-bench-{n}")
                    sent = time.monotonic()
                    await world.raw.send_all(call.arrives())
                    await page.wait_for_selector(f'li.task[data-id="{call.user_session_id}"]')
                    measured.setdefault("event to screen", []).append(
                        (time.monotonic() - sent) * 1000
                    )
                await page.wait_for_timeout(300)
                shown = await every_timing(page)
                rows = await page.locator("li.task").count()
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}")
    print(f"rows on the page at the end: {rows}")
    for name in ("first-frame", "render"):
        print(figures(name, measured[name]))
    for name in ("update", "update-frame"):
        print(figures(name, shown[name]))
    print(figures("event to screen", measured["event to screen"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--updates", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.entries, args.loads, args.updates))


if __name__ == "__main__":
    main()
