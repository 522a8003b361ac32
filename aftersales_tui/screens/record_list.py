"""The base of the lists behind smart buttons (and the Outbox): a title, a table, the keys.

A subclass names its columns, reads its rows and turns one row into cells; the base keeps
the cursor where it was across reloads and gives every list the same keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer

from ..i18n import _
from ..services import tickets
from ..widgets.literal import one_line
from ..widgets.title_bar import TitleBar
from .base import DeskScreen

Row = TypeVar("Row")


class RecordListScreen(DeskScreen, Generic[Row]):
    BINDINGS = [
        Binding("escape", "back", _("Back"), show=False, id="escape-back"),
        Binding("j", "cursor(1)", _("Down"), show=False, id="down"),
        Binding("k", "cursor(-1)", _("Up"), show=False, id="up"),
    ]

    # (key, label, width) of each column.
    COLUMNS: ClassVar[Sequence[tuple[str, str, int]]] = ()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield DataTable(cursor_type="row", classes="record-list")
        yield from self.below_table()
        yield Footer(compact=True)

    def below_table(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.query_one(TitleBar).show(self.title_text())
        table = self.query_one(DataTable)
        for key, label, width in self.COLUMNS:
            table.add_column(label, key=key, width=width)
        self.reload()
        table.focus()

    def ticket_title(self, what: str, ticket_id: int) -> Text:
        """``Credit Notes · #1041 Refund for damaged chair``."""
        ticket = tickets.load(self.desk.db, ticket_id)
        title = Text.assemble((what, "bold"), " · ", ticket.ref, " ")
        title.append_text(one_line(ticket.title))
        return title

    # --- what a list says -----------------------------------------------------------------

    def title_text(self) -> Text:
        raise NotImplementedError

    def read_rows(self) -> list[Row]:
        raise NotImplementedError

    def cells(self, row: Row) -> Sequence[Any]:
        raise NotImplementedError

    def row_key(self, row: Row) -> str:
        return str(getattr(row, "id"))  # noqa: B009 - every record row has an id

    # --- reading and moving -----------------------------------------------------------------

    def reload(self) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        self.rows = self.read_rows()
        table.clear()
        for row in self.rows:
            table.add_row(*self.cells(row), key=self.row_key(row))
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))

    def current(self) -> Row | None:
        table = self.query_one(DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        if step > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()
