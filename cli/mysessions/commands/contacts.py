"""``mysessions contacts import``: load a tenant's address book or user directory from CSV.

Idempotent: contacts are upserted by id (directory users by UPN), an unchanged row is not
written, and nothing is deleted. Output names rows and columns, never a phone number or an
e-mail address.
"""

import asyncio
import re
from enum import StrEnum
from pathlib import Path

import typer
from context_service.contacts_import import (
    COLUMNS,
    MAX_ROWS,
    FileRejected,
    ImportReport,
    check_region,
    import_parsed,
    read_file,
)
from mysessions_platform.mongo import mongo_client, mongo_database
from mysessions_platform.settings import ServerSettings

contacts_app = typer.Typer(no_args_is_help=True)

TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$")
MAX_ERRORS_SHOWN = 50


class ImportKind(StrEnum):
    contacts = "contacts"
    directory = "directory"


async def _store(
    url: str,
    database: str | None,
    tenant: str,
    kind: ImportKind,
    file: Path,
    region: str | None,
    dry_run: bool,
) -> ImportReport:
    parsed = read_file(file, kind.value, region)
    async with mongo_client(url) as client:
        target = client[database] if database else mongo_database(client)
        return await import_parsed(target, tenant, kind.value, parsed, dry_run=dry_run)


def _print(report: ImportReport, tenant: str) -> None:
    for error in report.rejected[:MAX_ERRORS_SHOWN]:
        typer.echo(f"row {error.row}: {error.reason}", err=True)
    if len(report.rejected) > MAX_ERRORS_SHOWN:
        typer.echo(f"… and {len(report.rejected) - MAX_ERRORS_SHOWN} more rejected rows", err=True)
    suffix = " (dry run: nothing written)" if report.dry_run else ""
    typer.echo(
        f"{report.kind} of tenant {tenant}: {report.imported} imported, {report.updated} "
        f"updated, {report.unchanged} unchanged, {len(report.rejected)} rejected{suffix}"
    )


IMPORT_HELP = (
    f"Import contacts (columns: {', '.join(COLUMNS['contacts'])}; phones and emails hold up "
    f"to 10 values separated by ';') or directory users ({', '.join(COLUMNS['directory'])}) "
    f"from a UTF-8 CSV file with a header row, at most {MAX_ROWS} rows. Exit code 1 when a "
    "row was rejected (the others are imported), 2 when the whole file was refused."
)


@contacts_app.command("import", help=IMPORT_HELP)
def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    tenant: str = typer.Option(..., help="Tenant id."),
    region: str | None = typer.Option(
        None, help="Region for numbers written without a country code (e.g. CH)."
    ),
    kind: ImportKind = typer.Option(ImportKind.contacts, help="Address book or user directory."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count what would change; write nothing."
    ),
    database: str | None = typer.Option(
        None,
        help="MongoDB database; default the one in MONGODB_URL's path, else mysessions "
        "(where every worker reads).",
    ),
) -> None:
    if not TENANT.match(tenant):
        raise typer.BadParameter("not a tenant id", param_hint="--tenant")
    try:
        region = check_region(region)  # upper-cased
    except ValueError as invalid:
        raise typer.BadParameter(str(invalid), param_hint="--region") from None
    url = ServerSettings().mongodb_url
    try:
        report = asyncio.run(_store(url, database, tenant, kind, file, region, dry_run))
    except FileRejected as refused:
        typer.echo(f"{file.name}: refused, nothing imported: {refused}", err=True)
        raise typer.Exit(2) from None
    _print(report, tenant)
    raise typer.Exit(1 if report.rejected else 0)
