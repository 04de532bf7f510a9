"""The operator commands' output: a console for tables, progress bars for what takes long.

Bars go to stderr so ``--json`` output on stdout stays clean, and show only on a terminal
(a bar written to a file or pipe is noise)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

__all__ = ["progress_bar", "report_console"]

REPORT_WIDTH = 140
"""Tables written to a file or pipe: no terminal to fit, and 80 columns cut names."""


def report_console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=REPORT_WIDTH)


@contextmanager
def progress_bar(what: str) -> Iterator[Callable[[int, int], None]]:
    """Yields ``update(done, total)``."""
    console = Console(stderr=True)
    columns = (TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task(what, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
