"""The lines of a reverse transfer: a table of what can come back, edited from the keyboard.

The table shows each line's delivered, already returned and returnable quantities and the
quantity to return. ``enter`` (or typing a digit) edits the highlighted line's quantity in the
input under the table; ``enter`` there keeps it and moves to the next line, ``escape`` drops
the edit. ``x`` / ``delete`` removes the line; ``refill`` ("Return All") brings every line back
at its returnable quantity. Each quantity is checked by the returns service as it is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label

from .. import formatting as fmt
from ..i18n import _
from ..services import AfterSalesError
from ..services.returns import LineQuantity, check_quantity, parse_quantity
from ..services.stock import ReturnLine
from .literal import one_line

NUMBER_KEYS = frozenset("0123456789.")


class LinesTable(DataTable[Text]):
    """The table itself: ``enter`` or a digit edits, ``x`` / ``delete`` removes."""

    BINDINGS = [
        Binding("enter", "edit", _("Edit quantity"), id="edit-line"),
        Binding("x,delete", "remove", _("Remove line"), id="remove-line"),
    ]

    @dataclass
    class EditWanted(Message):
        typed: str | None  # the first character typed, or None to edit the quantity as it is

    @dataclass
    class RemoveWanted(Message):
        pass

    def action_edit(self) -> None:
        self.post_message(self.EditWanted(None))

    def action_remove(self) -> None:
        self.post_message(self.RemoveWanted())

    def on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character in NUMBER_KEYS:
            event.stop()
            event.prevent_default()
            self.post_message(self.EditWanted(event.character))


class QuantityInput(Input):
    """Where the highlighted line's quantity is typed; ``escape`` drops what was typed."""

    BINDINGS = [Binding("escape", "drop", _("Undo edit"), id="undo-edit")]

    @dataclass
    class Dropped(Message):
        pass

    def action_drop(self) -> None:
        self.post_message(self.Dropped())


PRODUCT_WIDTH = (12, 26)  # the product column takes the room left, within these bounds
COLUMNS = (
    ("product", _("Product"), PRODUCT_WIDTH[1]),
    ("lot", _("Lot/Serial"), 13),
    ("delivered", _("Delivered"), 9),
    ("returned", _("Returned"), 8),
    ("returnable", _("Returnable"), 10),
    ("quantity", _("To return"), 9),
)
WIDTHS = {key: width for key, _label, width in COLUMNS}
NUMBERS = frozenset({"delivered", "returned", "returnable", "quantity"})


