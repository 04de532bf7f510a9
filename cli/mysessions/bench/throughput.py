"""``mysessions bench throughput``: a backlog on fresh topics, then in the same run (a) a
bare drain, (b) the drain with contract validation, (c) a naive FastStream handler and (d)
the full pipeline of four worker processes; events per second end to end, events per CPU
second per worker, and the ratios (d)/(b) and (d)/(c)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mysessions_platform.settings import ServerSettings
from mysessions_platform.testing.naming import unique_name

from mysessions.bench import baselines
from mysessions.bench.baselines import Timed
from mysessions.bench.load import load
from mysessions.bench.pipeline import WORKERS, PipelineRun, run_pipeline
from mysessions.bench.stage import stage
from mysessions.bench.workload import Workload, build


@dataclass(frozen=True)
class Throughput:
    workload: Workload
    partitions: int
    drain: Timed
    validated: Timed
    naive: Timed
    pipeline: PipelineRun

    @property
    def end_to_end_per_s(self) -> float:
        return len(self.workload.events) / self.pipeline.wall_s

    def per_cpu_s(self, kind: str) -> float:
        cpu = self.pipeline.cpu_s(kind)
        return self.pipeline.inputs[kind] / cpu if cpu else 0.0

    def as_json(self) -> dict[str, Any]:
        run = self.pipeline
        return {
            "events": len(self.workload.events),
            "after_call_work_saves": len(self.workload.saves),
            "sessions": self.workload.sessions,
            "tenants": list(self.workload.tenant_ids),
            "partitions": self.partitions,
            "baselines": {
                name: {"events": t.events, "wall_s": t.wall_s, "cpu_s": t.cpu_s, "per_s": t.per_s}
                for name, t in (
                    ("a_drain", self.drain),
                    ("b_validated", self.validated),
                    ("c_naive", self.naive),
                )
            },
            "pipeline": {
                "finished": run.finished,
                "wall_s": run.wall_s,
                "events_per_s": self.end_to_end_per_s,
                "reporting_records": run.records,
                "late_facts": run.late_facts,
                "records_over_time": [[round(at, 2), n] for at, n in run.records_over_time],
                "machine_busy_cpu_s": run.machine_busy_s,
                "command_cpu_s": run.command_cpu_s,
                "measured_s": run.measured_s,
                "workers": {
                    kind: {
                        "records_read": run.inputs[kind],
                        "cpu_s": run.cpu_s(kind),
                        "per_cpu_s": self.per_cpu_s(kind),
                        "caught_up_s": run.caught_up_s.get(kind),
                        "peak_rss_bytes": max(
                            (b for r in run.replicas if r.kind == kind for _, b in r.rss),
                            default=0,
                        ),
                    }
                    for kind in WORKERS
                },
            },
            "ratios": {
                "d_over_b": self.end_to_end_per_s / self.validated.per_s,
                "d_over_c": self.end_to_end_per_s / self.naive.per_s,
            },
        }


async def throughput(
    servers: ServerSettings,
    events: int,
    partitions: int,
    seed: int,
    logs: Path,
    give_up_s: float,
    say: Any,
) -> Throughput:
    workload = build(events, seed, unique_name("bench"))
    say(
        f"workload: {len(workload.events):,} events ({workload.sessions:,} sessions, "
        f"{len(workload.saves):,} after-call work saves) of {len(workload.tenant_ids)} tenants"
    )
    async with stage(servers, partitions, workload) as ran:
        await load(ran, workload)
        total = len(workload.events)
        say("(a) bare drain…")
        drain = await baselines.drain(ran, total)
        say("(b) drain with contract validation…")
        validated = await baselines.validated(ran, total)
        say("(c) naive FastStream handler…")
        naive = await baselines.naive(ran, total)
        say("(d) the pipeline: four worker processes…")
        pipeline = await run_pipeline(ran, workload.tenant_ids, 1, logs, give_up_s)
    return Throughput(workload, partitions, drain, validated, naive, pipeline)
