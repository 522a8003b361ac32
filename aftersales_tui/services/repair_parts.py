"""What a repair order is made of, read and checked: its parts, its tags, its name.

The rules of the "Repair Reference" form that do not depend on the repair's state live
here; ``repairs`` applies them inside its write transactions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from ..i18n import _
from ..models import Product, RepairOrder, RepairTag, SalesOrder, Tracking
from . import ledger, sequences
from .credit_notes import parse_number
from .errors import AfterSalesError

REPAIR_PREFIX = "RO/"
QUOTATION_PREFIX = "S"
TAG_MAX = 64
DESCRIPTION_MAX = 500
QUANTITY_STEP = Decimal("0.001")


@dataclass(frozen=True)
class ProductChoice:
    """A product offered on the form, with what the form needs to know about it."""

    id: int
    label: str
    price: Decimal
    tracked: bool


@dataclass(frozen=True)
class PartRequest:
    """One line of the Parts tab as the agent left it (numbers as typed)."""

    product_id: int | None
    quantity: str = "1"
    price_unit: str = "0.00"


@dataclass(frozen=True)
class Part:
    """A part line once read: a product, a quantity and a unit price."""

    product_id: int
    quantity: Decimal
    price_unit: Decimal


# --- warranty pricing -------------------------------------------------------------------


def part_price(product_price: Decimal, under_warranty: bool) -> Decimal:
    """A part's sale price: nothing under warranty, else the product's price."""
    return Decimal("0.00") if under_warranty else product_price


def price_text(price: Decimal) -> str:
    """A unit price as the form shows it and reads it back."""
    return f"{price:.2f}"


def reprice(
    parts: Iterable[PartRequest], prices: dict[int, Decimal], under_warranty: bool
) -> tuple[PartRequest, ...]:
    """Every line's price for the warranty box: 0 when checked, the product's price when not."""
    return tuple(
        PartRequest(
            part.product_id,
            part.quantity,
            price_text(part_price(prices.get(part.product_id or 0, Decimal(0)), under_warranty)),
        )
        for part in parts
    )


def product_choices(session: Session) -> tuple[ProductChoice, ...]:
    rows = session.exec(select(Product).order_by(col(Product.name))).all()
    return tuple(
        ProductChoice(
            id=p.id or 0,
            label=f"[{p.default_code}] {p.name}" if p.default_code else p.name,
            price=p.list_price,
            tracked=p.tracking != Tracking.NONE,
        )
        for p in rows
    )


# --- reading the parts ------------------------------------------------------------------


def part_field(index: int, what: str) -> str:
    """The form field of a part line's value: ``part-0-quantity``."""
    return f"part-{index}-{what}"


def read_parts(session: Session, parts: Iterable[PartRequest], under_warranty: bool) -> list[Part]:
    """The lines as numbers; a product is needed on each, a price is never negative.

    Under warranty every price is 0, whatever the form sent (a stale form cannot
    charge for a part under warranty).
    """
    found = []
    for index, part in enumerate(parts):
        product = session.get(Product, part.product_id) if part.product_id else None
        if product is None:
            raise AfterSalesError(
                _("Choose a product for this part line, or remove the line"),
                field=part_field(index, "product"),
            )
        quantity = parse_number(part.quantity, part_field(index, "quantity"), _("The quantity"))
        price = parse_number(part.price_unit, part_field(index, "price"), _("The price"))
        if price < 0:
            raise AfterSalesError(_("A price cannot be negative"), field=part_field(index, "price"))
        price = part_price(price, under_warranty)
        found.append(
            Part(product.id or 0, quantity.quantize(QUANTITY_STEP), price.quantize(ledger.CENT))
        )
    return found


def refuse_negative(parts: Iterable[Part]) -> None:
    """Confirming (or quoting) a repair needs every quantity at zero or more."""
    for index, part in enumerate(parts):
        if part.quantity < 0:
            raise AfterSalesError(
                _("A quantity cannot be negative"), field=part_field(index, "quantity")
            )


# --- tags -------------------------------------------------------------------------------


def split_tags(text: str) -> tuple[str, ...]:
    """Tag names typed with commas between them; blanks and repeats (any case) dropped."""
    names: dict[str, str] = {}
    for piece in text.split(","):
        name = " ".join(piece.split())
        if name:
            names.setdefault(name.casefold(), name)
    return tuple(names.values())


def resolve_tags(session: Session, names: Iterable[str]) -> list[RepairTag]:
    """The tags named, reusing an existing tag whatever its case, creating the others once."""
    known = {tag.name.casefold(): tag for tag in session.exec(select(RepairTag)).all()}
    chosen: dict[str, RepairTag] = {}
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > TAG_MAX:
            raise AfterSalesError(
                _("A tag name is {n} characters at most").format(n=TAG_MAX), field="tags"
            )
        key = name.casefold()
        if key not in known:
            tag = RepairTag(name=name)
            session.add(tag)
            session.flush()
            known[key] = tag
        chosen.setdefault(key, known[key])
    return list(chosen.values())


def tag_names(session: Session) -> tuple[str, ...]:
    return tuple(session.exec(select(RepairTag.name).order_by(col(RepairTag.name))).all())


# --- names ------------------------------------------------------------------------------


def _highest(names: Iterable[str], prefix: str) -> int:
    numbers = [0]
    for name in names:
        parts = sequences.split_name(name)
        if parts and parts[0] == prefix:
            numbers.append(parts[1])
    return max(numbers)


def fresh_name(
    session: Session,
    prefix: str,
    taken: Callable[[str], bool],
    existing: Callable[[], Iterable[str]],
) -> str:
    """The next name of ``prefix``'s sequence, after every name already in use.

    A sequence that does not exist yet starts after the highest of the ``existing``
    names; a name someone took by hand is skipped.
    """
    while True:
        number = sequences.next_number(
            session, "name:" + prefix, start=lambda: _highest(existing(), prefix) + 1
        )
        name = f"{prefix}{number:05d}"
        if not taken(name):
            return name


def _model_name(session: Session, model: type[RepairOrder] | type[SalesOrder], prefix: str) -> str:
    """The next free name of ``prefix`` among the names of ``model``'s records."""
    column = col(model.name)

    def taken(name: str) -> bool:
        return session.exec(select(column).where(column == name)).first() is not None

    def existing() -> Iterable[str]:
        return session.exec(select(column).where(column.startswith(prefix))).all()

    return fresh_name(session, prefix, taken, existing)


def repair_name(session: Session) -> str:
    """``RO/00005``: the repair orders' own sequence."""
    return _model_name(session, RepairOrder, REPAIR_PREFIX)


def quotation_name(session: Session) -> str:
    """``S00061``: the sales orders' sequence, shared with every other quotation."""
    return _model_name(session, SalesOrder, QUOTATION_PREFIX)
