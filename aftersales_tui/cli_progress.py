"""A progress bar on stderr for the long commands (generate, import)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(title: str) -> Iterator[Callable[[int, int], None]]:
    """A callback ``(done, total)`` that draws the bar; the bar shows from its first call (so
    that nothing shows when the work is refused at once) and goes away at the end."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal:  # a log file or a pipe gets the summary only
        yield lambda done, total: None
        return
    columns = (BarColumn(), TaskProgressColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    bar = Progress(TextColumn(title), *columns, console=console, transient=True)
    task = bar.add_task(title, total=None)
    shown = False

    def progress(done: int, total: int) -> None:
        nonlocal shown
        if not shown:
            bar.start()
            shown = True
        bar.update(task, completed=done, total=total)

    try:
        yield progress
    finally:
        if shown:
            bar.stop()
