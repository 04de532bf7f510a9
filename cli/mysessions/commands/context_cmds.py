"""``mysessions context show`` and ``mysessions unprovision``: the context service's data
seen as an agent's panel; and everything kept about a service or a tenant erased
(``gateway_service.unprovisioning``, the admin screen's own)."""

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import typer
from aiokafka import AIOKafkaProducer
from context_service.read import ContextReader, as_json, render_text
from context_service.settings import ContextSettings
from gateway_service.unprovisioning import Stores, unprovision_everything
from mysessions_platform.erasure import Counts, Scope
from mysessions_platform.mongo import mongo_client, mongo_database
from mysessions_platform.service_settings.cache import SettingsCache
from mysessions_platform.service_settings.catalog_store import TenantCatalogs
from mysessions_platform.service_settings.store import ServiceSettingsStore, TenantSettingsStore
from queue_service.settings import QueueSettings

context_app = typer.Typer(no_args_is_help=True)

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$")


def _check_id(value: str | None, option: str) -> None:
    if value is not None and not ID.match(value):
        raise typer.BadParameter("not an id (at most 128 characters, no spaces)", param_hint=option)


@asynccontextmanager
async def _reader() -> AsyncIterator[ContextReader]:
    settings = ContextSettings()
    redis = settings.redis_client()
    try:
        async with mongo_client(settings.mongodb_url) as client:
            database = mongo_database(client)
            cache = SettingsCache(
                ServiceSettingsStore(database),
                TenantSettingsStore(database),
                settings.settings_refresh_s,
                catalogs=TenantCatalogs(database),
            )
            yield ContextReader(redis, database, cache, settings.key_prefix)
    finally:
        await redis.aclose()


@context_app.command("show")
def show(
    tenant: str = typer.Option(..., help="Tenant id."),
    session: str = typer.Option(..., help="Session id."),
    service: str | None = typer.Option(None, help="Only this service's panel."),
    as_json_output: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """What an agent's detail panel shows for the session: caller details or "Anonymous"/
    "Not Available", session details, links, transcript state, each stored field with the
    service that supplied it."""
    _check_id(tenant, "--tenant")
    _check_id(session, "--session")
    _check_id(service, "--service")

    async def load() -> str:
        async with _reader() as context:
            shown = await context.panels(tenant, session, service, datetime.now(UTC))
        if as_json_output:
            return json.dumps(as_json(shown), indent=2, ensure_ascii=False)
        return render_text(shown)

    typer.echo(asyncio.run(load()))


def unprovision_command(
    tenant: str = typer.Option(..., help="Tenant id."),
    service: str | None = typer.Option(None, help="Only this service; default the tenant."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would be erased."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Erase at once everything kept about a service (or a whole tenant) in Redis and
    MongoDB: stored context, transcripts, live context, settings, the queue's tasks and
    session facts (with tombstones on the task changelog), reporting's facts and records,
    after-call work, tag suggestions, e-mail drafts and replies, webhook endpoints and their
    deliveries (for a tenant also its address book, directory and ingest's de-duplication
    keys). Prints counts per kind."""
    _check_id(tenant, "--tenant")
    _check_id(service, "--service")
    what = f"service {service} of tenant {tenant}" if service else f"tenant {tenant}"
    if not dry_run and not yes:
        typer.confirm(f"Erase everything kept about {what}?", abort=True)

    async def run() -> Counts:
        settings = ContextSettings()
        redis = settings.redis_client()
        producer = AIOKafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap_servers, enable_idempotence=True, acks="all"
        )
        try:
            async with mongo_client(settings.mongodb_url) as client:
                await producer.start()
                stores = Stores(
                    redis,
                    mongo_database(client),
                    producer,
                    settings.key_prefix,
                    QueueSettings().changelog_topic,
                )
                return await unprovision_everything(stores, Scope(tenant, service, dry_run))
        finally:
            await producer.stop()
            await redis.aclose()

    counts = asyncio.run(run())
    typer.echo(f"{'would erase' if dry_run else 'erased'} for {what}:")
    for kind, count in counts.items():
        typer.echo(f"  {kind}: {count}")
