"""Stale screens: two agents on one database, each with their own connection.

Agent A opens a form; agent B changes what it was computed from; A submits what their screen
still shows. The service re-checks everything in its transaction: A is refused with a clear
message and nothing is written, or A's request is applied to the data as it is now without
breaking a rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from aftersales_tui.db import Database, open_database
from aftersales_tui.models import (
    Invoice,
    InvoiceState,
    MoveType,
    Priority,
    Sequence,
    Stage,
    Ticket,
)
from aftersales_tui.services import (
    AfterSalesError,
    Context,
    coupons,
    refunds,
    returns,
    tickets,
    triage,
)

from .load_worker import candidates


@dataclass(frozen=True)
class Desk:
    """Agent A's and agent B's connections to one database."""

    a: Database
    b: Database


@pytest.fixture
def desk(demo_db: Database) -> Iterator[Desk]:
    other = open_database(demo_db.url)
    yield Desk(demo_db, other)
    other.dispose()


def footprint(db: Database) -> dict[str, object]:
    """Every table's row count, every sequence and every ticket's editable state."""
    with db.read() as session:
        conn = session.connection()
        found: dict[str, object] = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.tables.values()
        }
        found["sequences"] = [
            tuple(r) for r in conn.execute(select(Sequence).order_by(col(Sequence.code)))
        ]
        found["tickets"] = [
            tuple(r)
            for r in conn.execute(
                select(
                    Ticket.id,
                    Ticket.title,
                    Ticket.stage,
                    Ticket.priority,
                    Ticket.user_id,
                    Ticket.version,
                    Ticket.updated_at,
                ).order_by(col(Ticket.id))
            )
        ]
    return found


@contextmanager
def nothing_written(db: Database) -> Iterator[None]:
    before = footprint(db)
    yield
    assert footprint(db) == before


def _refund_ticket(desk: Desk, ctx: Context) -> tuple[int, refunds.RefundDefaults]:
    """A ticket about no product in particular whose Refund offers an invoice of several."""
    for ticket_id in candidates(desk.a, "use_refunds"):
        offer = refunds.defaults(desk.a, ctx, ticket_id)
        if offer.invoices and len(offer.products) > 1 and offer.scope.product_id is None:
            return ticket_id, offer
    raise AssertionError("the demo has no ticket to refund")


def _partly_refundable(
    desk: Desk, ctx: Context
) -> tuple[int, refunds.RefundDefaults, int, refunds.RefundDefaults]:
    """A ticket's offer (no product chosen), and an invoice of it with a product that is only
    a part of it, with the offer for that product."""
    for ticket_id in candidates(desk.a, "use_refunds"):
        offer = refunds.defaults(desk.a, ctx, ticket_id)
        if not offer.invoices or offer.scope.product_id is not None:
            continue
        for product in offer.products:
            narrowed = replace(offer.scope, product_id=product.id)
            partial = refunds.defaults(desk.b, ctx, ticket_id, narrowed)
            for invoice in offer.invoices:
                for part in partial.invoices:
                    if part.id == invoice.id and part.refundable < invoice.refundable:
                        return ticket_id, offer, invoice.id, partial
    raise AssertionError("the demo has no invoice to refund in part")


def _ask(offer: refunds.RefundDefaults, invoice_ids: tuple[int, ...]) -> refunds.RefundRequest:
    return refunds.RefundRequest(
        invoice_ids=invoice_ids,
        reason=offer.reason,
        journal_id=offer.journal_for(invoice_ids),
        reversal_date=offer.reversal_date,
        scope=offer.scope,
    )


def _credited(db: Database, invoice_id: int) -> tuple[Decimal, Decimal]:
    """An invoice's total and what its credit notes (not cancelled) hold."""
    with db.read() as session:
        invoice = session.get(Invoice, invoice_id)
        assert invoice is not None
        amounts = session.exec(
            select(Invoice.amount_total).where(
                Invoice.reversed_entry_id == invoice_id,
                Invoice.move_type == MoveType.CREDIT_NOTE,
                Invoice.state != InvoiceState.CANCELLED,
            )
        ).all()
    return invoice.amount_total, sum(amounts, Decimal(0))


def test_a_refund_over_an_invoice_refunded_meanwhile_is_refused(desk: Desk, ctx: Context) -> None:
    ticket_id, stale = _refund_ticket(desk, ctx)  # A opens Refund
    everything = tuple(i.id for i in stale.invoices)
    refunds.create_refund(desk.b, ctx, ticket_id, _ask(stale, everything))  # B refunds it all

    with nothing_written(desk.a), pytest.raises(AfterSalesError) as caught:
        refunds.create_refund(desk.a, ctx, ticket_id, _ask(stale, everything[:1]))
    assert caught.value.field == "invoice_ids"
    assert caught.value.message == "Everything invoiced here is already refunded (drafts included)."
    for invoice_id in everything:
        total, credited = _credited(desk.a, invoice_id)
        assert credited == total


