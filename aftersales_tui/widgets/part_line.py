"""One line of a repair's Parts tab: a product, a quantity, a unit price, its subtotal."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from .. import formatting as fmt
from ..i18n import _
from ..services import ledger
from ..services.repairs import PartRequest, ProductChoice, part_field
from .literal import clean


def typed_number(text: str) -> Decimal | None:
    """The number in an input, or None while it is not one (the service says why on save)."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class PartLine(Vertical):
    """The line's widgets are ``part-<n>-product``, ``-quantity``, ``-price`` and ``-remove``,
    each (but remove) with its error slot under the line."""

    def __init__(
        self, number: int, products: tuple[ProductChoice, ...], part: PartRequest, *, locked: bool
    ) -> None:
        super().__init__(classes="part-line")
        self.number = number
        self._products = products
        self._part = part
        self._locked = locked
        # The product whose price the line holds (a new product brings its own price).
        self.priced_product = part.product_id

    def field(self, what: str) -> str:
        return part_field(self.number, what)

    def compose(self) -> ComposeResult:
        part = self._part
        with Horizontal(classes="part-row"):
            yield Select(
                [(clean(p.label), p.id) for p in self._products],
                value=part.product_id or Select.NULL,
                id=self.field("product"),
                prompt=_("(choose a product)"),
                compact=True,
                type_to_search=True,
                classes="part-product",
            )
            yield Input(
                part.quantity, id=self.field("quantity"), classes="part-number", compact=True
            )
            yield Input(
                part.price_unit, id=self.field("price"), classes="part-number", compact=True
            )
            yield Static("", classes="part-subtotal")
            yield Button("✕", id=self.field("remove"), classes="part-remove", compact=True)
        for what in ("product", "quantity", "price"):
            label = Label("", id=f"{self.field(what)}-error", classes="field-error")
            label.display = False
            yield label

    def on_mount(self) -> None:
        self.lock_price(self._locked)
        self.show_subtotal()

    # --- reading and changing the line -------------------------------------------------

    @property
    def product_id(self) -> int | None:
        select = self.query_one(f"#{self.field('product')}", Select)
        return None if select.is_blank() else int(select.value)  # type: ignore[arg-type]

    def request(self) -> PartRequest:
        return PartRequest(
            self.product_id,
            self.query_one(f"#{self.field('quantity')}", Input).value,
            self.query_one(f"#{self.field('price')}", Input).value,
        )

    def set_price(self, price: str) -> None:
        self.query_one(f"#{self.field('price')}", Input).value = price
        self.show_subtotal()

    def lock_price(self, locked: bool) -> None:
        """Under warranty the price is not the agent's to type (it is 0)."""
        self.query_one(f"#{self.field('price')}", Input).disabled = locked

    def freeze(self) -> None:
        """Nothing on the line can change (a repair that is done or cancelled)."""
        for widget in self.query("Select, Input, Button"):
            widget.disabled = True

    def subtotal(self) -> Decimal | None:
        part = self.request()
        quantity, price = typed_number(part.quantity), typed_number(part.price_unit)
        if quantity is None or price is None:
            return None
        return ledger.line_total(quantity, price)

    def show_subtotal(self) -> None:
        amount = self.subtotal()
        self.query_one(".part-subtotal", Static).update(
            "?" if amount is None else fmt.money(amount)
        )


def line_of(widget: Widget | None) -> PartLine | None:
    """The part line a widget belongs to, if any."""
    if widget is None:
        return None
    return next((a for a in widget.ancestors_with_self if isinstance(a, PartLine)), None)
