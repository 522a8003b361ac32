"""The one-line bar at the top of a screen: what it shows on the left, context on the right."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.widget import Widget

from .fitted import Fitted

# Between the left text and the right one, at least.
GAP = 2


class TitleBar(Widget):
    """A single widget (it is on every screen): the whole right text, and the left one cut
    with "…" where it would come closer than ``GAP`` cells to it."""

    def __init__(
        self, left: Text | None = None, right: Text | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.left = left or Text()
        self.right = right or Text()
        self._line: tuple[int, Content] | None = None

    def show(self, left: Text, right: Text | None = None) -> None:
        self.left = left
        self.right = right or Text()
        self._line = None
        self.refresh()

    def _lay_out(self, width: int) -> Content:
        if self._line is None or self._line[0] != width:
            console = self.app.console
            right = Content.from_rich_text(self.right, console=console)
            right = right.truncate(max(0, width - GAP))
            left = Content.from_rich_text(self.left, console=console).truncate(
                max(0, width - GAP - right.cell_length), ellipsis=True, pad=True
            )
            line = Content.assemble(left, " " * GAP, right).truncate(width)
            self._line = (width, line)
        return self._line[1]

    def render(self) -> Fitted:
        return Fitted(self._lay_out)