def test_a_stale_refund_takes_only_what_is_left_after_a_partial_one(
    desk: Desk, ctx: Context
) -> None:
    ticket_id, stale, invoice_id, partial = _partly_refundable(desk, ctx)  # A opens Refund
    refunds.create_refund(desk.b, ctx, ticket_id, _ask(partial, (invoice_id,)))  # B: one product
    total, by_b = _credited(desk.a, invoice_id)
    assert Decimal(0) < by_b < total

    result = refunds.create_refund(desk.a, ctx, ticket_id, _ask(stale, (invoice_id,)))

    assert len(result.credit_note_ids) == 1
    assert _credited(desk.a, invoice_id) == (total, total)  # the rest, not the whole again
    with nothing_written(desk.a), pytest.raises(AfterSalesError) as caught:
        refunds.create_refund(desk.a, ctx, ticket_id, _ask(stale, (invoice_id,)))
    assert caught.value.field == "invoice_ids"


def _return_ticket(desk: Desk, ctx: Context) -> tuple[int, returns.ReturnDefaults]:
    for ticket_id in candidates(desk.a, "use_returns"):
        offer = returns.defaults(desk.a, ctx, ticket_id)
        if any(line.returnable > 0 for line in offer.lines) and offer.location_id is not None:
            return ticket_id, offer
    raise AssertionError("the demo has no ticket to take a return")


def _everything(offer: returns.ReturnDefaults) -> returns.ReturnRequest:
    lines = tuple(
        returns.LineQuantity(line.id, line.returnable)
        for line in offer.lines
        if line.returnable > 0
    )
    return returns.ReturnRequest(offer.scope, lines, offer.location_id)


def test_a_return_of_a_delivery_returned_meanwhile_is_refused(desk: Desk, ctx: Context) -> None:
    ticket_id, stale = _return_ticket(desk, ctx)  # A opens Return
    returns.create_return(desk.b, ctx, ticket_id, _everything(stale))  # B takes everything back

    with nothing_written(desk.a), pytest.raises(AfterSalesError) as caught:
        returns.create_return(desk.a, ctx, ticket_id, _everything(stale))
    assert caught.value.field == "picking_id"
    with desk.a.read() as session:
        delivery = session.get(returns.Picking, stale.scope.picking_id)
        assert delivery is not None
    assert caught.value.message in (
        f"{delivery.name} can no longer be returned here (everything returned, or changed by "
        "someone else meanwhile): choose a delivery again",
        "Everything delivered to this customer has already been returned.",
        "No delivery of this sales order is left to return: choose another order.",
    )


def _first_ticket(db: Database) -> int:
    with db.read() as session:
        found = session.exec(
            select(Ticket.id).where(Ticket.stage == Stage.NEW).order_by(col(Ticket.number))
        ).first()
    assert found is not None
    return found


def test_an_edit_over_a_triage_change_by_another_agent_is_refused(desk: Desk, ctx: Context) -> None:
    ticket_id = _first_ticket(desk.a)
    opened = tickets.load(desk.a, ticket_id)  # A opens the form
    assert triage.set_stage(desk.b, ctx, [ticket_id], Stage.IN_PROGRESS) == 1  # B moves it
    other = next(p for p in Priority if p != opened.priority)
    assert triage.set_priority(desk.b, ctx, [ticket_id], other) == 1
    mine = replace(tickets.fields_of(opened), title="Edited on a stale screen")

    with nothing_written(desk.a), pytest.raises(AfterSalesError) as caught:
        tickets.update(desk.a, ctx, ticket_id, mine, opened.version)
    assert caught.value.message == (
        f"Ticket #{opened.number} was changed by someone else while you edited it: "
        "close the form and reopen the ticket to see their change"
    )
    now = tickets.load(desk.a, ticket_id)
    assert (now.title, now.stage, now.priority, now.version) == (
        opened.title,
        Stage.IN_PROGRESS,
        other,
        opened.version + 2,
    )


def test_an_action_that_leaves_the_ticket_fields_alone_does_not_block_an_edit(
    desk: Desk, ctx: Context
) -> None:
    ticket_id = next(iter(candidates(desk.a, "use_coupons")))
    opened = tickets.load(desk.a, ticket_id)  # A opens the form
    offer = coupons.defaults(desk.b, ctx, ticket_id)
    program = offer.program_id or offer.programs[0].id
    coupon = coupons.generate(desk.b, ctx, ticket_id, coupons.CouponRequest(program, None))

    mine = replace(tickets.fields_of(opened), title="Edited while a coupon was made")
    tickets.update(desk.a, ctx, ticket_id, mine, opened.version)

    assert tickets.load(desk.b, ticket_id).title == "Edited while a coupon was made"
    assert [c.code for c in coupons.for_ticket(desk.a, ctx, ticket_id)][:1] == [coupon.code]