class ReturnLinesEditor(Vertical):
    """The lines kept for the return and their quantities (the table plus its input)."""

    @dataclass
    class Problem(Message):
        """A quantity the service refused: shown under the table."""

        message: str

    @dataclass
    class Kept(Message):
        """A quantity was kept (an earlier problem is gone)."""

    def __init__(
        self,
        lines: Sequence[ReturnLine],
        quantities: dict[int, Decimal] | None = None,
        focus_line_id: int | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._lines: dict[int, ReturnLine] = {}
        self._kept: dict[int, Decimal] = {}
        self._start = (list(lines), quantities, focus_line_id)

    def compose(self) -> ComposeResult:
        yield LinesTable(id="lines", cursor_type="row", zebra_stripes=False)
        with Horizontal(classes="line-edit"):
            yield Label(_("Quantity to return"), classes="form-label")
            yield QuantityInput(id="line-quantity", compact=True, max_length=16)
            yield Label("", id="line-edited", classes="line-edited")

    def on_mount(self) -> None:
        self._add_columns(PRODUCT_WIDTH[1])
        self.load(*self._start)

    def _add_columns(self, product_width: int) -> None:
        table = self.query_one(LinesTable)
        for key, label, width in COLUMNS:
            width = product_width if key == "product" else width
            table.add_column(label.rjust(width) if key in NUMBERS else label, key=key, width=width)

    def on_resize(self) -> None:
        """On a narrow terminal the product column gives up room, so quantities stay seen."""
        table = self.query_one(LinesTable)
        others = sum(width for key, _label, width in COLUMNS if key != "product")
        padding = 2 * table.cell_padding * len(COLUMNS) + 1  # and a scrollbar's width
        wanted = max(PRODUCT_WIDTH[0], min(PRODUCT_WIDTH[1], self.size.width - others - padding))
        if table.columns and table.ordered_columns[0].width != wanted:
            current = self.current()
            table.clear(columns=True)
            self._add_columns(wanted)
            self._redraw(current.id if current else None)

    # --- what the editor holds ---------------------------------------------------------

    def load(
        self,
        lines: Iterable[ReturnLine],
        quantities: dict[int, Decimal] | None = None,
        focus_line_id: int | None = None,
    ) -> None:
        """Show a delivery's lines; ``quantities`` (line id -> quantity) keeps only those lines."""
        self._lines = {line.id: line for line in lines}
        if quantities is None:
            self._kept = {i: line.returnable for i, line in self._lines.items()}
        else:
            self._kept = {i: q for i, q in quantities.items() if i in self._lines}
        self._redraw(focus_line_id)

    def refill(self) -> None:
        """Return All: every line back, each at its returnable quantity."""
        current = self.current()
        self._kept = {i: line.returnable for i, line in self._lines.items()}
        self._redraw(current.id if current else None)
        self.post_message(self.Kept())

    def requested(self) -> tuple[LineQuantity, ...]:
        """The lines kept and their quantities, an edit under way included (it may raise)."""
        self._keep_typed()
        return tuple(LineQuantity(i, q) for i, q in self._kept.items())

    def current(self) -> ReturnLine | None:
        table = self.query_one(LinesTable)
        ids = list(self._kept)
        if not ids or not 0 <= table.cursor_row < len(ids):
            return None
        return self._lines[ids[table.cursor_row]]

    # --- drawing -----------------------------------------------------------------------

    def _redraw(self, focus_line_id: int | None = None) -> None:
        table = self.query_one(LinesTable)
        table.clear()
        for line_id, quantity in self._kept.items():
            table.add_row(*self._cells(self._lines[line_id], quantity), key=str(line_id))
        ids = list(self._kept)
        if focus_line_id in ids:
            table.move_cursor(row=ids.index(focus_line_id))
        self._show_current()

    @staticmethod
    def _cells(line: ReturnLine, quantity: Decimal) -> list[Text]:
        style = "dim" if line.returnable <= 0 else ""

        def number(column: str, value: Decimal, extra: str = "") -> Text:
            # right-aligned by hand: a table cell does not justify its text
            text = fmt.quantity(value).rjust(WIDTHS[column])
            return Text(text, style=f"{style} {extra}".strip(), no_wrap=True)

        return [
            one_line(line.product, style=style),
            one_line(line.lot, style=style),
            number("delivered", line.delivered),
            number("returned", line.returned),
            number("returnable", line.returnable),
            number("quantity", quantity, "bold"),
        ]

    def _show_current(self) -> None:
        """The input shows the highlighted line's quantity."""
        line = self.current()
        box = self.query_one(QuantityInput)
        box.disabled = line is None
        with box.prevent(Input.Changed):
            box.value = fmt.quantity(self._kept[line.id]) if line else ""
        hint = (
            one_line(line.label)
            if line
            else Text(_("No line kept: a (Return All) brings every line back"), style="italic")
        )
        self.query_one("#line-edited", Label).update(hint)

    @on(DataTable.RowHighlighted, "#lines")
    def _highlighted(self) -> None:
        self._show_current()

    # --- editing -------------------------------------------------------------------------

    @on(LinesTable.EditWanted)
    def _edit(self, event: LinesTable.EditWanted) -> None:
        if self.current() is None:
            return
        box = self.query_one(QuantityInput)
        box.focus()
        if event.typed is None:
            box.select_all()
        else:
            box.value = event.typed
            box.cursor_position = len(box.value)

    @on(Input.Submitted, "#line-quantity")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self._keep_quietly():
            return
        table = self.query_one(LinesTable)
        table.focus()
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    @on(QuantityInput.Dropped)
    def _dropped(self) -> None:
        self._show_current()
        self.query_one(LinesTable).focus()
        self.post_message(self.Kept())

    @on(Input.Blurred, "#line-quantity")
    def _left(self) -> None:
        self._keep_quietly()

    def _keep_quietly(self) -> bool:
        """Keep the typed quantity; a refusal is posted as a Problem."""
        try:
            self._keep_typed()
        except AfterSalesError as refused:
            self.post_message(self.Problem(refused.message))
            return False
        return True

    def _keep_typed(self) -> None:
        line = self.current()
        if line is None:
            return
        text = self.query_one(QuantityInput).value
        if text == fmt.quantity(self._kept[line.id]):
            return
        quantity = parse_quantity(text)
        check_quantity(line, quantity)
        self._kept[line.id] = quantity
        table = self.query_one(LinesTable)
        table.update_cell(str(line.id), "quantity", self._cells(line, quantity)[-1])
        self.post_message(self.Kept())

    @on(LinesTable.RemoveWanted)
    def _remove(self) -> None:
        line = self.current()
        if line is None:
            return
        table = self.query_one(LinesTable)
        row = table.cursor_row
        del self._kept[line.id]
        table.remove_row(str(line.id))
        if self._kept:
            table.move_cursor(row=min(row, len(self._kept) - 1))
        self._show_current()
        self.post_message(self.Kept())
