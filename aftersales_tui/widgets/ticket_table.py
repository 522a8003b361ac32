"""The ticket list: a virtual table that draws only the rows on screen.

The list can hold a million tickets. The table knows how many there are (or that there are
more than it counted), draws its lines itself, and reads the rows it is about to show in
blocks, in background threads; a row not read yet shows as ``…`` for the moment it takes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from rich.text import Text
from textual import events, work
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .. import formatting as fmt
from ..i18n import _
from ..services import ticket_rows as tl
from ..services.context import Context
from ..storage_cancel import Cancel, ReadCancelled
from ..workers import ReportsWorkerErrors
from . import ticket_columns as columns
from . import ticket_messages as messages
from . import ticket_reads as reads
from .paint_hold import PaintHold
from .row_window import BLOCK, BlockRead, RowWindow

if TYPE_CHECKING:
    from ..db import Database

# A new list's rows are painted with the key that asked for them if they come this soon.
HOLD_PAINT_S = 0.05


class TicketTable(ReportsWorkerErrors, ScrollView, can_focus=True):
    """Shows ``total`` tickets, holding only the blocks of rows around the screen."""

    BINDINGS = [
        Binding("enter", "select", _("Open ticket"), show=False),
        Binding("down,j", "cursor(1)", _("Down"), show=False),
        Binding("up,k", "cursor(-1)", _("Up"), show=False),
        Binding("pagedown", "page(1)", _("Page down"), show=False),
        Binding("pageup", "page(-1)", _("Page up"), show=False),
        Binding("home,g", "first", _("First ticket"), show=False),
        Binding("end,G", "last", _("Last ticket"), show=False),
    ]

    COMPONENT_CLASSES = {
        "ticket-table--header",
        "ticket-table--cursor",
        "ticket-table--cursor-blurred",
        "ticket-table--pending",
    }

    Highlighted: TypeAlias = messages.Highlighted
    Loaded: TypeAlias = messages.Loaded
    SortRequested: TypeAlias = messages.SortRequested
    TypedAhead: TypeAlias = messages.TypedAhead
    Selected: TypeAlias = messages.Selected

    def __init__(
        self, database: Callable[[], Database], ctx: Context, *, id: str | None = None
    ) -> None:
        """``database`` gives the open database; the list calls it in its reading threads
        only, so that it may wait there while the desk is being opened."""
        super().__init__(id=id)
        self._database = database
        self._ctx = ctx
        self.ticket_filter = tl.TicketFilter()
        self.ticket_sort = tl.TicketSort()
        self.window = RowWindow()
        self.cursor = 0
        self.marked: set[int] = set()
        self.ready = False
        self._generation = 0
        self._announced: int | None = None
        self._reading = False
        self._keep_cursor = False
        self._cancel: Cancel | None = None
        self._select_when_read = False
        self._painted = 0  # the generation whose rows are on screen
        self._hold = PaintHold(HOLD_PAINT_S)
        self._counting = False  # its count is on its way
        self._typing_ahead = False
        self._wanted: tuple[int, tl.TicketFilter, tl.TicketSort, int] | None = None
        self._shown_columns: tuple[columns.Column, ...] = ()

    @property
    def _db(self) -> Database:
        return self._database()

    # --- what the list holds ----------------------------------------------------------------

    @property
    def total(self) -> int:
        return self.window.total

    @property
    def capped(self) -> bool:
        """True when the list holds more than ``total`` tickets (it stopped counting)."""
        return not self.window.exact

    @property
    def counting(self) -> bool:
        """True while the list on screen is being counted (``total`` is a lower bound)."""
        return self._counting

    def row_at(self, index: int) -> tl.TicketRow | None:
        return self.window.row(index)

    @property
    def loaded(self) -> list[tl.TicketRow]:
        """The rows held in memory, in list order."""
        return self.window.rows()

    @property
    def current_id(self) -> int | None:
        row = self.window.row(self.cursor) if self.total else None
        return row.id if row is not None else None

    # --- loading ----------------------------------------------------------------------

    def reload(
        self,
        flt: tl.TicketFilter | None = None,
        sort: tl.TicketSort | None = None,
        *,
        keep_cursor: bool = False,
    ) -> None:
        """Read the list again (a new filter or sort, or a change made elsewhere)."""
        if flt is not None:
            self.ticket_filter = flt
        if sort is not None:
            self.ticket_sort = sort
        self._generation += 1
        self._keep_cursor = keep_cursor
        cursor = self.cursor if keep_cursor else 0
        self._wanted = (self._generation, self.ticket_filter, self.ticket_sort, cursor)
        if self.ready:  # (the first rows are not held: nothing else waits for them)
            self._hold.hold(self.app)
        if not self._reading:
            self._read_wanted()
        elif self._cancel is not None:
            self._cancel.cancel()  # its answer is no longer wanted: stop the query

    def _read_wanted(self) -> None:
        """Start the newest read asked for. Keys typed while one runs only replace the wish:
        each read that starts is the latest filter, and none waits behind stale ones."""
        if self._wanted is None:
            return
        wanted, self._wanted = self._wanted, None
        self._reading = True
        self._cancel = Cancel()
        self._load(*wanted, self._cancel)

    @work(thread=True, group="ticket-list", exit_on_error=False)
    def _load(
        self,
        generation: int,
        flt: tl.TicketFilter,
        sort: tl.TicketSort,
        cursor: int,
        cancel: Cancel,
    ) -> None:
        """The block under the cursor, painted at once; then the count (a newer wish
        cancels either, and its read starts when this one has stopped)."""
        try:
            first = reads.first_rows(self._db, self._ctx, flt, sort, cursor, cancel)
            self.app.call_from_thread(self._loaded, generation, first)
            counted = first.counted or reads.count(self._db, self._ctx, flt, cancel)
        except ReadCancelled:
            return  # a newer filter replaced it (the finally below starts that one)
        finally:
            self.app.call_from_thread(self._read_finished)
        if first.counted is None:
            self.app.call_from_thread(self.call_after_refresh, self._counted, generation, counted)

    def show_first(self, total: int, rows: list[tl.TicketRow]) -> None:
        """The first rows, read before the database was opened (``services.first_page``)."""
        first = reads.FirstRows(cursor=0, block=0, rows=rows, counted=tl.ListCount(total))
        self._loaded(self._generation, first)

    def _read_finished(self) -> None:
        self._reading = False
        self._read_wanted()

    def _loaded(self, generation: int, first: reads.FirstRows) -> None:
        """A new list's first rows, painted now; its count, title and side panel after."""
        if generation != self._generation:
            return  # an older request: the filter changed meanwhile
        self._hold.release()  # painted in the next frame, with what was held for them
        self._counting = first.counted is None
        if first.counted is not None:
            total, exact = first.counted.total, not first.counted.capped
        else:  # at least this block; until counted, the list it replaces gives a likelier length
            total, exact = max((first.block + 1) * BLOCK, self._keep_cursor * self.total), False
        cursor = first.cursor
        if self._keep_cursor:  # where the cursor is now (it may have moved meanwhile)
            cursor = max(0, min(self.cursor, total - 1))
        self.window.reset(total, exact)
        self.window.put(first.block, first.rows, cursor)
        self.cursor = cursor
        self.ready = True
        self._painted = generation
        self._layout_columns()
        if not self._counting:  # else with the count: a new height costs a layout of the screen
            self._resize_virtual()
        self._scroll_to_cursor(centre=True)
        self.refresh()
        self.call_after_refresh(self._after_paint, generation)
        if self._select_when_read and self._wanted is None:
            self._select_when_read = False
            self.action_select()

    def _after_paint(self, generation: int) -> None:
        if generation == self._generation:
            self.post_message(self.Loaded(self.total))
            self._announce(force=True)

    def _counted(self, generation: int, counted: tl.ListCount) -> None:
        if generation != self._generation or not self._counting:
            return  # another list by now, or counted further meanwhile (the end key)
        self._grow(counted)

    def _grow(self, counted: tl.ListCount) -> None:
        """The list's length is now ``counted``: the scrollbar and the title follow."""
        self._counting = False
        self.window.grow(counted.total, not counted.capped)
        self._resize_virtual()
        self.post_message(self.Loaded(self.total))

    def _fetch_missing(self) -> None:
        top = round(self.scroll_offset.y)
        height = max(1, self.size.height - 1)
        wanted = self.window.missing(top - BLOCK // 2, top + height + BLOCK // 2)
        cursor_block = self.window.missing(self.cursor, self.cursor)
        for block in dict.fromkeys(cursor_block + wanted):
            self._fetch_block(self._generation, self.window.plan(block))

    @work(thread=True, group="ticket-blocks", exit_on_error=False)
    def _fetch_block(self, generation: int, read: BlockRead) -> None:
        rows = reads.block_rows(self._db, self._ctx, self.ticket_filter, self.ticket_sort, read)
        self.app.call_from_thread(self._block_read, generation, read.block, rows)

    def _block_read(self, generation: int, block: int, rows: list[tl.TicketRow]) -> None:
        if generation != self._generation:
            return
        self.window.put(block, rows, self.cursor)
        if len(rows) < BLOCK and self.window.exact:
            # The list ended sooner than counted (tickets gone meanwhile): read it again.
            if block * BLOCK + len(rows) < self.total:
                self.reload(keep_cursor=True)
                return
        self.refresh()
        self._announce()

    @work(thread=True, exclusive=True, group="ticket-count", exit_on_error=False)
    def _count_further(self, generation: int, cap: int | None, then_last: bool = False) -> None:
        """Count past the cap (``None``: to the end) once the agent goes that far."""
        counted = reads.count(self._db, self._ctx, self.ticket_filter, None, cap or 2**62)
        self.app.call_from_thread(self._counted_further, generation, counted, then_last)

    def _counted_further(self, generation: int, counted: tl.ListCount, then_last: bool) -> None:
        if generation != self._generation:
            return
        self._grow(counted)
        self.refresh()
        if then_last:
            self._move(self.total - 1)

    def go_to(self, number: int) -> None:
        """Put the cursor on ticket ``number`` if the list holds it."""
        self._find(self.ticket_filter, self.ticket_sort, number)

    @work(thread=True, exclusive=True, group="ticket-find", exit_on_error=False)
    def _find(self, flt: tl.TicketFilter, sort: tl.TicketSort, number: int) -> None:
        index = reads.position(self._db, self._ctx, flt, sort, number)
        self.app.call_from_thread(self._found, (flt, sort), number, index)

    def _found(
        self, listed: tuple[tl.TicketFilter, tl.TicketSort], number: int, index: int | None
    ) -> None:
        if listed != (self.ticket_filter, self.ticket_sort):
            return  # another list by now
        if index is None:
            self.app.notify(
                _("Ticket {ref} is not in this list").format(ref=fmt.ticket_ref(number)),
                severity="warning",
            )
            return
        if index >= self.total:  # past a capped count: the list is at least that long
            self.window.grow(index + 1, False)
            self._resize_virtual()
        self._move(index, centre=True)

    # --- geometry and drawing ---------------------------------------------------------------

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.total + 1)

    def _layout_columns(self) -> None:
        """The columns that fit; the title takes what the others leave."""
        width = self.scrollable_content_region.width or 100
        self._shown_columns = columns.layout(width, self.window.widest_number())

    @property
    def shown_columns(self) -> tuple[str, ...]:
        return tuple(key for key, _label, _w in self._shown_columns)

    def on_resize(self, event: events.Resize) -> None:
        self._layout_columns()
        self._resize_virtual()
        self._scroll_to_cursor()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = columns.header(self._shown_columns, self.ticket_sort)
            style = base + self.get_component_rich_style("ticket-table--header")
            return columns.strip(header, style, width, self.app.console)
        index = round(self.scroll_offset.y) + y - 1
        if not self.ready or index >= self.total:
            return Strip.blank(width, base)
        row = self.window.row(index)
        if row is None:
            self.call_after_refresh(self._fetch_missing)
            pending = self.get_component_rich_style("ticket-table--pending")
            return columns.strip(Text(" …"), base + pending, width, self.app.console)
        style = base
        if index == self.cursor:
            focused = "ticket-table--cursor" if self.has_focus else "ticket-table--cursor-blurred"
            style = base + self.get_component_rich_style(focused)
        marked = row.id in self.marked
        return columns.row_strip(self._shown_columns, row, marked, self._ctx, style, width)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._fetch_missing()

    def on_key(self, event: events.Key) -> None:
        """After ``/``, what is typed belongs to the filter, even the keys already on their
        way here before the filter took the focus (``/1042`` enter, typed in one burst)."""
        if event.key == "slash":
            self._typing_ahead = True
        elif self._typing_ahead and (event.is_printable or event.key in ("enter", "backspace")):
            event.stop()
            event.prevent_default()
            self.post_message(self.TypedAhead(event.key, event.character))

    def on_focus(self) -> None:
        self._typing_ahead = False
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_unmount(self) -> None:
        self._hold.release()

    # --- the cursor ---------------------------------------------------------------------------

    @property
    def page_height(self) -> int:
        return max(1, self.size.height - 1)

    def _move(self, index: int, *, centre: bool = False) -> None:
        if not self.total:
            return
        self.cursor = max(0, min(index, self.total - 1))
        if self.capped and not self._counting and self.cursor >= self.total - BLOCK:
            self._count_further(self._generation, self.total * 10)
        self._scroll_to_cursor(centre=centre)
        self._fetch_missing()
        self.refresh()
        self._announce()

    def _scroll_to_cursor(self, *, centre: bool = False) -> None:
        top = round(self.scroll_offset.y)
        height = self.page_height
        if centre and not top <= self.cursor < top + height:
            top = self.cursor - height // 2
        elif self.cursor < top:
            top = self.cursor
        elif self.cursor >= top + height:
            top = self.cursor - height + 1
        top = max(0, min(top, self.total + 1 - self.size.height))
        if top != round(self.scroll_offset.y):
            self.scroll_to(y=top, animate=False, immediate=True)

    def _announce(self, *, force: bool = False) -> None:
        """Tell the screen which ticket is highlighted, once it is read."""
        current = self.current_id
        if current is None and self.total and self.window.row(self.cursor) is None:
            return  # its block is on its way
        if current != self._announced or force:
            self._announced = current
            self.post_message(self.Highlighted(current))

    def action_cursor(self, step: int) -> None:
        self._move(self.cursor + step)

    def action_page(self, pages: int) -> None:
        self._move(self.cursor + pages * self.page_height)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        if self.capped:
            self._count_further(self._generation, None, then_last=True)
        else:
            self._move(self.total - 1)

    def action_select(self) -> None:
        """Open the highlighted ticket; typed ahead of a read (``/1042`` then enter at once),
        open what the read brings, not the row that was there before it."""
        if self._painted != self._generation:
            self._select_when_read = True
            return
        current = self.current_id
        if current is not None:
            self.post_message(self.Selected(current))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            self._header_clicked(event.x)
            return
        index = round(self.scroll_offset.y) + event.y - 1
        if index >= self.total:
            return
        if index == self.cursor:
            self.action_select()
        else:
            self._move(index)

    def _header_clicked(self, x: int) -> None:
        sort = columns.sort_at(self._shown_columns, x)
        if sort is not None:
            self.post_message(self.SortRequested(sort))

    # --- marks --------------------------------------------------------------------------------

    def toggle_mark(self) -> None:
        """Mark or unmark the highlighted ticket, then move down (to mark a run quickly)."""
        ticket_id = self.current_id
        if ticket_id is None:
            return
        self.marked.symmetric_difference_update({ticket_id})
        if self.cursor < self.total - 1:
            self._move(self.cursor + 1)
        else:
            self.refresh()

    def clear_marks(self) -> None:
        self.marked = set()
        self.refresh()

    def targets(self) -> list[int]:
        """The tickets a triage change applies to: the marked ones, else the highlighted one."""
        if self.marked:
            return sorted(self.marked)
        current = self.current_id
        return [current] if current is not None else []
