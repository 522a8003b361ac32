"""The one-line bar at the top of a screen: what it shows on the left, context on the right."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class TitleBar(Horizontal):
    def compose(self) -> ComposeResult:
        yield Static(classes="title-left")
        yield Static(classes="title-right")

    def show(self, left: Text, right: Text | None = None) -> None:
        left.no_wrap = True
        left.overflow = "ellipsis"
        self.query_one(".title-left", Static).update(left)
        self.query_one(".title-right", Static).update(right or Text())
