"""The ticket list's filter box: what is typed reaches the list within the key's handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterBox(Input):
    """An ``Input`` that hands every new value to ``typed`` as it changes, before the screen
    repaints (``Input.Changed`` comes a few messages later, after a frame with the letter
    alone, which then delays the frame with the list it selects)."""

    # Input sets its virtual size (the text's width) on every key; in a box of fixed width that
    # needs a repaint, not a layout of the whole screen.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, typed: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._typed = typed

    def watch_value(self, value: str) -> None:
        self._typed(value)
