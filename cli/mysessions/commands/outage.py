"""An operator command whose server is away ends with one plain line, not a traceback."""

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

import typer
from mysessions_platform.failures import Failure, classify, describe
from mysessions_platform.logging import configure_logging

__all__ = ["quiet_logging", "run_or_explain"]

T = TypeVar("T")


def quiet_logging() -> None:
    """Warnings only, on stderr (stdout is the command's output: tables, ``--json``,
    ``--raw``); aiokafka's own line per refused connection is left out, the command
    says it once."""
    configure_logging("WARNING")
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)


def run_or_explain(work: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(work)``; an outage (a server away, slow or refusing) exits 1 saying so
    and pointing at ``mysessions doctor``. Anything else is a bug and keeps its traceback."""
    try:
        return asyncio.run(work)
    except Exception as error:
        if classify(error) is not Failure.OUTAGE:
            raise
        typer.echo(
            f"a server did not answer: {describe(error)}. `mysessions doctor` says which"
            " and what to do.",
            err=True,
        )
        raise typer.Exit(1) from None
