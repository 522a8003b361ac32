"""What the "Repair Reference" form offers and shows: a new repair's values from the
ticket, an existing repair's own, and the returns of the customer. The customer and the
lot are found by searching (``directory``): the form carries only the chosen ones."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session, col, select

from .. import formatting as fmt
from ..i18n import _
from ..models import (
    InvoiceMethod,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    RepairLine,
    RepairOrder,
    RepairState,
    RepairTag,
    RepairTagLink,
    Ticket,
)
from . import directory, ledger
from .context import Context
from .directory import Choice
from .errors import AfterSalesError
from .linked import state_label
from .repair_parts import (
    DESCRIPTION_MAX,
    PartRequest,
    ProductChoice,
    price_text,
    product_choices,
    tag_names,
)
from .repair_steps import EDITABLE, Step, form_steps, quotation_of


@dataclass(frozen=True)
class RepairScope:
    """What the offer depends on: the customer (returns) and the product (lots)."""

    partner_id: int | None = None
    product_id: int | None = None
    lot_id: int | None = None


@dataclass(frozen=True)
class RepairRequest:
    """What the agent asks for (the modal hands it to ``create_repair`` / ``save_repair``)."""

    partner_id: int | None
    product_id: int | None
    lot_id: int | None
    return_id: int | None
    under_warranty: bool
    schedule_date: date
    user_id: int | None
    tags: tuple[str, ...] = ()
    invoice_method: InvoiceMethod | None = None
    description: str = ""
    internal_notes: str = ""
    parts: tuple[PartRequest, ...] = ()
    step: Step = Step.CONFIRM

    @property
    def scope(self) -> RepairScope:
        return RepairScope(self.partner_id, self.product_id, self.lot_id)


@dataclass(frozen=True)
class RepairDefaults:
    """The form: what it offers, which fields it shows, and its pre-filled ``initial`` values."""

    ticket_id: int | None
    ticket_ref: str
    repair_id: int | None  # None: a new repair
    name: str
    state: RepairState
    quotation: str | None
    customer: Choice | None
    products: tuple[ProductChoice, ...]
    lot_visible: bool
    lot: Choice | None
    returns: tuple[Choice, ...]
    agents: tuple[Choice, ...]
    tags: tuple[str, ...]
    initial: RepairRequest

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE

    @property
    def steps(self) -> tuple[Step, ...]:
        """The form's buttons for this repair; the first one is on ``ctrl+s``."""
        state = None if self.repair_id is None else self.state
        return form_steps(state, self.quotation is not None)


def get(session: Session, repair_id: int) -> RepairOrder:
    repair = session.get(RepairOrder, repair_id)
    if repair is None:
        raise AfterSalesError(_("This repair order no longer exists"))
    return repair


def customer_returns(session: Session, partner_id: int | None) -> list[Picking]:
    """The customer's returns (receipts made by reversing a delivery), newest first."""
    customer_ids = ledger.commercial_ids(session, partner_id)
    if not customer_ids:
        return []
    return list(
        session.exec(
            select(Picking)
            .where(
                col(Picking.partner_id).in_(customer_ids),
                Picking.kind == PickingKind.INCOMING,
                col(Picking.return_of_id).is_not(None),
                Picking.state != PickingState.CANCELLED,
            )
            .order_by(col(Picking.created_at).desc(), col(Picking.id).desc())
        ).all()
    )


def _lines(session: Session, picking_ids: list[int]) -> list[PickingLine]:
    if not picking_ids:
        return []
    return list(
        session.exec(select(PickingLine).where(col(PickingLine.picking_id).in_(picking_ids))).all()
    )


def _default_return(
    returns: list[Picking], lines: list[PickingLine], ticket: Ticket | None, product_id: int | None
) -> Picking | None:
    """The ticket's latest return holding the product, else the customer's latest one."""
    holding = {line.picking_id for line in lines if line.product_id == product_id}
    ticket_id = ticket.id if ticket else None
    if product_id is None:
        return next((r for r in returns if ticket_id and r.ticket_id == ticket_id), None)
    candidates = [r for r in returns if r.id in holding]
    own = [r for r in candidates if ticket_id and r.ticket_id == ticket_id]
    found = own or candidates
    return found[0] if found else None


