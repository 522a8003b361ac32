"""Every after-sales action performed on an imported ticket, with the forms' defaults."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from aftersales_tui.db import Database
from aftersales_tui.models import Product, Ticket
from aftersales_tui.services import Context, coupons, field_service, refunds, repairs, returns
from aftersales_tui.services.coupons import CouponRequest
from aftersales_tui.services.field_service import TaskRequest
from aftersales_tui.services.refunds import RefundRequest
from aftersales_tui.services.repair_parts import PartRequest
from aftersales_tui.services.returns import LineQuantity, ReturnRequest

from .io_builders import by_ref


@dataclass(frozen=True)
class Done:
    ticket_id: int
    credit_note: str
    coupon: str
    receipt_id: int
    receipt: str
    repair_id: int
    repair: str
    task_id: int


def every_action(db: Database, ctx: Context, ticket_ref: str = "TK-001") -> Done:
    ticket_id = by_ref(db, Ticket, ticket_ref).id
    offer = refunds.defaults(db, ctx, ticket_id)
    refund = refunds.create_refund(
        db,
        ctx,
        ticket_id,
        RefundRequest(offer.invoice_ids, offer.reason, offer.journal_id, offer.reversal_date),
    )
    program = coupons.defaults(db, ctx, ticket_id).program_id
    coupon = coupons.generate(
        db, ctx, ticket_id, CouponRequest(program, ctx.today() + timedelta(days=30))
    )
    back = returns.defaults(db, ctx, ticket_id)
    receipt = returns.create_return(
        db,
        ctx,
        ticket_id,
        ReturnRequest(
            back.scope,
            tuple(LineQuantity(line.id, line.returnable) for line in back.lines[:1]),
            back.location_id,
        ),
    )
    pump = by_ref(db, Product, "PR-006").id
    form = repairs.defaults(db, ctx, ticket_id).initial
    repair = repairs.create_repair(
        db, ctx, ticket_id, replace(form, parts=(PartRequest(pump, "1", "45.00"),))
    )
    plan = field_service.defaults(db, ctx, ticket_id)
    task = field_service.create_task(
        db,
        ctx,
        ticket_id,
        TaskRequest(plan.title, plan.project_id, plan.partner_id, plan.worksheet_template_id),
    )
    return Done(
        ticket_id=ticket_id,
        credit_note=refund.credit_note_names[0],
        coupon=coupon.code,
        receipt_id=receipt.id,
        receipt=receipt.name,
        repair_id=repair.id,
        repair=repair.name,
        task_id=task.id,
    )
