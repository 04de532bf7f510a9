"""``mysessions webhooks add|list|remove|log|redeliver``: service owners' trigger-event
endpoints, for the operator (the owner screen's API does the same through
``webhooks_service.registry``, so both apply one URL rule and one store)."""

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TypeVar

import typer
from contracts.webhooks import WEBHOOK_EVENT_TYPES, WebhookEventType
from mysessions_platform.mongo import mongo_client, mongo_database
from webhooks_service.registry import TargetRefused, WebhookRegistry, registry_of
from webhooks_service.settings import WebhooksSettings

webhooks_app = typer.Typer(no_args_is_help=True)

T = TypeVar("T")
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$")
TYPES_HELP = "Event types, comma-separated, or 'all': " + ", ".join(WEBHOOK_EVENT_TYPES)


def _check_id(value: str, option: str) -> str:
    if not ID.match(value):
        raise typer.BadParameter("not an id (at most 128 characters, no spaces)", param_hint=option)
    return value


def _event_types(text: str) -> tuple[WebhookEventType, ...]:
    if text.strip() == "all":
        return WEBHOOK_EVENT_TYPES
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    chosen = [known for known in WEBHOOK_EVENT_TYPES if known in wanted]
    if not wanted or len(chosen) != len(set(wanted)):
        raise typer.BadParameter(TYPES_HELP, param_hint="--events")
    return tuple(chosen)


@asynccontextmanager
async def _registry() -> AsyncIterator[WebhookRegistry]:
    settings = WebhooksSettings()
    redis = settings.redis_client()
    try:
        async with mongo_client(settings.mongodb_url) as client:
            yield registry_of(redis, mongo_database(client), settings)
    finally:
        await redis.aclose()


def _run(use: Callable[[WebhookRegistry], Awaitable[T]]) -> T:
    async def with_registry() -> T:
        async with _registry() as registry:
            return await use(registry)

    return asyncio.run(with_registry())


@webhooks_app.command("add")
def add(
    tenant: str = typer.Option(..., help="Tenant id."),
    service: str = typer.Option(..., help="The service whose events are sent."),
    url: str = typer.Option(..., help="https URL (http only to loopback in development)."),
    events: str = typer.Option("all", help=TYPES_HELP),
    include_caller: bool = typer.Option(
        False, "--include-caller", help="Payloads carry the caller's details (off by default)."
    ),
) -> None:
    """Register an endpoint; prints its id and its signing secret, shown this once."""
    types = _event_types(events)

    async def register(registry: WebhookRegistry) -> str:
        endpoint, secret = await registry.add(
            _check_id(tenant, "--tenant"), _check_id(service, "--service"), url, types,
            include_caller,
        )  # fmt: skip
        return f"endpoint {endpoint.endpoint_id}\nsecret {secret}\n(the secret is not shown again)"

    try:
        typer.echo(_run(register))
    except TargetRefused as refused:
        raise typer.BadParameter(str(refused), param_hint="--url") from None


@webhooks_app.command("list")
def list_endpoints(
    tenant: str = typer.Option(..., help="Tenant id."),
    service: str | None = typer.Option(None, help="Only this service's endpoints."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """The tenant's endpoints: id, service, URL, event types, enabled, pending deliveries."""
    services = None if service is None else {_check_id(service, "--service")}

    async def listing(registry: WebhookRegistry) -> list[dict[str, object]]:
        rows = []
        for endpoint in await registry.listed(_check_id(tenant, "--tenant"), services):
            pending = await registry.pending(tenant, endpoint.endpoint_id)
            dead = len(await registry.dead_letters(tenant, endpoint.endpoint_id))
            rows.append({**endpoint.model_dump(mode="json"), "pending": pending, "dead": dead})
        return rows

    rows = _run(listing)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = "enabled" if row["enabled"] else f"disabled ({row['disabled_reason']})"
        typer.echo(
            f"{row['endpoint_id']}  {row['service_id']}  {row['url']}  {state}  "
            f"pending {row['pending']}  dead {row['dead']}  events {','.join(row['event_types'])}"  # type: ignore[arg-type]
        )


@webhooks_app.command("remove")
def remove(
    tenant: str = typer.Option(..., help="Tenant id."),
    endpoint: str = typer.Argument(..., help="The endpoint id (ep_…)."),
) -> None:
    """Remove an endpoint and everything queued, dead-lettered or logged for it."""
    removed = _run(lambda registry: registry.remove(_check_id(tenant, "--tenant"), endpoint))
    if not removed:
        typer.echo("no such endpoint in this tenant", err=True)
        raise typer.Exit(1)
    typer.echo(f"removed {endpoint}")


@webhooks_app.command("log")
def log(
    tenant: str = typer.Option(..., help="Tenant id."),
    endpoint: str = typer.Argument(..., help="The endpoint id (ep_…)."),
    limit: int = typer.Option(20, min=1, max=1000, help="Most recent attempts."),
) -> None:
    """The endpoint's most recent attempts: when, event type, attempt, status, timing."""
    attempts = _run(lambda r: r.deliveries(_check_id(tenant, "--tenant"), endpoint, limit))
    for a in attempts:
        when = datetime.fromtimestamp(a.at, UTC).isoformat(timespec="seconds")
        status = a.status_code if a.status_code is not None else a.error
        typer.echo(
            f"{when}  {a.message_id}  {a.event_type}  #{a.attempt}  {status}  "
            f"{a.duration_ms} ms  {a.outcome}"
        )


@webhooks_app.command("redeliver")
def redeliver(
    tenant: str = typer.Option(..., help="Tenant id."),
    endpoint: str = typer.Argument(..., help="The endpoint id (ep_…)."),
    message: list[str] | None = typer.Option(
        None, "--message", help="Only these webhook ids (repeatable); default every dead letter."
    ),
) -> None:
    """Send the endpoint's dead letters again (at once, then on the usual schedule). An
    endpoint disabled by a 410 Gone is enabled again: redelivering says it is back."""
    moved = _run(lambda r: r.redeliver(_check_id(tenant, "--tenant"), endpoint, message or None))
    typer.echo(f"{moved} dead letter(s) queued again")
