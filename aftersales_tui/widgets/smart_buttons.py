"""The smart buttons: a labelled count per kind of linked record, with its states."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from ..i18n import _
from ..services.link_kinds import LinkKind, SmartButton


class SmartButtonBox(Static):
    """One smart button: ``Credit Notes 3`` over ``1 draft · 2 posted``.

    It becomes focusable (and opens its list) once that kind has a list screen.
    """

    @dataclass
    class Pressed(Message):
        kind: LinkKind

    def __init__(self, button: SmartButton, *, one_line: bool = False, openable: bool) -> None:
        super().__init__(classes=f"smart-button -{button.kind.value}")
        self.button = button
        self.one_line = one_line
        self.can_focus = openable

    def show(self, button: SmartButton) -> None:
        """Other counts of the same kind."""
        self.button = button
        self.refresh(layout=True)

    def render(self) -> Content:
        """One line (``Credit Notes   3  1 draft · 2 posted``) or a box: label over states."""
        button = self.button
        if self.one_line:
            return Content.assemble(
                (f"{button.label:<13}{button.total:>3}  ", "bold"), (button.breakdown, "dim")
            )
        return Content.assemble((button.label, "bold"), "\n", button.breakdown.replace(" · ", "\n"))

    BINDINGS = [Binding("enter,space", "press", _("Open"), show=False)]

    def on_click(self) -> None:
        self.action_press()

    def action_press(self) -> None:
        if self.can_focus:
            self.post_message(self.Pressed(self.button.kind))


class SmartButtonPanel(Container):
    """The smart buttons of one ticket; only kinds with a count above zero are shown.

    A box per kind of linked record is built once, in the order of ``LinkKind``, and shown
    or hidden: showing another ticket mounts nothing.
    """

    def __init__(
        self,
        buttons: Sequence[SmartButton] = (),
        *,
        one_line: bool = False,
        openable: frozenset[LinkKind] = frozenset(),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.one_line = one_line
        self.openable = openable
        self.buttons: tuple[SmartButton, ...] = tuple(buttons)

    def compose(self) -> ComposeResult:
        empty = Static(Text(_("No linked records yet"), style="dim"), classes="smart-empty")
        empty.display = not self.buttons
        yield empty
        by_kind = {button.kind: button for button in self.buttons}
        for kind in LinkKind:
            button = by_kind.get(kind)
            box = SmartButtonBox(
                button or SmartButton(kind, 0, ()),
                one_line=self.one_line,
                openable=kind in self.openable,
            )
            box.display = button is not None
            yield box

    def show(self, buttons: Sequence[SmartButton]) -> None:
        if tuple(buttons) == self.buttons:
            return
        self.buttons = tuple(buttons)
        by_kind = {button.kind: button for button in buttons}
        for child in self.children:
            if isinstance(child, SmartButtonBox):
                button = by_kind.get(child.button.kind)
                if button is not None and button != child.button:
                    child.show(button)
                wanted = button is not None
            else:
                wanted = not buttons
            if child.display != wanted:  # setting it, even unchanged, repaints
                child.display = wanted
