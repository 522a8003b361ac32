"""The lines of a reverse transfer: a table of what can come back, edited from the keyboard.

The table shows each line's delivered, already returned and returnable quantities and the
quantity to return. Typing digits on the table types the highlighted line's quantity (shown in
the input under the table) without leaving the table, so that keys sent in a burst over a slow
link stay in order; ``enter`` keeps it and moves to the next line, ``escape`` drops it, moving
to another line keeps it. ``enter`` alone edits the quantity in the input instead. ``x`` /
``delete`` removes the line; ``refill`` ("Return All") brings every line back at its
returnable quantity. Each quantity is checked by the returns service as it is kept.
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

NUMBER_KEYS = frozenset("0123456789.,")

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


class LinesTable(DataTable[Text]):
    """The table: its keys act on the editor at once, in the order they came.

    A key left to a binding is handled only once it has bubbled up to the app, after the
    keys behind it have reached the table: so every key that edits or moves is handled here
    (the bindings remain, to be shown in the footer and in help).
    """

    BINDINGS = [
        Binding("enter", "enter", _("Edit quantity"), id="edit-line"),
        Binding("x,delete", "remove", _("Remove line"), id="remove-line"),
    ]

    def __init__(self, editor: ReturnLinesEditor, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id=id)
        self.editor = editor

    def on_key(self, event: events.Key) -> None:
        """Digits type the quantity; while typing, backspace erases and escape drops it (else
        escape still cancels the modal)."""
        editor = self.editor
        typing = editor.typing is not None
        keys = {
            "enter": editor.enter_pressed,
            "x": editor.remove_line,
            "delete": editor.remove_line,
            "a": editor.refill,
            "up": self.action_cursor_up,
            "down": self.action_cursor_down,
            "pageup": self.action_page_up,
            "pagedown": self.action_page_down,
            "home": self.action_scroll_top,
            "end": self.action_scroll_bottom,
        }
        if typing:
            keys |= {"backspace": editor.erase_digit, "escape": editor.drop_typed}
        if event.character is not None and event.character in NUMBER_KEYS:
            editor.type_digit(event.character)
        elif event.key in keys:
            keys[event.key]()
        else:
            return
        event.stop()
        event.prevent_default()

    def action_enter(self) -> None:
        self.editor.enter_pressed()

    def action_remove(self) -> None:
        self.editor.remove_line()


class QuantityInput(Input):
    """Where the quantity is edited with the mouse or after ``enter``; ``escape`` drops it."""

    BINDINGS = [Binding("escape", "drop", _("Undo edit"), id="undo-edit")]

    @dataclass
    class Dropped(Message):
        pass

    def action_drop(self) -> None:
        self.post_message(self.Dropped())


class ReturnLinesEditor(Vertical):
    """The lines kept for the return and their quantities (the table plus its input)."""

    @dataclass
    class Problem(Message):
        """A quantity the service refused: shown under the table."""

        message: str

    @dataclass
    class Kept(Message):
        """A quantity was kept or a line changed (an earlier problem is gone)."""

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
        self.typing: tuple[int, str] | None = None  # a line and what is typed for it
        self._start = (list(lines), quantities, focus_line_id)

    def compose(self) -> ComposeResult:
        yield LinesTable(self, id="lines")
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
        self.typing = None
        self._redraw(focus_line_id)

    def refill(self) -> None:
        """Return All: every line back, each at its returnable quantity."""
        current = self.current()
        self._kept = {i: line.returnable for i, line in self._lines.items()}
        self.typing = None
        self._redraw(current.id if current else None)
        self.post_message(self.Kept())

    def requested(self) -> tuple[LineQuantity, ...]:
        """The lines kept and their quantities, an edit under way included (it may raise)."""
        if self.typing is not None:
            self._keep(*self.typing)
        line = self.current()
        box = self.query_one(QuantityInput)
        if line is not None and box.value != fmt.quantity(self._kept[line.id]):
            self._keep(line.id, box.value)
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
        """The input shows the highlighted line's quantity, or what is being typed for it."""
        line = self.current()
        box = self.query_one(QuantityInput)
        box.disabled = line is None
        if line is None:
            value = ""
        elif self.typing is not None and self.typing[0] == line.id:
            value = self.typing[1]
        else:
            value = fmt.quantity(self._kept[line.id])
        with box.prevent(Input.Changed):
            box.value = value
        if line is None:
            hint = Text(_("No line kept: a (Return All) brings every line back"), style="italic")
        elif self.typing is not None:
            hint = Text(_("enter keeps it · esc drops it"), style="italic")
        else:
            hint = one_line(line.label)
        self.query_one("#line-edited", Label).update(hint)

    @on(DataTable.RowHighlighted, "#lines")
    def _highlighted(self) -> None:
        """Moving to another line keeps what was typed for the one left."""
        if self.typing is not None:
            line_id, text = self.typing
            current = self.current()
            if (current is None or current.id != line_id) and not self._keep_quietly(line_id, text):
                self.typing = None  # refused: the line keeps its quantity, the error says why
        self._show_current()

    # --- typing on the table -------------------------------------------------------------

    def type_digit(self, character: str) -> None:
        line = self.current()
        if line is None:
            return
        typed = self.typing[1] if self.typing and self.typing[0] == line.id else ""
        self.typing = (line.id, typed + character)
        self._show_current()

    def erase_digit(self) -> None:
        if self.typing is not None:
            line_id, text = self.typing
            self.typing = (line_id, text[:-1])
            self._show_current()

    def drop_typed(self) -> None:
        self.typing = None
        self._show_current()
        self.post_message(self.Kept())

    def enter_pressed(self) -> None:
        """What was typed is kept (then the next line), or the input opens to edit."""
        line = self.current()
        if line is None:
            return
        if self.typing is None:
            box = self.query_one(QuantityInput)
            box.focus()
            box.select_all()
            return
        if self._keep_quietly(*self.typing):
            self._next_line()

    def remove_line(self) -> None:
        line = self.current()
        if line is None:
            return
        table = self.query_one(LinesTable)
        row = table.cursor_row
        self.typing = None
        del self._kept[line.id]
        table.remove_row(str(line.id))
        if self._kept:
            table.move_cursor(row=min(row, len(self._kept) - 1))
        self._show_current()
        self.post_message(self.Kept())

    def _next_line(self) -> None:
        table = self.query_one(LinesTable)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)

    # --- keeping a quantity --------------------------------------------------------------

    def _keep_quietly(self, line_id: int, text: str) -> bool:
        """Keep a typed quantity; a refusal is posted as a Problem (what was typed stays)."""
        try:
            self._keep(line_id, text)
        except AfterSalesError as refused:
            self.post_message(self.Problem(refused.message))
            return False
        return True

    def _keep(self, line_id: int, text: str) -> None:
        line = self._lines[line_id]
        quantity = parse_quantity(text)
        check_quantity(line, quantity)
        self.typing = None
        self._kept[line_id] = quantity
        self.query_one(LinesTable).update_cell(
            str(line_id), "quantity", self._cells(line, quantity)[-1]
        )
        self._show_current()
        self.post_message(self.Kept())

    # --- the input under the table ---------------------------------------------------------

    @on(Input.Submitted, "#line-quantity")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        line = self.current()
        if line is None or not self._keep_quietly(line.id, event.value):
            return
        self.query_one(LinesTable).focus()
        self._next_line()

    @on(QuantityInput.Dropped)
    def _dropped(self) -> None:
        self._show_current()
        self.query_one(LinesTable).focus()
        self.post_message(self.Kept())

    @on(Input.Blurred, "#line-quantity")
    def _left(self, event: Input.Blurred) -> None:
        line = self.current()
        if line is not None and event.input.value != fmt.quantity(self._kept[line.id]):
            self._keep_quietly(line.id, event.input.value)
