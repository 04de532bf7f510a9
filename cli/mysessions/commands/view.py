"""``mysessions view``: one agent's My Sessions, as the page shows it."""

import asyncio
import json
from datetime import UTC, datetime

import typer
from context_service.read import StoredCallers
from mysessions_platform.logging import configure_logging
from mysessions_platform.mongo import mongo_client, mongo_database
from queue_service.read import QueueReader
from queue_service.settings import QueueSettings
from rich.console import Console
from rich.table import Table


async def load_view(tenant: str, user: str, limit: int) -> list[dict[str, object]]:
    """The agent's list; ended tasks show their caller from a stored context record where
    their service kept one, else "Not Available"."""
    settings = QueueSettings()
    redis = settings.redis_client()
    now = datetime.now(UTC)
    try:
        async with mongo_client(settings.mongodb_url) as client:
            callers = StoredCallers(mongo_database(client), now)
            reader = QueueReader(redis, settings.key_prefix)
            return await reader.agent_view(tenant, user, now, limit, history_callers=callers)
    finally:
        await redis.aclose()


async def tenants_of(user: str) -> list[str]:
    """Tenants that hold tasks of a user of this id (a key scan: for a hint only)."""
    settings = QueueSettings()
    redis = settings.redis_client()
    try:
        return await QueueReader(redis, settings.key_prefix).tenants_with_tasks_of(user)
    finally:
        await redis.aclose()


def no_tasks_hint(tenant: str, user: str, elsewhere: list[str]) -> str:
    """A plain sentence for an empty list: a mistyped tenant or user is the usual cause."""
    others = [other for other in elsewhere if other != tenant]
    found = (
        f"Tenants with tasks for a user '{user}': {', '.join(others)}."
        if others
        else f"No tenant has tasks for a user '{user}'."
    )
    return f"User '{user}' has no tasks in tenant '{tenant}'. {found}"


def view(
    tenant: str = typer.Option(..., help="Tenant id."),
    user: str = typer.Option(..., help="The agent's user id."),
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
    limit: int = typer.Option(1000, help="How many history entries at most."),
) -> None:
    """Print an agent's ordered list: incoming, connected, then history."""
    configure_logging("WARNING")  # on stderr: the list alone is on stdout (JSON for tools)
    tasks = asyncio.run(load_view(tenant, user, limit))
    if as_json:
        typer.echo(json.dumps(tasks, indent=2))
    elif tasks:
        show(tasks, f"My Sessions of {user} ({tenant})")
    if not tasks:
        # On stderr with --json, so the output stays valid JSON for other tools.
        typer.echo(no_tasks_hint(tenant, user, asyncio.run(tenants_of(user))), err=as_json)


def show(tasks: list[dict[str, object]], title: str) -> None:
    table = Table(title=title)
    for column in ("state", "outcome", "service", "modality", "caller", "started", "timers"):
        table.add_column(column)
    for task in tasks:
        timers = task["timers"]
        assert isinstance(timers, dict)
        caller = task["caller"]
        assert isinstance(caller, dict)
        table.add_row(
            str(task["state"]) + (" (open)" if task["open"] else ""),
            str(task["outcome"] or ""),
            str(task["service_name"]),
            f"{task['modality']} {task['direction']}",
            str(caller["display_name"]),
            str(task["started_at"]),
            " ".join(f"{k[:-2]} {v:.0f}s" for k, v in timers.items() if v is not None),
        )
    Console().print(table)
