"""``mysessions docs generate [--check]``: the API documents under ``docs/``."""

import asyncio
from pathlib import Path

import typer

docs_app = typer.Typer(no_args_is_help=True)


@docs_app.command()
def generate(
    out: Path = typer.Option(Path("docs"), help="The documents' folder."),
    check: bool = typer.Option(
        False, "--check", help="Change nothing; exit 1 naming each file that is not current."
    ),
) -> None:
    """Write each worker's AsyncAPI document (docs/asyncapi/<worker>.yaml) and the gateway's
    OpenAPI (docs/openapi/gateway.json) and the upstream edge's (docs/openapi/upstream.json)
    from the apps themselves; connects to nothing."""
    # Imported here: they build every worker and the gateway, which no other command needs.
    from mysessions.api_docs.documents import documents
    from mysessions.api_docs.files import compare, write

    texts = asyncio.run(documents())
    if check:
        differences = compare(out, texts)
        for difference in differences:
            typer.echo(difference)
        if differences:
            typer.echo("the API documents are not current: run `uv run mysessions docs generate`")
            raise typer.Exit(1)
        typer.echo(f"all {len(texts)} API documents are current")
        return
    changed = write(out, texts)
    for path in changed:
        typer.echo(f"wrote {path}" if path.exists() else f"removed {path}")
    typer.echo(f"{len(texts)} API documents, {len(changed)} changed")
