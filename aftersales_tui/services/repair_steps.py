"""A repair order's life: draft -> confirmed -> under repair -> done, or cancelled and back
to draft; its quotation. Each step is checked against the state and logged on the ticket."""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session, col, select

from ..i18n import _
from ..models import (
    InvoiceMethod,
    Product,
    RepairLine,
    RepairOrder,
    RepairState,
    SalesOrder,
    SalesOrderLine,
    Ticket,
    Tracking,
)
from . import chatter, tickets
from .context import Context
from .errors import AfterSalesError
from .linked import state_label
from .repair_parts import Part, part_price, quotation_name, refuse_negative

EDITABLE = frozenset({RepairState.DRAFT, RepairState.CONFIRMED, RepairState.UNDER_REPAIR})


class Step(StrEnum):
    """What saving the form (or a key of the Repairs list) does to the repair."""

    SAVE = "save"  # keep the state (a new repair is a draft)
    CONFIRM = "confirm"
    QUOTATION = "quotation"  # save, then a quotation from the parts
    START = "start"  # under repair (confirmed first when needed)
    END = "end"  # done
    CANCEL = "cancel"
    RESET = "reset"  # back to draft


def step_label(step: Step, state: RepairState = RepairState.DRAFT) -> str:
    """The step's button (``Save Draft`` for a draft, ``Save`` once confirmed)."""
    return {
        Step.SAVE: _("Save Draft") if state == RepairState.DRAFT else _("Save"),
        Step.CONFIRM: _("Confirm Repair"),
        Step.QUOTATION: _("Create Quotation"),
        Step.START: _("Start Repair"),
        Step.END: _("End Repair"),
        Step.CANCEL: _("Cancel Repair"),
        Step.RESET: _("Set to Draft"),
    }[step]


def invoice_method_label(method: InvoiceMethod) -> str:
    return {
        InvoiceMethod.BEFORE: _("Before repair"),
        InvoiceMethod.AFTER: _("After repair"),
        InvoiceMethod.NONE: _("No invoice"),
    }[method]


# From which states each step may start.
_FROM: dict[Step, frozenset[RepairState]] = {
    Step.SAVE: EDITABLE,
    Step.CONFIRM: frozenset({RepairState.DRAFT}),
    Step.QUOTATION: frozenset(RepairState) - {RepairState.CANCELLED},
    Step.START: frozenset({RepairState.DRAFT, RepairState.CONFIRMED}),
    Step.END: frozenset({RepairState.UNDER_REPAIR}),
    Step.CANCEL: EDITABLE,
    Step.RESET: frozenset({RepairState.CANCELLED}),
}


def refusal(name: str, state: RepairState, step: Step) -> str | None:
    """Why ``step`` is not possible for a repair in ``state`` (None when it is)."""
    if state in _FROM[step]:
        return None
    what = {"name": name, "state": state_label(state.value)}
    if step == Step.CANCEL and state == RepairState.DONE:
        return _("{name} is done: a finished repair cannot be cancelled").format(**what)
    if step == Step.CANCEL:
        return _("{name} is already cancelled").format(**what)
    return {
        Step.SAVE: _("{name} is {state}: it can no longer be changed"),
        Step.CONFIRM: _("{name} is {state}: only a draft repair can be confirmed"),
        Step.QUOTATION: _("{name} is {state}: a cancelled repair cannot be quoted"),
        Step.START: _("{name} is {state}: only a draft or confirmed repair can be started"),
        Step.END: _("{name} is {state}: only a repair under repair can be ended"),
        Step.RESET: _("{name} is {state}: only a cancelled repair can be set back to draft"),
    }[step].format(**what)


# The form's buttons for a repair in each state (ctrl+s saves, or, for a new repair, confirms).
_FORM_STEPS: dict[RepairState, tuple[Step, ...]] = {
    RepairState.DRAFT: (Step.SAVE, Step.CONFIRM, Step.QUOTATION, Step.CANCEL),
    RepairState.CONFIRMED: (Step.SAVE, Step.START, Step.QUOTATION, Step.CANCEL),
    RepairState.UNDER_REPAIR: (Step.SAVE, Step.END, Step.QUOTATION, Step.CANCEL),
    RepairState.DONE: (Step.QUOTATION,),
    RepairState.CANCELLED: (Step.RESET,),
}
NEW_STEPS = (Step.CONFIRM, Step.QUOTATION, Step.SAVE)


def form_steps(state: RepairState | None, quoted: bool) -> tuple[Step, ...]:
    """The form's buttons: a new repair's (``state`` None) or an existing one's."""
    steps = NEW_STEPS if state is None else _FORM_STEPS[state]
    return tuple(s for s in steps if not (quoted and s == Step.QUOTATION))


