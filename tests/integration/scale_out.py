"""Three processes of one worker in one consumer group on six partitions, one stopped with
SIGTERM and one killed with SIGKILL mid-stream, beside a single process of the same worker
in a group of its own reading the same input: what ``test_*_scale_out.py`` compare.

Built on ``graceful_stop`` (health, counters, the stop grace). The survivor takes over the
partitions of the other two after the group rebalances: at once for the one stopped (it
leaves the group), after the consumer's session timeout (10 s) for the one killed.
"""

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from contracts import SessionEvent
from mysessions.events_out import event_sender
from mysessions_platform.testing.kafka_reading import wait_for
from mysessions_platform.testing.ports import free_port
from mysessions_platform.worker_process import WorkerProcess
from prometheus_client.parser import text_string_to_metric_families

from .graceful_stop import GRACE_S, Check, ready, sample

PARTITIONS = 6
"""Of every topic the workers read: two for each of the three."""
MAX_BATCH = 50
"""Small batches: many of them while the faults happen, and a worker killed mid-batch
leaves at most this many records of a subscription to be read again."""

Send = Callable[[], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Faults:
    terminated_exit_code: int
    terminated_took_s: float


async def in_flight(health: httpx.AsyncClient) -> bool:
    """A batch read and not yet done (so not committed): its records are counted as
    consumed at once, as processed or dead-lettered only once its effects are done."""
    totals: defaultdict[str, float] = defaultdict(float)
    for family in text_string_to_metric_families((await health.get("/metrics")).text):
        for found in family.samples:
            totals[found.name] += found.value
    done = totals["mysessions_events_processed_total"] + totals["mysessions_dead_letters_total"]
    return totals["mysessions_events_consumed_total"] > done


class ScaledGroup:
    """``worker`` (``queue``…) three times in the group ``scaled_env`` names, and once alone
    as ``single_env`` says; both environments name every topic, group and store."""

    def __init__(
        self,
        worker: str,
        scaled_env: Mapping[str, str],
        single_env: Mapping[str, str],
        logs: Path,
    ) -> None:
        prefix, module = f"{worker.upper()}_", f"{worker}_service"
        common = {
            f"{prefix}PARTITIONS": str(PARTITIONS),
            f"{prefix}MAX_BATCH": str(MAX_BATCH),
            f"{prefix}STOP_GRACE_S": str(GRACE_S),
            "LOG_LEVEL": "WARNING",
        }
        self.ports = [free_port() for _ in range(3)]
        self.members = [
            WorkerProcess(
                module,
                {**common, **scaled_env, f"{prefix}HEALTH_PORT": str(port)},
                logs / f"{worker}-scaled-{n}.log",
            )
            for n, port in enumerate(self.ports)
        ]
        self.single = WorkerProcess(module, {**common, **single_env}, logs / f"{worker}-1.log")
        self.survivor = 2

    async def start(self) -> None:
        """All four processes, and the three of the group ready (each assigned)."""
        await self.single.start()
        for member in self.members:
            await member.start()
        for port in self.ports:
            await ready(port)

    def member_of(self, pid: int) -> int:
        """Which of the three (0, 1, 2) the process ``pid`` is."""
        pids = [m.process.pid if m.process else None for m in self.members]
        return pids.index(pid)

    async def faults_mid_stream(self, stream: Send, behind: Check, kill: int = 1) -> Faults:
        """Runs ``stream`` (what the workers read, sent in bursts; maybe nothing when the
        backlog was sent before); once each of the three processed records, SIGTERM to one
        and SIGKILL to the member ``kill``, each while it has a batch under way and more
        input is coming or waiting (``behind``); returns when the stream was sent."""
        terminate = min({0, 1, 2} - {kill})
        self.survivor = ({0, 1, 2} - {kill, terminate}).pop()
        streaming = asyncio.create_task(stream())
        try:

            async def all_working() -> bool:
                counts = [await sample(p, "mysessions_events_processed_total") for p in self.ports]
                return all(count > 0 for count in counts)

            await wait_for(all_working, 90, "each of the three workers to process records")

            async def mid_stream() -> bool:
                return not streaming.done() or await behind()

            await self._mid_batch(terminate, mid_stream)
            began = time.monotonic()
            code = await self.members[terminate].terminate(GRACE_S + 20)
            took = time.monotonic() - began
            assert "batch cut short" not in self.members[terminate].log_file.read_text()
            await self._mid_batch(kill, mid_stream)
            await self.members[kill].kill()
            await streaming
        finally:
            streaming.cancel()
        return Faults(code, took)

    async def _mid_batch(self, member: int, mid_stream: Check) -> None:
        """Returns as soon as ``member`` is seen with a batch under way (one scrape of its
        figures takes milliseconds; a batch of ingest takes tens)."""
        deadline = time.monotonic() + 30
        base_url = f"http://127.0.0.1:{self.ports[member]}"
        async with httpx.AsyncClient(base_url=base_url, timeout=5) as health:
            while not await in_flight(health):
                assert await mid_stream(), f"the stream ended before worker {member} was hit"
                assert time.monotonic() < deadline, f"worker {member} had no batch under way"

    def survivor_running(self) -> bool:
        process = self.members[self.survivor].process
        return process is not None and process.returncode is None

    def logs(self) -> str:
        """The end of each log, for a failed assertion's message."""
        return "\n".join(
            f"--- {m.log_file.name}\n{m.log_file.read_text()[-1500:]}"
            for m in (*self.members, self.single)
        )

    async def stop(self) -> None:
        for member in (*self.members, self.single):
            await member.stop()


async def send_in_bursts(
    bootstrap_servers: str,
    topic: str,
    events: Sequence[SessionEvent],
    bursts: int = 24,
    every_s: float = 0.5,
) -> None:
    """The events in ``bursts`` parts, one every ``every_s``: a stream that lasts while the
    faults happen, each burst keeping the workers busy for a moment."""
    size = -(-len(events) // bursts)
    async with event_sender(bootstrap_servers, topic) as sender:
        for start in range(0, len(events), size):
            await sender.send_all(events[start : start + size])
            await asyncio.sleep(every_s)
