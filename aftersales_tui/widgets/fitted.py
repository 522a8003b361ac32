"""Text laid out for the width it is shown at, worked out once per width.

For widgets whose lines depend on their width (a label column with values wrapped beside it,
a left text cut to leave room for a right one, keys that fit whole): Textual asks a visual
for its height, then for its lines; both come from the same layout, made with Textual's own
``Content`` rather than through a Rich console.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual


class Fitted(Visual):
    """A visual of ``lay_out(width)``: a Content whose lines already fit ``width`` (or wrap
    there as Content does). Textual makes a new visual at each layout: ``lay_out`` should
    keep what it made for the last width."""

    def __init__(self, lay_out: Callable[[int], Content]) -> None:
        self._lay_out = lay_out

    def content(self, width: int) -> Content:
        return self._lay_out(width)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.content(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.content(width).get_height(rules, width)