def check_ready(session: Session, repair: RepairOrder, parts: list[Part], doing: str) -> None:
    """What confirming, starting and ending a repair need: the product, its lot, no negative
    quantity. ``doing`` names the step in the message."""
    product = session.get(Product, repair.product_id) if repair.product_id else None
    if product is None:
        raise AfterSalesError(
            _("Choose the product to repair to {doing}").format(doing=doing), field="product_id"
        )
    if product.tracking != Tracking.NONE and repair.lot_id is None:
        raise AfterSalesError(
            _("{product} is tracked: choose its lot/serial number to {doing}").format(
                product=product.name, doing=doing
            ),
            field="lot_id",
        )
    refuse_negative(parts)


def stored_parts(session: Session, repair: RepairOrder) -> list[Part]:
    lines = session.exec(
        select(RepairLine).where(RepairLine.repair_id == repair.id).order_by(col(RepairLine.id))
    ).all()
    return [Part(line.product_id, line.quantity, line.price_unit) for line in lines]


def log(session: Session, ctx: Context, repair: RepairOrder, text: str) -> None:
    """A line on the repair's ticket, which counts as a change of the ticket (and of the
    repair: every change of a repair is logged here)."""
    repair.updated_at = ctx.now()
    if repair.ticket_id is None:
        return
    chatter.post(session, ctx, tickets.MODEL, repair.ticket_id, text)
    ticket = session.get(Ticket, repair.ticket_id)
    if ticket is not None:
        ticket.updated_at = ctx.now()


def quotation_of(session: Session, repair: RepairOrder) -> str | None:
    return session.exec(select(SalesOrder.name).where(SalesOrder.repair_id == repair.id)).first()


def quote(session: Session, ctx: Context, repair: RepairOrder) -> SalesOrder:
    """A quotation from the parts (at 0 under warranty), linked to the repair and its ticket."""
    existing = quotation_of(session, repair)
    if existing is not None:
        raise AfterSalesError(
            _("{name} already has a quotation: {order}").format(name=repair.name, order=existing)
        )
    if repair.partner_id is None:
        raise AfterSalesError(_("A quotation needs a customer: choose one"), field="partner_id")
    parts = stored_parts(session, repair)
    if not parts:
        raise AfterSalesError(_("Add at least one part to quote"), field="parts")
    refuse_negative(parts)
    order = SalesOrder(
        name=quotation_name(session),
        partner_id=repair.partner_id,
        date_order=ctx.today(),
        repair_id=repair.id,
        ticket_id=repair.ticket_id,
    )
    session.add(order)
    session.flush()
    session.add_all(
        SalesOrderLine(
            order_id=order.id or 0,
            product_id=part.product_id,
            quantity=part.quantity,
            price_unit=part_price(part.price_unit, repair.under_warranty),
        )
        for part in parts
    )
    log(
        session,
        ctx,
        repair,
        _("Quotation {order} created for repair {name}").format(order=order.name, name=repair.name),
    )
    return order


def _arrive(session: Session, ctx: Context, repair: RepairOrder, step: Step) -> None:
    """The state a step leads to, and what the ticket's chatter says of it."""
    state, text = {
        Step.CONFIRM: (RepairState.CONFIRMED, _("Repair {name} confirmed")),
        Step.START: (RepairState.UNDER_REPAIR, _("Repair {name} started")),
        Step.END: (RepairState.DONE, _("Repair {name} done")),
        Step.CANCEL: (RepairState.CANCELLED, _("Repair {name} cancelled")),
        Step.RESET: (RepairState.DRAFT, _("Repair {name} set back to draft")),
    }[step]
    repair.state = state
    log(session, ctx, repair, text.format(name=repair.name))


def take_step(session: Session, ctx: Context, repair: RepairOrder, step: Step) -> None:
    """One step of the repair's life, if its state allows it, logged on the ticket."""
    reason = refusal(repair.name, repair.state, step)
    if reason is not None:
        raise AfterSalesError(reason)
    doing = {
        Step.CONFIRM: _("confirm the repair"),
        Step.START: _("start the repair"),
        Step.END: _("end the repair"),
    }
    if step in doing:
        check_ready(session, repair, stored_parts(session, repair), doing[step])
    if step == Step.START and repair.state == RepairState.DRAFT:
        _arrive(session, ctx, repair, Step.CONFIRM)  # starting a draft confirms it first
    if step == Step.QUOTATION:
        quote(session, ctx, repair)
    elif step != Step.SAVE:
        _arrive(session, ctx, repair, step)
    session.add(repair)
    session.flush()
