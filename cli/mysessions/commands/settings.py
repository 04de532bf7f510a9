"""``mysessions settings apply|show``: service and tenant settings and the tenants' catalogs
(code sets, conversation contexts), managed declaratively."""

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import typer
import yaml
from context_service.settings import ContextSettings
from contracts import (
    CodeSet,
    CodeSetSpec,
    ConversationContext,
    ConversationContextSpec,
    ServiceSettings,
    TenantSettings,
)
from mysessions_platform.mongo import mongo_client, mongo_database
from mysessions_platform.service_settings.catalog_store import (
    CatalogFull,
    CatalogStore,
    code_set_store,
    context_store,
)
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
    except UnknownCatalogItems as unknown:
        for problem in unknown.problems:
            typer.echo(f"invalid: {problem}", err=True)
        typer.echo(f"{file.name}: nothing applied ({len(unknown.problems)} problem(s))", err=True)
        raise typer.Exit(1) from None
    except CatalogFull as full:
        typer.echo(f"refused: {full}; apply the file again once fewer are defined", err=True)
        raise typer.Exit(1) from None
    summary = ", ".join(f"{counts[kind]} {kind}" for kind in ("created", "changed", "unchanged"))
    typer.echo(summary + (" (dry run: nothing written)" if dry_run else ""))


@settings_app.command()
def show(
    tenant: str = typer.Option(..., help="Tenant id."),
    service: str | None = typer.Option(None, help="One service id; default: every service."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print the tenant's settings, its catalogs and its services' (a service never set:
    all off; each as stored, its enabled catalog items by id)."""
    tenant_settings, services, catalogs = asyncio.run(_show(tenant, service))
    shown = {
        "tenant": tenant_settings.model_dump(mode="json"),
        **catalogs,
        "services": [settings.model_dump(mode="json") for settings in services],
    }
    if as_json:
        typer.echo(json.dumps(shown, indent=2))
    else:
        typer.echo(yaml.safe_dump(shown, sort_keys=False, allow_unicode=True), nl=False)


class UnknownCatalogItems(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


async def _apply(loaded: SettingsFile, dry_run: bool) -> Counter[str]:
    counts: Counter[str] = Counter()
    async with mongo_client(ContextSettings().mongodb_url) as client:
        database = mongo_database(client)
        tenants, services = TenantSettingsStore(database), ServiceSettingsStore(database)
        code_sets, contexts = code_set_store(database), context_store(database)
        await _check_enabled_items(loaded, code_sets, contexts)  # before anything is written
        if not dry_run:
            for store in (tenants, services, code_sets, contexts):
                await store.ensure_indexes()
        now = datetime.now(UTC)
        for tenant_spec in loaded.tenants:
            write = tenants.preview if dry_run else tenants.apply
            change = await write(tenant_spec, now)
            typer.echo(describe(f"tenant {tenant_spec.tenant_id}", change, dry_run))
            counts[change.kind] += 1
        # Items before the services that enable them.
        for tenant_id, code_set in loaded.code_sets:
            write_set = code_sets.preview if dry_run else code_sets.apply
            set_change = await write_set(tenant_id, code_set, now)
            typer.echo(describe(f"code set {tenant_id}/{code_set.id}", set_change, dry_run))
            counts[set_change.kind] += 1
        for tenant_id, context in loaded.conversation_contexts:
            write_context = contexts.preview if dry_run else contexts.apply
            context_change = await write_context(tenant_id, context, now)
            what = f"conversation context {tenant_id}/{context.id}"
            typer.echo(describe(what, context_change, dry_run))
            counts[context_change.kind] += 1
        for spec in loaded.services:
            apply_service = services.preview if dry_run else services.apply
            service_change = await apply_service(spec, now)
            typer.echo(
                describe(f"service {spec.tenant_id}/{spec.service_id}", service_change, dry_run)
            )
            counts[service_change.kind] += 1
    return counts


async def _check_enabled_items(
    loaded: SettingsFile,
    code_sets: CatalogStore[CodeSet, CodeSetSpec],
    contexts: CatalogStore[ConversationContext, ConversationContextSpec],
) -> None:
    """Every item a service enables is in the file's catalog of its tenant or stored."""
    problems: list[str] = []
    for index, spec in enumerate(loaded.services):
        for field, in_file, store in (
            ("code_sets", loaded.code_sets, code_sets),
            ("conversation_contexts", loaded.conversation_contexts, contexts),
        ):
            enabled: tuple[str, ...] = getattr(spec, field)
            if not enabled:
                continue
            known = {item.id for tenant, item in in_file if tenant == spec.tenant_id}
            known |= {item.id for item in await store.items(spec.tenant_id)}
            problems.extend(
                f"services[{index}] (tenant {spec.tenant_id}, service {spec.service_id}): "
                f"{field}.{position}: no such item in the tenant's catalog"
                for position, item_id in enumerate(enabled)
                if item_id not in known
            )
    if problems:
        raise UnknownCatalogItems(problems)


Described = (
    Change[ServiceSettings] | Change[TenantSettings] | Change[CodeSet] | Change[ConversationContext]
)


def describe(what: str, change: Described, dry: bool) -> str:
    version = change.settings.version
    if change.kind == "unchanged":
        return f"{what}: unchanged (version {version})"
    if change.kind == "created":
        return f"{what}: {'would be ' if dry else ''}created (version {version})"
    fields = ", ".join(change.fields)
    verb = "would change" if dry else "changed"
    return f"{what}: {verb} {fields} (version {change.previous_version} -> {version})"


async def _show(
    tenant: str, service: str | None
) -> tuple[TenantSettings, list[ServiceSettings], dict[str, list[object]]]:
    async with mongo_client(ContextSettings().mongodb_url) as client:
        database = mongo_database(client)
        tenant_settings = await TenantSettingsStore(database).get(tenant)
        catalogs: dict[str, list[object]] = {
            "code_sets": [
                item.model_dump(mode="json")
                for item in await code_set_store(database).items(tenant)
            ],
            "conversation_contexts": [
                item.model_dump(mode="json") for item in await context_store(database).items(tenant)
            ],
        }
        store = ServiceSettingsStore(database)
        if service is None:
            services = await store.list(tenant)
        else:
            found = await store.get(tenant, service)
            services = [found or ServiceSettings.default(tenant, service)]
    return tenant_settings or TenantSettings.default(tenant), services, catalogs
