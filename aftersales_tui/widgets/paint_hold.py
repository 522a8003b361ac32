"""Hold the app's screen updates for a moment, so that a change and its answer show together.

A key typed into the list's filter redraws the filter box at once; Textual then paints the next
frame no sooner than a frame period later, and often two. Held until the list's new rows are
there (or ``limit`` seconds, whichever comes first), the letter and the rows it selects are
painted in one frame, as soon as the rows are read.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from textual.app import App
from textual.timer import Timer


class PaintHold:
    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._held: ExitStack | None = None
        self._timer: Timer | None = None

    @property
    def held(self) -> bool:
        return self._held is not None

    def hold(self, app: App[Any]) -> None:
        """Suspend repaints until ``release``, for ``limit`` seconds at most (from the first
        ``hold``: typing on never keeps the screen still longer than that)."""
        if self._held is not None:
            return
        held = ExitStack()
        held.enter_context(app.batch_update())
        self._held = held
        self._timer = app.set_timer(self.limit, self.release, name="paint-hold")

    def release(self) -> None:
        """Paint again (what changed meanwhile is painted in the next frame)."""
        held, self._held = self._held, None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if held is not None:
            held.close()
