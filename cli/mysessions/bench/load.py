"""Puts a workload on a stage's topics before anything reads them: the events on the raw
topic, the after-call work saves on the after-call-work topic (as the gateway publishes
them), each keyed by session id, confirmed."""

from contracts import encode

from mysessions.bench.stage import Stage
from mysessions.bench.workload import Workload
from mysessions.events_out import event_sender

CHUNK = 2000


async def load(stage: Stage, workload: Workload) -> None:
    bootstrap = stage.servers.kafka_bootstrap_servers
    async with event_sender(bootstrap, stage.topics["raw"]) as sender:
        for at in range(0, len(workload.events), CHUNK):
            await sender.send_all(workload.events[at : at + CHUNK])
    async with event_sender(bootstrap, stage.topics["acw"]) as sender:
        for save in workload.saves:
            await sender.send_raw(save.session_id.encode(), encode(save))
