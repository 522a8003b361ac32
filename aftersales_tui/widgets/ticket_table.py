"""The ticket list: a table that reads tickets page by page as the cursor moves down."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.widgets import DataTable

from .. import formatting as fmt
from ..db import Database
from ..i18n import _
from ..services import Context
from ..services import ticket_list as tl
from ..workers import ReportsWorkerErrors
from .literal import one_line

MARK = "●"
PREFETCH_MARGIN = 30

# (key, label, width); a width of 0 takes what is left for the title. The number column
# also carries the mark (●) and is as wide as the widest number read so far.
_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("number", "#", 5),
    ("title", _("Title"), 0),
    ("customer", _("Customer"), 14),
    ("team", _("Team"), 12),
    ("stage", _("Stage"), 11),
    ("priority", _("Pri"), 3),
    ("assignee", _("Assigned"), 12),
    ("age", _("Age"), 4),
)
# Dropped first when the table is narrow, in this order.
_OPTIONAL = ("team", "assignee", "age", "customer")
_MIN_TITLE = 18
_SCROLLBAR = 2
_SORT_OF_COLUMN = {
    "number": tl.SortKey.NUMBER,
    "title": tl.SortKey.TITLE,
    "customer": tl.SortKey.CUSTOMER,
    "team": tl.SortKey.TEAM,
    "stage": tl.SortKey.STAGE,
    "priority": tl.SortKey.PRIORITY,
    "assignee": tl.SortKey.ASSIGNEE,
    "age": tl.SortKey.AGE,
}


class TicketTable(ReportsWorkerErrors, DataTable[Text]):
    """Shows ``total`` tickets but only ever holds the pages read so far (``loaded``)."""

    BINDINGS = [
        Binding("enter", "select_cursor", _("Open ticket"), show=False),
        Binding("j", "cursor_down", _("Down"), show=False),
        Binding("k", "cursor_up", _("Up"), show=False),
        Binding("g", "first", _("First ticket"), show=False),
        Binding("G", "last", _("Last loaded ticket"), show=False),
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor is on another ticket (``None``: the list is empty)."""

        ticket_id: int | None

    @dataclass
    class Loaded(Message):
        """A new result set (filter or sort changed) has its first page on screen."""

        total: int

    @dataclass
    class SortRequested(Message):
        key: tl.SortKey

    def __init__(self, db: Database, ctx: Context, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._db = db
        self._ctx = ctx
        self.ticket_filter = tl.TicketFilter()
        self.ticket_sort = tl.TicketSort()
        self.loaded: list[tl.TicketRow] = []
        self.total = 0
        self.marked: set[int] = set()
        self._generation = 0
        self._loading_more = False
        self._shown_columns: tuple[str, ...] = ()

    # --- loading ----------------------------------------------------------------------

    def reload(
        self,
        flt: tl.TicketFilter | None = None,
        sort: tl.TicketSort | None = None,
        *,
        keep_cursor: bool = False,
    ) -> None:
        """Read the first page again (for a new filter or sort, or after a change)."""
        if flt is not None:
            self.ticket_filter = flt
        if sort is not None:
            self.ticket_sort = sort
        self._generation += 1
        keep = self.cursor_row if keep_cursor else 0
        limit = max(tl.PAGE_SIZE, keep + PREFETCH_MARGIN)
        self._load(self._generation, 0, limit, keep, True)

    @work(thread=True, exclusive=True, group="ticket-list", exit_on_error=False)
    def _load(self, generation: int, offset: int, limit: int, cursor: int, fresh: bool) -> None:
        page = tl.load_page(
            self._db,
            self._ctx,
            self.ticket_filter,
            self.ticket_sort,
            offset,
            limit,
            with_total=fresh,
        )
        self.app.call_from_thread(self._apply, generation, page, cursor, fresh)

    def _apply(self, generation: int, page: tl.TicketPage, cursor: int, fresh: bool) -> None:
        if generation != self._generation:
            return  # an older request: the filter changed meanwhile
        self._loading_more = False
        if not fresh:
            self.loaded.extend(page.rows)
            for row in page.rows:
                self._add(row)
            return
        self.loaded = list(page.rows)
        self.total = page.total
        self._rebuild()
        if self.loaded:
            self.move_cursor(row=min(cursor, len(self.loaded) - 1), scroll=True)
        self.post_message(self.Loaded(self.total))
        self._announce()

    def _maybe_load_more(self) -> None:
        if self._loading_more or len(self.loaded) >= self.total:
            return
        if self.cursor_row >= len(self.loaded) - PREFETCH_MARGIN:
            self._loading_more = True
            self._load(self._generation, len(self.loaded), tl.PAGE_SIZE, 0, False)

    # --- rendering --------------------------------------------------------------------

    def _columns_for(self, width: int) -> tuple[tuple[str, str, int], ...]:
        """The columns that fit ``width``; the title takes what the others leave."""
        digits = max((len(str(row.number)) for row in self.loaded), default=4)
        columns = [(key, label, digits + 1 if key == "number" else w) for key, label, w in _COLUMNS]
        padding = 2 * self.cell_padding
        room = width - _SCROLLBAR

        def fixed() -> int:
            return sum(w + padding for _key, _label, w in columns if w)

        for optional in _OPTIONAL:
            if fixed() + _MIN_TITLE + padding <= room:
                break
            columns = [c for c in columns if c[0] != optional]
        title = max(_MIN_TITLE, room - fixed() - padding)
        return tuple((key, label, w or title) for key, label, w in columns)

    def _rebuild(self) -> None:
        columns = self._columns_for(self.size.width or 100)
        self._shown_columns = tuple(key for key, _label, _w in columns)
        self.clear(columns=True)
        for key, label, width in columns:
            self.add_column(self._header(key, label), width=width, key=key)
        for row in self.loaded:
            self._add(row)

    def _header(self, key: str, label: str) -> Text:
        if _SORT_OF_COLUMN.get(key) == self.ticket_sort.key:
            arrow = " ▼" if self.ticket_sort.descending else " ▲"
            return Text(label + arrow, style="bold")
        return Text(label)

    def _number(self, row: tl.TicketRow) -> Text:
        if row.id in self.marked:
            return Text.assemble((MARK, "bold"), str(row.number))
        return Text(f" {row.number}")

    def _cells(self, row: tl.TicketRow) -> list[Text]:
        values = {
            "number": self._number(row),
            "title": one_line(row.title),
            "customer": one_line(row.customer),
            "team": one_line(row.team),
            "stage": Text(fmt.stage_label(row.stage)),
            "priority": Text(fmt.priority_stars(row.priority)),
            "assignee": one_line(row.assignee),
            "age": Text(fmt.age(row.created_at, self._ctx.now())),
        }
        return [values[key] for key in self._shown_columns]

    def _add(self, row: tl.TicketRow) -> None:
        self.add_row(*self._cells(row), key=str(row.id))

    def on_resize(self, event: Resize) -> None:
        """Column widths follow the table's width (the title takes what is left)."""
        cursor = self.cursor_row
        self._rebuild()
        if self.loaded:
            self.move_cursor(row=min(cursor, len(self.loaded) - 1))

    # --- cursor and marks -------------------------------------------------------------

    @property
    def current_id(self) -> int | None:
        if not self.loaded or not 0 <= self.cursor_row < len(self.loaded):
            return None
        return self.loaded[self.cursor_row].id

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self.current_id))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._announce()
        self._maybe_load_more()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = _SORT_OF_COLUMN.get(str(event.column_key.value))
        if key is not None:
            self.post_message(self.SortRequested(key))

    def toggle_mark(self) -> None:
        """Mark or unmark the highlighted ticket, then move down (to mark a run quickly)."""
        ticket_id = self.current_id
        if ticket_id is None:
            return
        self.marked.symmetric_difference_update({ticket_id})
        self.update_cell(str(ticket_id), "number", self._number(self.loaded[self.cursor_row]))
        if self.cursor_row < len(self.loaded) - 1:
            self.move_cursor(row=self.cursor_row + 1)

    def clear_marks(self) -> None:
        marked, self.marked = self.marked, set()
        for row in self.loaded:
            if row.id in marked:
                self.update_cell(str(row.id), "number", self._number(row))

    def targets(self) -> list[int]:
        """The tickets a triage change applies to: the marked ones, else the highlighted one."""
        if self.marked:
            return sorted(self.marked)
        current = self.current_id
        return [current] if current is not None else []

    def action_first(self) -> None:
        if self.loaded:
            self.move_cursor(row=0)

    def action_last(self) -> None:
        if self.loaded:
            self.move_cursor(row=len(self.loaded) - 1)