def _return_label(picking: Picking) -> str:
    return f"{picking.name} ({state_label(picking.state.value)})"


def offer(
    session: Session,
    ctx: Context,
    ticket: Ticket | None,
    repair: RepairOrder | None,
    scope: RepairScope | None,
) -> RepairDefaults:
    first_time = scope is None
    if scope is None and repair is not None:
        scope = RepairScope(repair.partner_id, repair.product_id, repair.lot_id)
    elif scope is None:
        assert ticket is not None
        scope = RepairScope(ticket.partner_id, ticket.product_id, ticket.lot_id)
    products = product_choices(session)
    tracked = directory.is_tracked(session, scope.product_id)
    returns = customer_returns(session, scope.partner_id)
    lines = _lines(session, [r.id or 0 for r in returns])
    chosen = _default_return(returns, lines, ticket, scope.product_id)
    if first_time and repair is not None:
        chosen = next((r for r in returns if r.id == repair.return_picking_id), None)
    lot = directory.lot_choice(session, scope.product_id, scope.lot_id) if tracked else None
    lot_id = lot.id if lot is not None else None
    if lot_id is None and tracked and chosen is not None:
        lot_id = next(
            (
                line.lot_id
                for line in lines
                if line.picking_id == chosen.id and line.product_id == scope.product_id
            ),
            None,
        )
        lot = directory.lot_choice(session, scope.product_id, lot_id)
        lot_id = lot.id if lot is not None else None
    initial = initial_values(session, ctx, ticket, repair)
    initial = replace(
        initial,
        partner_id=scope.partner_id,
        product_id=scope.product_id,
        lot_id=lot_id,
        return_id=chosen.id if chosen else None,
    )
    return RepairDefaults(
        ticket_id=ticket.id if ticket else None,
        ticket_ref=fmt.ticket_ref(ticket.number) if ticket else "",
        repair_id=repair.id if repair else None,
        name=repair.name if repair else _("New"),
        state=repair.state if repair else RepairState.DRAFT,
        quotation=quotation_of(session, repair) if repair else None,
        customer=directory.customer_choice(session, scope.partner_id),
        products=products,
        lot_visible=tracked,
        lot=lot,
        returns=tuple(Choice(r.id or 0, _return_label(r)) for r in returns),
        agents=tuple(directory.agents(session)),
        tags=tag_names(session),
        initial=initial,
    )


def initial_values(
    session: Session, ctx: Context, ticket: Ticket | None, repair: RepairOrder | None
) -> RepairRequest:
    """The form's values: the repair's own, or a new repair's from the ticket."""
    if repair is None:
        assert ticket is not None
        return RepairRequest(
            partner_id=ticket.partner_id,
            product_id=ticket.product_id,
            lot_id=ticket.lot_id,
            return_id=None,
            under_warranty=False,
            schedule_date=ctx.today(),
            user_id=ticket.user_id,
            description=ticket.title[:DESCRIPTION_MAX],
            internal_notes=ticket.description,
        )
    lines = session.exec(
        select(RepairLine).where(RepairLine.repair_id == repair.id).order_by(col(RepairLine.id))
    ).all()
    tags = session.exec(
        select(RepairTag.name)
        .join(RepairTagLink, col(RepairTagLink.tag_id) == RepairTag.id)
        .where(RepairTagLink.repair_id == repair.id)
        .order_by(col(RepairTag.name))
    ).all()
    return RepairRequest(
        partner_id=repair.partner_id,
        product_id=repair.product_id,
        lot_id=repair.lot_id,
        return_id=repair.return_picking_id,
        under_warranty=repair.under_warranty,
        schedule_date=repair.schedule_date,
        user_id=repair.user_id,
        tags=tuple(tags),
        invoice_method=repair.invoice_method,
        description=repair.description,
        internal_notes=repair.internal_notes,
        parts=tuple(
            PartRequest(line.product_id, fmt.quantity(line.quantity), price_text(line.price_unit))
            for line in lines
        ),
        step=Step.SAVE,
    )
