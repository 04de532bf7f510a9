"""``mysessions settings apply|show``: service and tenant settings, managed declaratively."""

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import typer
import yaml
from context_service.settings import ContextSettings
from contracts import ServiceSettings, TenantSettings
from mysessions_platform.mongo import mongo_client, mongo_database
from mysessions_platform.service_settings.store import (
    Change,
    ServiceSettingsStore,
    SettingsConflict,
    TenantSettingsStore,
)

from mysessions.settings_file import InvalidSettingsFile, SettingsFile, load_settings_file

settings_app = typer.Typer(no_args_is_help=True)


@settings_app.command()
def apply(
    file: Path = typer.Argument(..., help="YAML (.yaml, .yml) or JSON (.json) settings file."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print what would change; write nothing."
    ),
) -> None:
    """Make the stored settings what FILE says; unchanged entries are left alone."""
    try:
        loaded = load_settings_file(file)
    except InvalidSettingsFile as invalid:
        for problem in invalid.problems:
            typer.echo(f"invalid: {problem}", err=True)
        typer.echo(f"{file.name}: nothing applied ({len(invalid.problems)} problem(s))", err=True)
        raise typer.Exit(1) from None
    try:
        counts = asyncio.run(_apply(loaded, dry_run))
    except SettingsConflict as conflict:
        typer.echo(f"conflict: {conflict}; run it again", err=True)
        raise typer.Exit(1) from None
    summary = ", ".join(f"{counts[kind]} {kind}" for kind in ("created", "changed", "unchanged"))
    typer.echo(summary + (" (dry run: nothing written)" if dry_run else ""))


@settings_app.command()
def show(
    tenant: str = typer.Option(..., help="Tenant id."),
    service: str | None = typer.Option(None, help="One service id; default: every service."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print the tenant's settings and its services' (a service never set: all off)."""
    tenant_settings, services = asyncio.run(_show(tenant, service))
    shown = {
        "tenant": tenant_settings.model_dump(mode="json"),
        "services": [settings.model_dump(mode="json") for settings in services],
    }
    if as_json:
        typer.echo(json.dumps(shown, indent=2))
    else:
        typer.echo(yaml.safe_dump(shown, sort_keys=False, allow_unicode=True), nl=False)


async def _apply(loaded: SettingsFile, dry_run: bool) -> Counter[str]:
    counts: Counter[str] = Counter()
    async with mongo_client(ContextSettings().mongodb_url) as client:
        database = mongo_database(client)
        tenants, services = TenantSettingsStore(database), ServiceSettingsStore(database)
        if not dry_run:
            await tenants.ensure_indexes()
            await services.ensure_indexes()
        now = datetime.now(UTC)
        for tenant_spec in loaded.tenants:
            write = tenants.preview if dry_run else tenants.apply
            change = await write(tenant_spec, now)
            typer.echo(describe(f"tenant {tenant_spec.tenant_id}", change, dry_run))
            counts[change.kind] += 1
        for spec in loaded.services:
            apply_service = services.preview if dry_run else services.apply
            service_change = await apply_service(spec, now)
            typer.echo(
                describe(f"service {spec.tenant_id}/{spec.service_id}", service_change, dry_run)
            )
            counts[service_change.kind] += 1
    return counts


def describe(what: str, change: Change[ServiceSettings] | Change[TenantSettings], dry: bool) -> str:
    version = change.settings.version
    if change.kind == "unchanged":
        return f"{what}: unchanged (version {version})"
    if change.kind == "created":
        return f"{what}: {'would be ' if dry else ''}created (version {version})"
    fields = ", ".join(change.fields)
    verb = "would change" if dry else "changed"
    return f"{what}: {verb} {fields} (version {change.previous_version} -> {version})"


async def _show(tenant: str, service: str | None) -> tuple[TenantSettings, list[ServiceSettings]]:
    async with mongo_client(ContextSettings().mongodb_url) as client:
        database = mongo_database(client)
        tenant_settings = await TenantSettingsStore(database).get(tenant)
        store = ServiceSettingsStore(database)
        if service is None:
            services = await store.list(tenant)
        else:
            found = await store.get(tenant, service)
            services = [found or ServiceSettings.default(tenant, service)]
    return tenant_settings or TenantSettings.default(tenant), services
