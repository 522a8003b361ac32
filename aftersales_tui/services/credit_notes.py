"""A ticket's credit notes: the list behind the smart button, editing a draft, posting, cancelling.

Editing a draft is how an agent makes a partial refund: lower a quantity or a price, then post.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, col, select

from .. import formatting as fmt
from ..db import Database
from ..i18n import _
from ..models import Invoice, InvoiceLine, InvoiceState, Lot, MoveType, Product
from . import chatter, ledger, tickets
from .context import Context
from .errors import AfterSalesError


@dataclass(frozen=True)
class CreditNoteRow:
    id: int
    name: str
    invoice: str
    invoice_date: date | None
    state: InvoiceState
    amount: Decimal
    scheduled: bool


@dataclass(frozen=True)
class CreditNoteLine:
    id: int
    description: str
    quantity: Decimal
    price_unit: Decimal
    max_quantity: Decimal

    @property
    def subtotal(self) -> Decimal:
        return ledger.line_total(self.quantity, self.price_unit)


@dataclass(frozen=True)
class CreditNoteDetail:
    id: int
    name: str
    invoice: str
    invoice_total: Decimal
    refundable: Decimal
    invoice_date: date | None
    state: InvoiceState
    ref: str
    amount: Decimal
    scheduled: bool
    lines: tuple[CreditNoteLine, ...]

    @property
    def editable(self) -> bool:
        return self.state == InvoiceState.DRAFT


@dataclass(frozen=True)
class LineEdit:
    """One line of the editor as the agent left it (text, parsed by the service)."""

    line_id: int
    quantity: str
    price_unit: str


@dataclass(frozen=True)
class CreditNoteEdit:
    lines: tuple[LineEdit, ...]
    post: bool = False


def for_ticket(db: Database, ticket_id: int) -> list[CreditNoteRow]:
    with db.read() as session:
        credit_notes = session.exec(
            select(Invoice)
            .where(Invoice.ticket_id == ticket_id, Invoice.move_type == MoveType.CREDIT_NOTE)
            .order_by(col(Invoice.created_at).desc(), col(Invoice.id).desc())
        ).all()
        return [
            CreditNoteRow(
                id=c.id or 0,
                name=c.name or "",
                invoice=_invoice_name(session, c),
                invoice_date=c.invoice_date,
                state=c.state,
                amount=c.amount_total,
                scheduled=c.auto_post,
            )
            for c in credit_notes
        ]


def _invoice_name(session: Session, credit: Invoice) -> str:
    invoice = session.get(Invoice, credit.reversed_entry_id) if credit.reversed_entry_id else None
    return (invoice.name or "") if invoice is not None else ""


def _get(session: Session, credit_id: int) -> Invoice:
    credit = session.get(Invoice, credit_id)
    if credit is None or credit.move_type != MoveType.CREDIT_NOTE:
        raise AfterSalesError(_("This credit note no longer exists"))
    return credit


def _draft(session: Session, credit_id: int, refusal: str) -> Invoice:
    """The credit note, which must still be a draft (``refusal`` says why not)."""
    credit = _get(session, credit_id)
    if credit.state != InvoiceState.DRAFT:
        raise AfterSalesError(refusal.format(name=credit.name, state=credit.state.value))
    return credit


def _limits(session: Session, credit: Invoice) -> dict[ledger.LineKey, Decimal]:
    """Per product and lot: the invoiced quantity not held by the invoice's other credit notes."""
    limits: dict[ledger.LineKey, Decimal] = defaultdict(Decimal)
    if credit.reversed_entry_id is None:
        return limits
    for line in session.exec(
        select(InvoiceLine).where(InvoiceLine.invoice_id == credit.reversed_entry_id)
    ).all():
        limits[(line.product_id, line.lot_id)] += line.quantity
    others = session.exec(
        select(InvoiceLine)
        .join(Invoice, col(Invoice.id) == InvoiceLine.invoice_id)
        .where(
            Invoice.reversed_entry_id == credit.reversed_entry_id,
            Invoice.id != credit.id,
            Invoice.state != InvoiceState.CANCELLED,
        )
    ).all()
    for line in others:
        limits[(line.product_id, line.lot_id)] -= line.quantity
    return limits


def _held(lines: Iterable[InvoiceLine]) -> dict[ledger.LineKey, Decimal]:
    """Per product and lot, the quantity the lines hold together."""
    held: dict[ledger.LineKey, Decimal] = defaultdict(Decimal)
    for line in lines:
        held[(line.product_id, line.lot_id)] += line.quantity
    return held


def _line_limit(
    limits: dict[ledger.LineKey, Decimal], held: dict[ledger.LineKey, Decimal], line: InvoiceLine
) -> Decimal:
    """What this line may hold: the product/lot's limit less its sibling lines (same product
    and lot on the same credit note)."""
    key = (line.product_id, line.lot_id)
    return max(Decimal(0), limits[key] - (held[key] - line.quantity))


