"""``mysessions bench scaling``: the same backlog through the pipeline with 1, 2 and 3
processes per worker on 6 partitions, each on a fresh stage: how far adding processes
carries on this machine (on 2 cores, not far: the figures say so)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mysessions_platform.settings import ServerSettings
from mysessions_platform.testing.naming import unique_name

from mysessions.bench.load import load
from mysessions.bench.pipeline import WORKERS, PipelineRun, run_pipeline
from mysessions.bench.stage import stage
from mysessions.bench.workload import build


@dataclass(frozen=True)
class Scaled:
    replicas: int
    events: int
    run: PipelineRun

    @property
    def per_s(self) -> float:
        return self.events / self.run.wall_s if self.run.wall_s else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "replicas_per_worker": self.replicas,
            "events": self.events,
            "wall_s": self.run.wall_s,
            "events_per_s": self.per_s,
            "finished": self.run.finished,
            "cpu_s": {kind: self.run.cpu_s(kind) for kind in WORKERS},
        }


async def scaling(
    servers: ServerSettings,
    events: int,
    partitions: int,
    replicas: tuple[int, ...],
    seed: int,
    logs: Path,
    give_up_s: float,
    say: Any,
) -> list[Scaled]:
    found = []
    for count in replicas:
        workload = build(events, seed, unique_name("bench"))
        say(f"{count} process(es) per worker, {len(workload.events):,} events…")
        async with stage(servers, partitions, workload) as ran:
            await load(ran, workload)
            run = await run_pipeline(ran, workload.tenant_ids, count, logs, give_up_s)
        found.append(Scaled(count, len(workload.events), run))
    return found
