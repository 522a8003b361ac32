"""A repair's Parts tab: its lines, add and remove, prices that follow the warranty, a total."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from .. import formatting as fmt
from ..i18n import _
from ..services import repairs
from ..services.repairs import PartRequest, ProductChoice
from .part_line import PartLine, line_of


class PartsTable(Vertical):
    """The lines are numbered in the order they were made (``part-0-…``, ``part-1-…``)."""

    def __init__(
        self,
        products: tuple[ProductChoice, ...],
        parts: Iterable[PartRequest],
        *,
        under_warranty: bool,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._products = products
        self._prices = {p.id: p.price for p in products}
        self._parts = tuple(parts)
        self.under_warranty = under_warranty
        self._made = 0

    def compose(self) -> ComposeResult:
        with Horizontal(classes="part-row part-head"):
            yield Label(_("Product"), classes="part-product")
            yield Label(_("Quantity"), classes="part-number")
            yield Label(_("Unit Price"), classes="part-number")
            yield Label(_("Subtotal"), classes="part-subtotal")
        with Vertical(id="parts"):
            for part in self._parts:
                yield self._line(part)
        error = Label("", id="parts-error", classes="field-error")
        error.display = False
        yield error
        with Horizontal(classes="parts-foot"):
            yield Button(_("Add a line") + " ^n", id="add-part", compact=True)
            yield Static("", id="parts-total")

    def on_mount(self) -> None:
        self._show_total()

    def _line(self, part: PartRequest) -> PartLine:
        line = PartLine(self._made, self._products, part, locked=self.under_warranty)
        self._made += 1
        return line

    @property
    def lines(self) -> list[PartLine]:
        return list(self.query(PartLine))

    def requests(self) -> tuple[PartRequest, ...]:
        return tuple(line.request() for line in self.lines)

    # --- changing the lines ------------------------------------------------------------

    async def add_line(self) -> None:
        """A new line (quantity 1), its product picker focused."""
        line = self._line(PartRequest(None, "1", repairs.price_text(Decimal(0))))
        await self.query_one("#parts").mount(line)
        self._focus(line)
        self._show_total()

    async def remove_line(self, line: PartLine) -> None:
        """Remove a line; the focus moves to its neighbour (or to Add a line)."""
        lines = self.lines
        index = lines.index(line)
        rest = lines[:index] + lines[index + 1 :]
        await line.remove()
        self._focus(rest[min(index, len(rest) - 1)] if rest else None)
        self._show_total()

    async def remove_focused(self, focused: Widget | None) -> bool:
        """Remove the line holding the focus; False when the focus is on no line."""
        line = line_of(focused)
        if line is None:
            return False
        await self.remove_line(line)
        return True

    def _focus(self, line: PartLine | None) -> None:
        target = f"#{line.field('product')}" if line is not None else "#add-part"
        self.query_one(target).focus()

    def reprice(self, under_warranty: bool) -> None:
        """Every price for the warranty box: 0 when checked, the product's price when not."""
        self.under_warranty = under_warranty
        lines = self.lines
        priced = repairs.reprice([line.request() for line in lines], self._prices, under_warranty)
        for line, part in zip(lines, priced, strict=True):
            line.set_price(part.price_unit)
            line.lock_price(under_warranty)
        self._show_total()

    def freeze(self) -> None:
        self.query_one("#add-part").display = False
        for line in self.lines:
            line.freeze()

    # --- following the agent's changes -------------------------------------------------

    @on(Select.Changed, ".part-product")
    def _product_changed(self, event: Select.Changed) -> None:
        line = line_of(event.select)
        if line is None or line.product_id is None or line.product_id == line.priced_product:
            return  # a picker announcing the product it was given keeps the line's price
        line.priced_product = line.product_id
        price = repairs.part_price(
            self._prices.get(line.product_id, Decimal(0)), self.under_warranty
        )
        line.set_price(repairs.price_text(price))
        self._show_total()

    @on(Input.Changed, ".part-number")
    def _number_changed(self, event: Input.Changed) -> None:
        line = line_of(event.input)
        if line is not None:
            line.show_subtotal()
        self._show_total()

    @on(Button.Pressed, "#add-part")
    async def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.add_line()

    @on(Button.Pressed, ".part-remove")
    async def _remove_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        line = line_of(event.button)
        if line is not None:
            await self.remove_line(line)

    def _show_total(self) -> None:
        amounts = [line.subtotal() for line in self.lines]
        total = Text(_("Total") + " ", style="bold")
        if None in amounts:
            total.append("?", style="bold")
        else:
            total.append(fmt.money(sum((a for a in amounts if a), Decimal(0))), style="bold")
        self.query_one("#parts-total", Static).update(total)
