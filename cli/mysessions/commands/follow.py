"""``mysessions follow queue-log FILE``: publish a live queue_log as Asterisk writes it.

The checkpoint (file position and the translator's open calls) is a JSON file, by default
beside the followed file (``FILE.mysessions-follow.json``); see README, "Live Asterisk".
"""

import asyncio
import logging
import signal
from pathlib import Path

import typer
from contracts import SessionEvent, topics
from ingest_service.queue_log import QueueLogOptions
from ingest_service.queue_log_follow import CheckpointFile, follow
from mysessions_platform.settings import ServerSettings

from mysessions.commands.publish import _load_mapping
from mysessions.events_out import event_sender

follow_app = typer.Typer(no_args_is_help=True)


async def _follow(path: Path, options: QueueLogOptions, state: Path, topic: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    bootstrap = ServerSettings().kafka_bootstrap_servers
    async with event_sender(bootstrap, topic) as sender:

        async def publish(events: list[SessionEvent]) -> None:
            await sender.send_all(events)

        await follow(path, options, CheckpointFile(state), publish, stop)


@follow_app.command("queue-log")
def queue_log(
    file: Path = typer.Argument(..., dir_okay=False, help="The queue_log Asterisk writes."),
    tenant: str = typer.Option(..., help="Tenant id of this Asterisk's calls."),
    time_zone: str = typer.Option("UTC", "--tz", help="Zone of formatted queue_log dates."),
    mapping: Path = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help="The agents/services mapping, as for publish --format queue-log.",
    ),
    state: Path = typer.Option(
        None,
        dir_okay=False,
        help="Checkpoint file (default: FILE.mysessions-follow.json beside FILE).",
    ),
    topic: str = typer.Option(topics.TELEPHONY_EVENTS, help="Topic to publish to."),
) -> None:
    """Follow a growing queue_log through rotation until stopped (SIGINT/SIGTERM)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    names = _load_mapping(mapping)
    options = QueueLogOptions(
        tenant_id=tenant,
        time_zone=time_zone,
        agents=names.get("agents", {}),
        services=names.get("services", {}),
        service_names=names.get("service_names", {}),
    )
    checkpoint = state or file.with_name(file.name + ".mysessions-follow.json")
    asyncio.run(_follow(file, options, checkpoint, topic))
