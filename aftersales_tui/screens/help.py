"""`?`: every key of the screen underneath, from the same bindings as the command palette."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ..i18n import _
from ..keys import screen_keys
from ..widgets.literal import one_line


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", _("Close"), id="close"),
        Binding("q", "close", _("Close"), show=False),
        Binding("question_mark", "close", _("Close"), key_display="?", show=False),
    ]

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self._keys = screen_keys(screen)
        self._title = _("Keys of this screen")

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        commands = [k for k in self._keys if k.is_command]
        moves = [k for k in self._keys if not k.is_command]
        for key in commands:
            table.add_row(Text(key.key), Text(key.description))
        table.add_row(Text("ctrl+p"), Text(_("Command palette: the keys above, by name")))
        if moves:
            table.add_row("", "")
            table.add_row("", Text(_("Moving around"), style="bold"))
            for key in moves:
                table.add_row(Text(key.key), Text(key.description, style="dim"))
        with Vertical(classes="modal-window help-window"):
            yield Static(one_line(self._title), classes="modal-title")
            with VerticalScroll():
                yield Static(table, id="help-keys")
            yield Static(Text(_("escape closes"), style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
