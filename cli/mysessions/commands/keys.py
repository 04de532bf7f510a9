"""``mysessions keys create|list|revoke --tenant T``: the connector API's tenant API keys,
as the tenant admin's screen manages them (``gateway_service.connector``), for operators
and scripts. ``create`` prints the key once: only its digest is kept."""

import asyncio
import json
import re
from datetime import UTC, datetime

import typer
from gateway_service.connector.key_store import MongoKeys, TooManyKeys
from gateway_service.connector.keys import ACTIONS, Action, ApiKey, new_key
from mysessions_platform.mongo import Document, mongo_client, mongo_database
from mysessions_platform.settings import ServerSettings
from pymongo import AsyncMongoClient

keys_app = typer.Typer(no_args_is_help=True)

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$")
KEY_ID = re.compile(r"^[0-9a-f]{24}$")
DATABASE_HELP = "MongoDB database; default the one in MONGODB_URL's path, else mysessions."


def _keys_of(client: AsyncMongoClient[Document], database: str | None) -> MongoKeys:
    return MongoKeys(client[database] if database else mongo_database(client))


def _checked(value: str, hint: str, pattern: re.Pattern[str] = ID) -> str:
    if not pattern.match(value):
        raise typer.BadParameter("not a valid id", param_hint=hint)
    return value


def _row(key: ApiKey) -> dict[str, object]:
    def when(at: datetime | None) -> str | None:
        return None if at is None else at.isoformat()

    return {
        "key_id": key.key_id,
        "name": key.name,
        "services": list(key.services),
        "actions": list(key.actions),
        "created_at": when(key.created_at),
        "created_by": key.created_by,
        "revoked_at": when(key.revoked_at),
        "last_used_at": when(key.last_used_at),
    }


@keys_app.command("create")
def create(
    tenant: str = typer.Option(..., help="Tenant id."),
    name: str = typer.Option(..., help='What the key is for, e.g. "Dynamics flow".'),
    service: list[str] = typer.Option(..., help="A service it may change (repeatable)."),
    action: list[str] = typer.Option(
        ..., help=f"What it may do (repeatable): {', '.join(ACTIONS)}."
    ),
    by: str = typer.Option("operator", help="Who makes it (shown in the admin's list)."),
    database: str | None = typer.Option(None, help=DATABASE_HELP),
) -> None:
    """Make a key; prints it once (then only its id is ever shown)."""
    _checked(tenant, "--tenant")
    for one in service:
        _checked(one, "--service")
    unknown = [a for a in action if a not in ACTIONS]
    if unknown:
        raise typer.BadParameter(f"known: {', '.join(ACTIONS)}", param_hint="--action")
    name = name.strip()
    if not 1 <= len(name) <= 64 or not name.isprintable():
        raise typer.BadParameter("1 to 64 printable characters", param_hint="--name")
    actions: tuple[Action, ...] = tuple(a for a in ACTIONS if a in action)
    made = new_key(tenant, name, tuple(service), actions, by, datetime.now(UTC))

    async def store() -> None:
        async with mongo_client(ServerSettings().mongodb_url) as client:
            keys = _keys_of(client, database)
            await keys.ensure_indexes()
            await keys.add(made.record)

    try:
        asyncio.run(store())
    except TooManyKeys as full:
        typer.echo(str(full), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"key {made.record.key_id} of tenant {tenant}; the key (shown this once):")
    typer.echo(made.secret)


@keys_app.command("list")
def list_keys(
    tenant: str = typer.Option(..., help="Tenant id."),
    as_json: bool = typer.Option(False, "--json", help="One JSON array."),
    database: str | None = typer.Option(None, help=DATABASE_HELP),
) -> None:
    """The tenant's keys, newest first (never the keys themselves)."""
    _checked(tenant, "--tenant")

    async def read() -> list[ApiKey]:
        async with mongo_client(ServerSettings().mongodb_url) as client:
            return await _keys_of(client, database).list(tenant)

    keys = asyncio.run(read())
    if as_json:
        typer.echo(json.dumps([_row(key) for key in keys], indent=2))
        return
    for key in keys:
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
        typer.echo(
            f"{key.key_id}  {key.name}  services={','.join(key.services)}  "
            f"actions={','.join(key.actions)}  {state}  last used {used}"
        )
    if not keys:
        typer.echo(f"tenant {tenant} has no API keys")


@keys_app.command("revoke")
def revoke(
    key_id: str = typer.Argument(..., help="The key's id (from create or list)."),
    tenant: str = typer.Option(..., help="Tenant id."),
    database: str | None = typer.Option(None, help=DATABASE_HELP),
) -> None:
    """Revoke a key: refused from its next request on; it stays listed as revoked."""
    _checked(tenant, "--tenant")
    _checked(key_id, "KEY_ID", KEY_ID)

    async def cut() -> ApiKey | None:
        async with mongo_client(ServerSettings().mongodb_url) as client:
            return await _keys_of(client, database).revoke(tenant, key_id, datetime.now(UTC))

    revoked = asyncio.run(cut())
    if revoked is None:
        typer.echo(f"tenant {tenant} has no key {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"key {key_id} of tenant {tenant} revoked at {revoked.revoked_at}")
