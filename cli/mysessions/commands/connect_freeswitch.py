"""``mysessions connect freeswitch``: follow mod_callcenter over FreeSWITCH's event socket
and publish what it means to telephony.events.v1, until Ctrl-C or SIGTERM.

The password comes from ``--password`` or, better (kept out of process lists),
``FREESWITCH_ESL_PASSWORD``. Each call's state is kept in Redis (``INGEST_KEY_PREFIX``), so
a restarted bridge goes on with the calls the last one followed.
"""

import asyncio
import contextlib
import json
import signal
from collections.abc import Sequence
from pathlib import Path

import typer
from contracts import SessionEvent, topics
from ingest_service.freeswitch import (
    DEFAULT_TTL_S,
    CallStore,
    EslAuthError,
    FreeSwitchBridge,
    FreeSwitchOptions,
    follow,
)
from ingest_service.settings import IngestSettings
from mysessions_platform.logging import configure_logging
from mysessions_platform.settings import ServerSettings
from rich.console import Console

from mysessions.events_out import event_sender


def _mapping(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None:
        return {}
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise typer.BadParameter("the mapping file holds a JSON object")
    return data


async def _run(
    options: FreeSwitchOptions, host: str, port: int, password: str, topic: str, ttl_s: int
) -> FreeSwitchBridge:
    servers = ServerSettings()
    redis = servers.redis_client()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with event_sender(servers.kafka_bootstrap_servers, topic) as sender:

            async def publish(events: Sequence[SessionEvent]) -> None:
                await sender.send_all(events)

            store = CallStore(redis, IngestSettings().key_prefix, options.tenant_id, ttl_s)
            bridge = FreeSwitchBridge(options, store, publish)
            following = asyncio.create_task(follow(bridge, host, port, password))
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait({following, stopping}, return_when=asyncio.FIRST_COMPLETED)
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following  # re-raises EslAuthError
            stopping.cancel()
            return bridge
    finally:
        await redis.aclose()


def freeswitch(
    host: str = typer.Option("127.0.0.1", help="FreeSWITCH's event socket address."),
    port: int = typer.Option(8021, min=1, max=65535, help="Its port (event_socket.conf.xml)."),
    password: str = typer.Option(
        ..., envvar="FREESWITCH_ESL_PASSWORD", prompt=False, help="The event socket password."
    ),
    tenant: str = typer.Option(..., help="The tenant this FreeSWITCH serves."),
    mapping: Path = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help='JSON: {"agents": {agent: user}, "services": {queue: id}, '
        '"service_names": {queue: name}}.',
    ),
    topic: str = typer.Option(topics.TELEPHONY_EVENTS, help="Topic to publish to."),
    state_ttl: int = typer.Option(
        DEFAULT_TTL_S, "--state-ttl", min=60, help="Seconds a call's state outlives its last event."
    ),
) -> None:
    """Follow FreeSWITCH mod_callcenter's events and publish the sessions they describe."""
    configure_logging(ServerSettings().log_level)
    names = _mapping(mapping)
    try:
        options = FreeSwitchOptions(
            tenant_id=tenant,
            agents=names.get("agents", {}),
            services=names.get("services", {}),
            service_names=names.get("service_names", {}),
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    console = Console(stderr=True)
    try:
        bridge = asyncio.run(_run(options, host, port, password, topic, state_ttl))
    except EslAuthError:
        console.print("[red]the event socket refused the password[/red]")
        raise typer.Exit(2) from None
    console.print(f"stopped; {dict(sorted(bridge.counts.items()))}")
