"""`mysessions infra up|down|status`: the local real servers for development and tests."""

import asyncio
import logging

import typer
from mysessions_platform import infra
from rich.console import Console
from rich.table import Table

__all__ = ["infra_app"]

infra_app = typer.Typer(
    help="Local Kafka, Redis and FerretDB (MongoDB wire, on PostgreSQL) for development and tests.",
    no_args_is_help=True,
)
_console = Console()
_errors = Console(stderr=True)


def _say(message: str) -> None:
    _console.print(f"[dim]•[/dim] {message}", highlight=False)


def _quiet_client_logs() -> None:
    # While a server boots, the probe's refused connections are expected; the clients would
    # log each one as an error.
    for name in ("aiokafka", "pymongo"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


_KAFKA_BROKERS = typer.Option(
    1,
    "--kafka-brokers",
    help="1: the single local broker; 3: the local three-broker cluster on ports 29192-29194"
    " instead (topics replicated three times, two in sync); the single broker is left as it is.",
)
_REDIS_CLUSTER = typer.Option(
    False,
    "--redis-cluster",
    help="The local six-node Redis Cluster (three primaries, a replica each) on ports"
    " 26379-26384 instead of the single Redis, which is left as it is.",
)

_LEAN_KAFKA = typer.Option(
    False,
    "--lean-kafka",
    help="Start the single broker with the JVM's client compiler only: about a third less"
    " CPU under the test suite and less at start, a lower peak throughput (the test command"
    " uses it; benchmarks should not). A broker already running is kept as it is.",
)


@infra_app.command()
def up(
    kafka_brokers: int = _KAFKA_BROKERS,
    redis_cluster: bool = _REDIS_CLUSTER,
    lean_kafka: bool = _LEAN_KAFKA,
) -> None:
    """Install what is missing, start what is not running, wait until all answer."""
    _quiet_client_logs()
    try:
        urls = asyncio.run(
            infra.up(
                report=_say,
                kafka_brokers=kafka_brokers,
                redis_nodes=redis_cluster,
                lean_kafka=lean_kafka,
            )
        )
    except infra.InfraError as error:
        _errors.print(f"[bold red]infra up failed[/bold red]\n{error}", highlight=False)
        raise typer.Exit(code=1) from error
    _console.print("[bold green]all servers answer[/bold green]")
    _console.print(f"KAFKA_BOOTSTRAP_SERVERS={urls.kafka_bootstrap_servers}", highlight=False)
    _console.print(f"REDIS_URL={urls.redis_url}", highlight=False)
    if urls.redis_cluster:
        _console.print("REDIS_CLUSTER=true", highlight=False)
    _console.print(f"MONGODB_URL={urls.mongodb_url}", highlight=False)


@infra_app.command()
def status(kafka_brokers: int = _KAFKA_BROKERS, redis_cluster: bool = _REDIS_CLUSTER) -> None:
    """Show each server: up or down, its URL, and whether this checkout started it."""
    _quiet_client_logs()
    try:
        servers = asyncio.run(infra.status(kafka_brokers=kafka_brokers, redis_nodes=redis_cluster))
    except infra.InfraError as error:
        _errors.print(f"[bold red]infra status failed[/bold red]\n{error}", highlight=False)
        raise typer.Exit(code=1) from error
    table = Table(title="local servers")
    for column in ("server", "state", "url", "origin", "pid"):
        table.add_column(column)
    for server in servers:
        state = "[green]up[/green]" if server.up else f"[red]down[/red] ({server.detail})"
        table.add_row(server.name, state, server.url, server.origin, str(server.pid or "-"))
    _console.print(table)
    _console.print(f"cache, data and logs: {infra.cache_dir()}", highlight=False)
    if not all(server.up for server in servers):
        raise typer.Exit(code=1)


@infra_app.command()
def down() -> None:
    """Stop the servers this checkout started (SIGTERM, then SIGKILL), the three-broker
    cluster's and the Redis Cluster's nodes too; others are left alone."""
    infra.down(report=_say)
