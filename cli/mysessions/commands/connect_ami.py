"""``mysessions connect ami``: bridge a live Asterisk (AMI) into telephony.events.v1.

Per-call state and unconfirmed events live in Redis (``<prefix>:ingest:ami:{tenant}:...``),
so the bridge can be stopped and started again mid-call; see README, "Live Asterisk".
"""

import asyncio
import logging
import signal
from pathlib import Path

import typer
from contracts import SessionEvent, topics
from ingest_service.ami import AmiEndpoint, AmiLoginError, AmiTranslator, RedisCalls, run_bridge
from ingest_service.queue_log import QueueLogOptions
from mysessions_platform.settings import ServerSettings

from mysessions.commands.publish import _load_mapping
from mysessions.events_out import event_sender


async def _bridge(endpoint: AmiEndpoint, options: QueueLogOptions, topic: str, prefix: str) -> None:
    settings = ServerSettings()
    redis = settings.redis_client()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with event_sender(settings.kafka_bootstrap_servers, topic) as sender:

            async def publish(events: list[SessionEvent]) -> None:
                await sender.send_all(events)

            calls = RedisCalls(redis, prefix, options.tenant_id)
            await run_bridge(endpoint, AmiTranslator(options), calls, publish, stop=stop)
    finally:
        await redis.aclose()


def ami(
    host: str = typer.Option(..., help="Asterisk's AMI host."),
    port: int = typer.Option(5038, help="Asterisk's AMI port (manager.conf)."),
    username: str = typer.Option(..., help="The manager.conf user (needs read=agent,call)."),
    secret: str = typer.Option(..., envvar="AMI_SECRET", help="Its secret (or AMI_SECRET)."),
    tenant: str = typer.Option(..., help="Tenant id of this Asterisk's calls."),
    mapping: Path = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help='JSON: {"agents": {interface or member name: user}, "services": {queue: id}, '
        '"service_names": {queue: name}}, as for publish --format queue-log.',
    ),
    topic: str = typer.Option(topics.TELEPHONY_EVENTS, help="Topic to publish to."),
    key_prefix: str = typer.Option("ms", help="Redis key prefix of the bridge's call state."),
) -> None:
    """Follow a live Asterisk over AMI until stopped (SIGINT/SIGTERM)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    names = _load_mapping(mapping)
    options = QueueLogOptions(
        tenant_id=tenant,
        agents=names.get("agents", {}),
        services=names.get("services", {}),
        service_names=names.get("service_names", {}),
    )
    endpoint = AmiEndpoint(host, port, username, secret)
    try:
        asyncio.run(_bridge(endpoint, options, topic, key_prefix))
    except AmiLoginError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
