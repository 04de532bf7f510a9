"""``mysessions topics``: compare the cluster's topics with their specs, and fix them."""

import asyncio

import typer
from contracts import topics as names
from mysessions_platform.kafka.topics import TopicSettings, check_topics
from mysessions_platform.settings import ServerSettings
from rich.console import Console

topics_app = typer.Typer(no_args_is_help=True)


@topics_app.command()
def check(
    partitions: int = typer.Option(3, help="Partitions each topic should have."),
    apply: bool = typer.Option(
        False,
        "--apply",
        help="Create missing topics, raise partitions, set configs to the specs.",
    ),
) -> None:
    """List how every topic differs from its spec (KAFKA_REPLICATION_FACTOR,
    KAFKA_MIN_INSYNC_REPLICAS and TOPIC_<NAME>_RETENTION_MS apply)."""
    settings = TopicSettings.from_env()
    specs = [settings.spec(role, partitions) for role in names.ALL_TOPICS]
    bootstrap = ServerSettings().kafka_bootstrap_servers
    drift = asyncio.run(check_topics(bootstrap, specs, apply=apply))
    console = Console()
    for difference in drift:
        console.print(difference)
    if not drift:
        console.print(f"all {len(specs)} topics match their specs")
    elif apply:
        console.print(f"applied the specs ({len(drift)} differences mended)")
    else:
        raise typer.Exit(1)
