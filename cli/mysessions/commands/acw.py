"""``mysessions acw save`` and ``mysessions tags suggest``: after-call work from the shell,
through the same use case the gateway will call."""

import asyncio
from datetime import UTC, datetime

import typer
from acw.domain import AcwConflict, AcwRefused
from acw.service import (
    Saved,
    SaveRequest,
    republish_pending,
    save_after_call_work,
)
from acw.settings import AcwSettings
from acw.tags import MAX_SUGGESTIONS, Suggestion, TagCounts
from acw.wiring import acw_ports
from mysessions_platform.mongo import mongo_client, mongo_database

acw_app = typer.Typer(no_args_is_help=True)
tags_app = typer.Typer(no_args_is_help=True)


@acw_app.command()
def save(
    tenant: str = typer.Option(..., help="Tenant id."),
    user: str = typer.Option(..., help="The agent whose task it is."),
    session: str = typer.Option(..., help="Session id."),
    user_session: str | None = typer.Option(
        None, "--user-session", help="The task (user session); needed when the agent has several."
    ),
    primary: str | None = typer.Option(None, help="Primary code id (required where listed)."),
    secondary: str | None = typer.Option(None, help="Secondary code id."),
    tag: list[str] = typer.Option([], "--tag", help="A tag; repeat for more (at most 20)."),
) -> None:
    """Save the task's codes and tags, once: a second save is refused, naming the first."""
    request = SaveRequest(tenant, user, session, user_session, primary, secondary, tuple(tag))
    try:
        saved = asyncio.run(_save(request))
    except (AcwRefused, AcwConflict) as refusal:
        typer.echo(f"refused: {refusal}", err=True)
        raise typer.Exit(1) from None
    event = saved.event
    codes = ", ".join(c.id for c in (event.primary_code, event.secondary_code) if c) or "no codes"
    typer.echo(
        f"saved after-call work of {event.user_session_id} ({codes}; {len(event.tags)} tags)"
        + ("" if saved.published else "; publishing is pending (it is retried)")
    )


@acw_app.command()
def republish() -> None:
    """Publish saves Kafka never confirmed (older than a few seconds), once each."""
    typer.echo(f"republished {asyncio.run(_republish())} saves")


@tags_app.command()
def suggest(
    prefix: str = typer.Argument("", help="What the agent typed (case does not matter)."),
    tenant: str = typer.Option(..., help="Tenant id."),
    service: str = typer.Option(..., help="Service id."),
    limit: int = typer.Option(10, min=1, max=MAX_SUGGESTIONS, help="How many at most."),
) -> None:
    """Tags used in the service starting with PREFIX, most used first."""
    for found in asyncio.run(_suggest(tenant, service, prefix, limit)):
        typer.echo(f"{found.tag}\t{found.count}")


async def _save(request: SaveRequest) -> Saved:
    async with acw_ports(AcwSettings()) as ports:
        return await save_after_call_work(request, ports)


async def _republish() -> int:
    async with acw_ports(AcwSettings()) as ports:
        return await republish_pending(datetime.now(UTC), ports)


async def _suggest(tenant: str, service: str, prefix: str, limit: int) -> list[Suggestion]:
    async with mongo_client(AcwSettings().mongodb_url) as client:
        return await TagCounts(mongo_database(client)).suggest(tenant, service, prefix, limit)