def _detail(session: Session, credit: Invoice) -> CreditNoteDetail:
    invoice = session.get(Invoice, credit.reversed_entry_id) if credit.reversed_entry_id else None
    limits = _limits(session, credit)
    lines = session.exec(
        select(InvoiceLine).where(InvoiceLine.invoice_id == credit.id).order_by(col(InvoiceLine.id))
    ).all()
    held = _held(lines)
    views = []
    for line in lines:
        product = session.get(Product, line.product_id) if line.product_id else None
        lot = session.get(Lot, line.lot_id) if line.lot_id else None
        description = line.label or (product.name if product else "")
        if lot is not None:
            description = f"{description} ({lot.name})"
        views.append(
            CreditNoteLine(
                id=line.id or 0,
                description=description,
                quantity=line.quantity,
                price_unit=line.price_unit,
                max_quantity=_line_limit(limits, held, line),
            )
        )
    refundable = Decimal(0)
    if invoice is not None:
        refundable = invoice.amount_total - ledger.credited(
            session, invoice.id or 0, excluding=credit.id
        )
    return CreditNoteDetail(
        id=credit.id or 0,
        name=credit.name or "",
        invoice=(invoice.name or "") if invoice else "",
        invoice_total=invoice.amount_total if invoice else Decimal(0),
        refundable=refundable,
        invoice_date=credit.invoice_date,
        state=credit.state,
        ref=credit.ref,
        amount=credit.amount_total,
        scheduled=credit.auto_post,
        lines=tuple(views),
    )


def detail(db: Database, credit_id: int) -> CreditNoteDetail:
    with db.read() as session:
        return _detail(session, _get(session, credit_id))


NUMBER_MAX = Decimal(10) ** 11


def parse_number(text: str, field: str, what: str) -> Decimal:
    """A number as the agent typed it; unreadable, an AfterSalesError next to ``field``."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise AfterSalesError(
            _("{what} must be a number: {text}").format(what=what, text=text.strip()), field=field
        ) from None
    if not value.is_finite():
        raise AfterSalesError(_("{what} must be a number").format(what=what), field=field)
    if abs(value) >= NUMBER_MAX:  # the columns hold 11 digits before the decimal point
        raise AfterSalesError(_("{what} is too large").format(what=what), field=field)
    return value


def save(db: Database, ctx: Context, credit_id: int, edit: CreditNoteEdit) -> CreditNoteDetail:
    """Change a draft's quantities and prices (and post it, when asked), in one transaction."""
    with db.write() as session:
        credit = _draft(session, credit_id, _("{name} is {state}: only a draft can be changed"))
        limits = _limits(session, credit)
        lines = {
            line.id: line
            for line in session.exec(
                select(InvoiceLine).where(InvoiceLine.invoice_id == credit.id)
            ).all()
        }
        edited: list[tuple[InvoiceLine, str]] = []
        for change in edit.lines:
            line = lines.get(change.line_id)
            if line is None:
                raise AfterSalesError(_("A line of this credit note no longer exists"))
            field = f"line-{change.line_id}"
            quantity = parse_number(change.quantity, f"{field}-quantity", _("The quantity"))
            price = parse_number(change.price_unit, f"{field}-price", _("The price"))
            if quantity < 0:
                raise AfterSalesError(_("A quantity cannot be negative"), field=f"{field}-quantity")
            if price < 0:
                raise AfterSalesError(_("A price cannot be negative"), field=f"{field}-price")
            line.quantity = quantity.quantize(Decimal("0.001"))
            line.price_unit = price.quantize(ledger.CENT)
            edited.append((line, field))
        # Lines of the same product and lot share what is left of it on the invoice.
        held = _held(lines.values())
        for line, field in edited:
            limit = _line_limit(limits, held, line)
            if line.quantity > limit:
                raise AfterSalesError(
                    _("At most {n} can be refunded on this line").format(n=fmt.quantity(limit)),
                    field=f"{field}-quantity",
                )
        if not any(line.quantity > 0 for line in lines.values()):
            raise AfterSalesError(_("Keep at least one line with a quantity above zero"))
        total = sum(
            (ledger.line_total(line.quantity, line.price_unit) for line in lines.values()),
            Decimal(0),
        )
        invoice = (
            session.get(Invoice, credit.reversed_entry_id) if credit.reversed_entry_id else None
        )
        if invoice is not None:
            ledger.check_within(session, invoice, total, credit.id)
        credit.amount_total = total
        credit.updated_at = ctx.now()
        session.flush()
        if edit.post:
            post_and_log(session, ctx, credit)
        return _detail(session, credit)


def post_and_log(session: Session, ctx: Context, credit: Invoice) -> None:
    """Post (and reconcile) a draft, and say so on its ticket's chatter."""
    ledger.post_credit_note(session, ctx, credit)
    if credit.ticket_id is not None:
        chatter.post(
            session,
            ctx,
            tickets.MODEL,
            credit.ticket_id,
            _("Credit note {name} posted ({amount})").format(
                name=credit.name, amount=fmt.money(credit.amount_total)
            ),
        )


def post(db: Database, ctx: Context, credit_id: int) -> None:
    with db.write() as session:
        post_and_log(session, ctx, _get(session, credit_id))


def cancel(db: Database, ctx: Context, credit_id: int) -> None:
    """Cancel a draft: it no longer counts against its invoice."""
    with db.write() as session:
        credit = _draft(session, credit_id, _("{name} is {state}: only a draft can be cancelled"))
        credit.state = InvoiceState.CANCELLED
        credit.auto_post = False
        credit.updated_at = ctx.now()
        if credit.ticket_id is not None:
            chatter.post(
                session,
                ctx,
                tickets.MODEL,
                credit.ticket_id,
                _("Credit note {name} cancelled").format(name=credit.name),
            )
