"""``mysessions rebuild``: recompute the queue's Redis state from sessions.events.v1."""

import asyncio

import typer
from queue_service.entrypoints.app import make_store
from queue_service.rebuild import rebuild as rebuild_state
from queue_service.settings import QueueSettings
from queue_service.step import QueueStep
from redis.asyncio import Redis


async def _rebuild(prefix: str | None, compare_with: str | None) -> int:
    settings = QueueSettings()
    if prefix:
        settings = settings.model_copy(update={"key_prefix": prefix})
    redis = Redis.from_url(settings.redis_url)
    try:
        store = make_store(redis, settings)
        step = QueueStep(store)
        report = await rebuild_state(
            store, step, settings.kafka_bootstrap_servers, settings.source_topic
        )
        typer.echo(
            f"rebuilt prefix {settings.key_prefix!r}: {report.records} records read, "
            f"{report.invalid} invalid, {report.deleted_keys} old keys deleted"
        )
        if compare_with is None:
            return 0
        other = make_store(redis, settings.model_copy(update={"key_prefix": compare_with}))
        mine, theirs = await store.snapshot(), await other.snapshot()
        if mine == theirs:
            typer.echo(f"identical to {compare_with!r}: {len(mine)} agents")
            return 0
        differing = sorted(set(mine) ^ set(theirs) | {k for k in mine if mine[k] != theirs.get(k)})
        typer.echo(f"differs from {compare_with!r} for {len(differing)} agents", err=True)
        return 1
    finally:
        await redis.aclose()


def rebuild(
    prefix: str = typer.Option(None, help="Key prefix to rebuild (default: QUEUE_KEY_PREFIX)."),
    compare_with: str = typer.Option(None, help="Another prefix to compare the result with."),
) -> None:
    """Rebuild agents' queues and histories from the event log (stop queue workers first
    when rebuilding the live prefix)."""
    raise typer.Exit(asyncio.run(_rebuild(prefix, compare_with)))
