"""The one place where a failed background database call is reported to the agent.

Textual posts a worker's state changes to the node that started it (they do not bubble),
so every node that runs workers mixes in ``ReportsWorkerErrors``.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.worker import Worker, WorkerState

from .i18n import _
from .services import AfterSalesError
from .storage_errors import StorageError


def report_error(app: App[Any], error: BaseException | None, what: str) -> None:
    """Tell the agent why ``what`` (a read, a save) failed; log what was not foreseen."""
    if isinstance(error, AfterSalesError | StorageError):
        app.notify(str(error), severity="error", timeout=8)
        return
    app.log.error(f"{what} failed: {error!r}")
    app.notify(_("Unexpected error: {error}").format(error=error), severity="error", timeout=10)


def report_failure(app: App[Any], worker: Worker[Any]) -> None:
    report_error(app, worker.error, f"worker {worker.name}")


class ReportsWorkerErrors:
    """Mixin for widgets and screens that start workers."""

    app: App[Any]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            report_failure(self.app, event.worker)
