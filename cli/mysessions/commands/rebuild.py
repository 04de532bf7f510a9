"""``mysessions rebuild``: recompute the queue's Redis state from the task changelog and
the session events, refusing to delete what neither can restore."""

import asyncio

import typer
from queue_service.operate import RebuildReport, compare_prefixes, rebuild_prefix
from queue_service.settings import QueueSettings


def _explain_refusal(report: RebuildReport, settings: QueueSettings) -> str:
    worst = sorted({**report.missing, **report.older}.items(), key=lambda item: -item[1])[:5]
    return (
        f"refused: {report.would_lose} tasks stored now ({sum(report.missing.values())} "
        f"missing, {sum(report.older.values())} older) are neither in the changelog "
        f"{settings.changelog_topic!r} nor derivable from the events still in "
        f"{settings.source_topic!r}, so rebuilding would lose them. Nothing was deleted. "
        f"Most affected agents: {', '.join(f'{agent} ({n})' for agent, n in worst)}. "
        "Check that the queue workers wrote the changelog (QUEUE_CHANGELOG_TOPIC), or pass "
        "--force to rebuild anyway."
    )


async def _rebuild(prefix: str | None, compare_with: str | None, force: bool) -> int:
    settings = QueueSettings()
    target = prefix or settings.key_prefix
    report = await rebuild_prefix(settings, target, force=force)
    if report.refused:
        typer.echo(_explain_refusal(report, settings), err=True)
        return 1
    typer.echo(
        f"rebuilt prefix {target!r}: {report.changelog_records} changelog records "
        f"({report.changelog_invalid} invalid), {report.records} events "
        f"({report.invalid} invalid, {report.erased} of unprovisioned tenants or "
        f"services skipped); tasks {report.tasks_before} before, "
        f"{report.tasks_after} after; {report.deleted_keys} old keys replaced"
    )
    if compare_with is None:
        return 0
    compared = await compare_prefixes(settings, target, compare_with)
    if not compared.differing:
        typer.echo(f"identical to {compare_with!r}: {compared.agents} agents")
        return 0
    typer.echo(f"differs from {compare_with!r} for {len(compared.differing)} agents", err=True)
    return 1


def rebuild(
    prefix: str = typer.Option(None, help="Key prefix to rebuild (default: QUEUE_KEY_PREFIX)."),
    compare_with: str = typer.Option(None, help="Another prefix to compare the result with."),
    force: bool = typer.Option(
        False, "--force", help="Rebuild even if tasks stored now would be lost."
    ),
) -> None:
    """Rebuild agents' queues and histories from the task changelog and the event log (stop
    the queue workers first when rebuilding the live prefix)."""
    raise typer.Exit(asyncio.run(_rebuild(prefix, compare_with, force)))
