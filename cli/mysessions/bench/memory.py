"""``mysessions bench memory``: each worker's resident memory sampled over a long replay
(default 1,000,000 events) through the pipeline: flat or not. "Flat" is judged on the
second half of the run against its first half's peak, so start-up growth (imports, pools,
caches filling) does not count as a leak."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mysessions_platform.settings import ServerSettings
from mysessions_platform.testing.naming import unique_name

from mysessions.bench.load import load
from mysessions.bench.pipeline import WORKERS, PipelineRun, run_pipeline
from mysessions.bench.stage import stage
from mysessions.bench.workload import build

GROWTH_LIMIT = 0.10
"""More than 10 % above the first half's peak in the second half is called growth."""


@dataclass(frozen=True)
class Memory:
    events: int
    run: PipelineRun

    def of(self, kind: str) -> dict[str, Any]:
        samples = [s for r in self.run.replicas if r.kind == kind for s in r.rss]
        samples.sort()
        if len(samples) < 4:
            return {"samples": len(samples)}
        half = len(samples) // 2
        first_peak = max(b for _, b in samples[:half])
        second_peak = max(b for _, b in samples[half:])
        growth = (second_peak - first_peak) / first_peak if first_peak else 0.0
        return {
            "samples": len(samples),
            "start_bytes": samples[0][1],
            "first_half_peak_bytes": first_peak,
            "second_half_peak_bytes": second_peak,
            "end_bytes": samples[-1][1],
            "growth": growth,
            "flat": growth <= GROWTH_LIMIT,
            "series": [[round(t, 1), b] for t, b in samples],
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "wall_s": self.run.wall_s,
            "finished": self.run.finished,
            "workers": {kind: self.of(kind) for kind in WORKERS},
        }


async def memory(
    servers: ServerSettings,
    events: int,
    partitions: int,
    seed: int,
    logs: Path,
    give_up_s: float,
    every_s: float,
    say: Any,
) -> Memory:
    workload = build(events, seed, unique_name("bench"))
    say(f"replaying {len(workload.events):,} events; RSS sampled every {every_s:g} s…")
    async with stage(servers, partitions, workload) as ran:
        await load(ran, workload)
        run = await run_pipeline(ran, workload.tenant_ids, 1, logs, give_up_s, every_s)
    return Memory(len(workload.events), run)
