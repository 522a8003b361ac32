"""Returns: what the Reverse Transfer modal offers, the rules of a return, validating it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from aftersales_tui import formatting as fmt
from aftersales_tui.db import Database, open_database
from aftersales_tui.models import PickingKind, PickingState, Ticket, Tracking
from aftersales_tui.services import Context, returns
from aftersales_tui.services.context import frozen_clock
from aftersales_tui.services.errors import AfterSalesError
from aftersales_tui.services.returns import LineQuantity, ReturnScope

from . import factories as f
from .accounting_builders import lot, sale_order, ticket_log
from .conftest import NOW
from .returns_builders import (
    Case,
    Moved,
    Warehouse,
    ask,
    lines_of,
    nothing_written,
    receipts_of,
    warehouse,
)


@pytest.fixture
def wh(db: Database) -> Warehouse:
    return warehouse(db)


def table(offer: returns.ReturnDefaults) -> list[tuple[str, str, str, str, str]]:
    """The lines as the modal shows them: product, lot, delivered, returned, returnable."""
    return [
        (
            line.product,
            line.lot,
            fmt.quantity(line.delivered),
            fmt.quantity(line.returned),
            fmt.quantity(line.returnable),
        )
        for line in offer.lines
    ]


# --- what is offered ------------------------------------------------------------------------


def test_one_line_per_delivered_product_and_lot_with_its_quantities(wh: Warehouse) -> None:
    laptop = f.product(wh.db, "Laptop", Tracking.SERIAL)
    sn1, sn2 = lot(wh.db, laptop, "SN-1"), lot(wh.db, laptop, "SN-2")
    wh.delivery(
        "WH/OUT/00001",
        Moved(laptop, "1", sn1),
        Moved(laptop, "1", sn2),
        Moved(wh.desk, "2"),
        Moved(wh.desk, "1"),  # the same product twice: one line
    )
    offer = returns.defaults(wh.db, Context(), wh.ticket())

    assert table(offer) == [
        ("Laptop", "SN-1", "1", "0", "1"),
        ("Laptop", "SN-2", "1", "0", "1"),
        ("Desk", "", "3", "0", "3"),
    ]
    assert [c.label for c in offer.locations] == ["WH/Returns", "WH/Repair", "WH/Stock"]
    assert offer.location_id == wh.returns
    assert (offer.note, offer.empty_reason) == (None, None)


def test_the_default_is_the_latest_delivery_containing_the_ticket_product(
    wh: Warehouse, ctx: Context
) -> None:
    wh.delivery("WH/OUT/00001", Moved(wh.desk, "1"), days_ago=30)
    wh.delivery("WH/OUT/00002", Moved(wh.desk, "2"), days_ago=20)
    wh.delivery("WH/OUT/00003", Moved(wh.chair, "4"), days_ago=5)  # latest, but no desk
    offer = returns.defaults(wh.db, ctx, wh.ticket(product_id=wh.desk))

    assert [c.label.split(" · ")[0] for c in offer.deliveries] == ["WH/OUT/00002", "WH/OUT/00001"]
    assert offer.deliveries[0].label == "WH/OUT/00002 · done 2026-11-03"
    assert offer.scope == ReturnScope(None, offer.deliveries[0].id)
    assert table(offer) == [("Desk", "", "2", "0", "2")]

    without_product = returns.defaults(wh.db, ctx, wh.ticket(8))
    assert without_product.deliveries[0].label.startswith("WH/OUT/00003")


def test_the_cursor_starts_on_the_ticket_product_and_lot(wh: Warehouse, ctx: Context) -> None:
    laptop = f.product(wh.db, "Laptop", Tracking.SERIAL)
    sn1, sn2 = lot(wh.db, laptop, "SN-1"), lot(wh.db, laptop, "SN-2")
    wh.delivery(
        "WH/OUT/00001", Moved(wh.desk, "1"), Moved(laptop, "1", sn1), Moved(laptop, "1", sn2)
    )
    offer = returns.defaults(wh.db, ctx, wh.ticket(product_id=laptop, lot_id=sn2))
    assert offer.focus_line_id == offer.lines[2].id
    offer = returns.defaults(wh.db, ctx, wh.ticket(8, product_id=laptop))
    assert offer.focus_line_id == offer.lines[1].id


def test_no_delivery_has_the_product_every_one_is_offered_and_the_modal_says_so(
    wh: Warehouse, ctx: Context
) -> None:
    lamp = f.product(wh.db, "Lamp")
    wh.delivery("WH/OUT/00001", Moved(wh.desk, "1"))
    offer = returns.defaults(wh.db, ctx, wh.ticket(product_id=lamp))
    assert len(offer.deliveries) == 1
    assert offer.note == (
        "No delivery left to return contains Lamp: every delivery of the customer is offered."
    )


def test_the_ticket_order_narrows_the_deliveries(wh: Warehouse, ctx: Context) -> None:
    first = sale_order(wh.db, wh.customer_id, "S00001", wh.desk)
    second = sale_order(wh.db, wh.customer_id, "S00002", wh.desk)
    wh.delivery("WH/OUT/00001", Moved(wh.desk, "1"), sale_order_id=first, days_ago=30)
    wh.delivery("WH/OUT/00002", Moved(wh.desk, "2"), sale_order_id=second, days_ago=3)
    offer = returns.defaults(wh.db, ctx, wh.ticket(sale_order_id=first))

    assert [c.label for c in offer.orders] == ["S00002", "S00001"]
    assert offer.scope.sale_order_id == first
    assert [c.label for c in offer.deliveries] == ["WH/OUT/00001 · S00001 · done 2026-10-24"]

    any_order = returns.defaults(wh.db, ctx, offer.ticket_id, ReturnScope(None, None))
    assert len(any_order.deliveries) == 2
    assert any_order.deliveries[0].label.startswith("WH/OUT/00002")


def test_an_order_with_several_deliveries_narrows_the_picker_to_them(
    wh: Warehouse, ctx: Context
) -> None:
    """Design choice: the lines always come from the one chosen delivery (one receipt)."""
    order = sale_order(wh.db, wh.customer_id, "S00001", wh.desk, wh.chair)
    early = wh.delivery("WH/OUT/00001", Moved(wh.desk, "1"), sale_order_id=order, days_ago=9)
    late = wh.delivery("WH/OUT/00002", Moved(wh.chair, "3"), sale_order_id=order, days_ago=2)
    wh.delivery("WH/OUT/00003", Moved(wh.desk, "5"), days_ago=1)  # no order
    ticket_id = wh.ticket(sale_order_id=order)

    offer = returns.defaults(wh.db, ctx, ticket_id)
    assert [c.id for c in offer.deliveries] == [late, early]
    assert offer.scope == ReturnScope(order, late)
    assert table(offer) == [("Chair", "", "3", "0", "3")]

    chosen = returns.defaults(wh.db, ctx, ticket_id, ReturnScope(order, early))
    assert table(chosen) == [("Desk", "", "1", "0", "1")]
    receipt = returns.create_return(wh.db, ctx, ticket_id, ask(chosen))
    assert receipt.origin == "Return of WH/OUT/00001"
    assert [r.id for r in receipts_of(wh.db, early)] == [receipt.id]
    assert receipts_of(wh.db, late) == []


def test_only_done_deliveries_of_the_customer_are_offered(wh: Warehouse, ctx: Context) -> None:
    other = f.partner(wh.db, "Deco Addict")
    wh.delivery("WH/OUT/00001", Moved(wh.desk, "1"), state=PickingState.READY)
    wh.delivery("WH/OUT/00002", Moved(wh.desk, "1"), partner_id=other)
    case = wh.case(ctx)
    offer = case.offer()
    assert (offer.deliveries, offer.lines) == ((), ())
    assert offer.empty_reason == "No done delivery for this customer."
    error = case.refuse(field="picking_id")
    assert error.message == "No done delivery for this customer."


def test_a_ticket_without_customer_says_so(wh: Warehouse, ctx: Context) -> None:
    offer = returns.defaults(wh.db, ctx, wh.ticket(partner_id=None))
    assert offer.empty_reason == "This ticket has no customer: set one to take a return."


def test_a_fully_returned_delivery_is_no_longer_offered(wh: Warehouse, ctx: Context) -> None:
    delivery = wh.delivery("WH/OUT/00001", Moved(wh.desk, "2"))
    wh.earlier_return("WH/RET/00001", delivery, Moved(wh.desk, "2"), state=PickingState.READY)
    offer = returns.defaults(wh.db, ctx, wh.ticket())
    assert offer.deliveries == ()
    assert offer.empty_reason == "Everything delivered to this customer has already been returned."


# --- already returned ----------------------------------------------------------------------


def test_a_partial_earlier_return_caps_the_default(wh: Warehouse, ctx: Context) -> None:
    delivery = wh.delivery("WH/OUT/00001", Moved(wh.desk, "3"), Moved(wh.chair, "2"))
    wh.earlier_return("WH/RET/00001", delivery, Moved(wh.desk, "1"))
    wh.earlier_return("WH/RET/00002", delivery, Moved(wh.chair, "1"), state=PickingState.READY)
    offer = returns.defaults(wh.db, ctx, wh.ticket())

    assert table(offer) == [("Desk", "", "3", "1", "2"), ("Chair", "", "2", "1", "1")]
    assert [q.quantity for q in ask(offer).lines] == [Decimal(2), Decimal(1)]


def test_cancelled_returns_do_not_count(wh: Warehouse, ctx: Context) -> None:
    delivery = wh.delivery("WH/OUT/00001", Moved(wh.desk, "3"))
    wh.earlier_return("WH/RET/00001", delivery, Moved(wh.desk, "2"), state=PickingState.CANCELLED)
    offer = returns.defaults(wh.db, ctx, wh.ticket())
    assert table(offer) == [("Desk", "", "3", "0", "3")]


def test_returns_count_per_lot(wh: Warehouse, ctx: Context) -> None:
    panel = f.product(wh.db, "Acoustic Panel", Tracking.LOT)
    l1, l2 = lot(wh.db, panel, "L01"), lot(wh.db, panel, "L02")
    delivery = wh.delivery("WH/OUT/00001", Moved(panel, "4", l1), Moved(panel, "4", l2))
    wh.earlier_return("WH/RET/00001", delivery, Moved(panel, "3", l2))
    offer = returns.defaults(wh.db, ctx, wh.ticket())
    assert table(offer) == [
        ("Acoustic Panel", "L01", "4", "0", "4"),
        ("Acoustic Panel", "L02", "4", "3", "1"),
    ]


# --- the rules of a return -------------------------------------------------------------------


@pytest.fixture
def case(wh: Warehouse, ctx: Context) -> Case:
    """A delivery of 3 desks and 2 chairs, and a ticket about it."""
    delivery = wh.delivery("WH/OUT/00001", Moved(wh.desk, "3"), Moved(wh.chair, "2"))
    return wh.case(ctx, delivery_id=delivery)


def test_more_than_returnable_is_refused(case: Case) -> None:
    case.wh.earlier_return("WH/RET/00001", case.delivery_id, Moved(case.wh.desk, "1"))
    error = case.refuse("3", "2", field="lines")
    assert error.message == "At most 2 of Desk can be returned (3 delivered, 1 already returned)"
    case.refuse("2.001", "0", field="lines")


def test_a_negative_quantity_is_refused(case: Case) -> None:
    error = case.refuse("1", "-1", field="lines")
    assert error.message == "A quantity cannot be negative (Chair)"


def test_all_zero_is_refused_with_the_guide_message(case: Case) -> None:
    message = "Please specify at least one non-zero quantity."
    assert case.refuse("0", "0", field="lines").message == message
    assert case.refuse(None, None, field="lines").message == message  # every line removed


def test_a_location_outside_the_offer_is_refused(case: Case) -> None:
    error = case.refuse(location_id=case.wh.scrap, field="location_id")
    assert error.message == "WH/Scrap is not a return location for WH/OUT/00001"
    error = case.refuse(location_id=None, field="location_id")
    assert error.message == "Choose a return location"


def test_the_delivery_source_and_any_return_location_are_accepted(case: Case) -> None:
    to_stock = case.create("1", "0", location_id=case.wh.stock)
    to_repair = case.create("1", "0", location_id=case.wh.repair)
    assert (to_stock.destination, to_repair.destination) == ("WH/Stock", "WH/Repair")
    assert to_stock.source == "Partners/Customers"


def test_a_removed_line_is_not_returned(case: Case) -> None:
    receipt = case.create(None, "2")
    assert lines_of(case.db, receipt.id) == [(case.wh.chair, None, Decimal("2.000"))]


def test_zero_lines_are_left_out_of_the_receipt(case: Case) -> None:
    receipt = case.create("1.5", "0")
    assert lines_of(case.db, receipt.id) == [(case.wh.desk, None, Decimal("1.500"))]
    assert case.offer().lines[0].returnable == Decimal("1.5")


def test_lines_keep_their_lot(wh: Warehouse, ctx: Context) -> None:
    laptop = f.product(wh.db, "Laptop", Tracking.SERIAL)
    sn1, sn2 = lot(wh.db, laptop, "SN-1"), lot(wh.db, laptop, "SN-2")
    wh.delivery("WH/OUT/00001", Moved(laptop, "1", sn1), Moved(laptop, "1", sn2))
    receipt = wh.case(ctx).create()
    assert lines_of(wh.db, receipt.id) == [
        (laptop, sn1, Decimal("1.000")),
        (laptop, sn2, Decimal("1.000")),
    ]
    assert [(i.product, i.lot) for i in receipt.items] == [("Laptop", "SN-1"), ("Laptop", "SN-2")]


def test_a_line_of_another_delivery_or_twice_is_refused(case: Case) -> None:
    first = case.offer().lines[0].id
    twice = (LineQuantity(first, Decimal(1)), LineQuantity(first, Decimal(1)))
    error = case.refuse(lines=twice, field="lines")
    assert error.message == "A line is not part of WH/OUT/00001 any more: reopen Return"
    case.refuse(lines=(LineQuantity(9999, Decimal(1)),), field="lines")


def test_a_delivery_outside_the_offer_is_refused(case: Case) -> None:
    other = f.partner(case.db, "Deco Addict")
    theirs = case.wh.delivery("WH/OUT/00002", Moved(case.wh.desk, "1"), partner_id=other)
    error = case.refuse(scope=ReturnScope(None, theirs), field="picking_id")
    assert error.message.startswith("WH/OUT/00002 can no longer be returned here")
    order = sale_order(case.db, case.wh.customer_id, "S00009", case.wh.desk)
    case.refuse(scope=ReturnScope(order, case.delivery_id), field="picking_id")
    error = case.refuse(scope=ReturnScope(None, None), field="picking_id")
    assert error.message == "Choose a delivery to return"


# --- what a return writes --------------------------------------------------------------------


def test_the_receipt_its_name_origin_and_links(case: Case) -> None:
    view = case.create()

    [receipt] = receipts_of(case.db, case.delivery_id)
    assert (receipt.name, receipt.origin, receipt.kind, receipt.state) == (
        "WH/RET/00001",
        "Return of WH/OUT/00001",
        PickingKind.INCOMING,
        PickingState.READY,
    )
    assert (receipt.return_of_id, receipt.ticket_id, receipt.partner_id) == (
        case.delivery_id,
        case.ticket_id,
        case.wh.customer_id,
    )
    assert (receipt.location_id, receipt.location_dest_id) == (case.wh.customers, case.wh.returns)
    assert (receipt.created_at, receipt.date_done) == (NOW, None)
    assert (view.name, view.quantity) == ("WH/RET/00001", Decimal(5))


def test_the_name_continues_after_the_returns_already_there(wh: Warehouse, ctx: Context) -> None:
    delivery = wh.delivery("WH/OUT/00001", Moved(wh.desk, "3"))
    wh.earlier_return("WH/RET/00007", delivery, Moved(wh.desk, "1"))  # loaded, no sequence yet
    case = wh.case(ctx)
    assert (case.create("1").name, case.create("1").name) == ("WH/RET/00008", "WH/RET/00009")


def test_on_the_demo_the_next_return_follows_its_names(demo_db: Database, ctx: Context) -> None:
    with demo_db.read() as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == 1038)).one()
    offer = returns.defaults(demo_db, ctx, ticket.id or 0)
    receipt = returns.create_return(demo_db, ctx, ticket.id or 0, ask(offer))
    assert (receipt.name, receipt.origin) == ("WH/RET/00005", "Return of WH/OUT/00036")


def test_the_ticket_logs_the_return(case: Case) -> None:
    agent = dataclasses.replace(case, ctx=case.ctx.as_user(f.agent(case.db)))
    agent.create("2", "1")
    assert ticket_log(case.db, case.ticket_id) == [
        "Return WH/RET/00001 created for WH/OUT/00001: 2 × Desk, 1 × Chair"
    ]
    with case.db.read() as s:
        ticket = s.get(Ticket, case.ticket_id)
        assert ticket is not None and ticket.updated_at == NOW


# --- typed quantities ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [("2", "2"), (" 1.5 ", "1.5"), ("1,5", "1.5"), ("", "0"), ("0", "0")],
)
def test_typed_quantities(typed: str, value: str) -> None:
    assert returns.parse_quantity(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["two", "1..2", "NaN", "inf"])
def test_unreadable_quantities_are_refused(typed: str) -> None:
    with pytest.raises(AfterSalesError) as caught:
        returns.parse_quantity(typed)
    assert caught.value.field == "lines"
    assert caught.value.message.startswith("The quantity must be a number")


# --- validating ------------------------------------------------------------------------------


def test_validate_marks_a_ready_return_done(case: Case) -> None:
    receipt = case.create()
    later = NOW + timedelta(days=2)
    done = returns.validate(case.db, Context(clock=frozen_clock(later), tz=UTC), receipt.id)

    assert (done.state, done.date_done) == (PickingState.DONE, later)
    assert ticket_log(case.db, case.ticket_id)[-1] == "Return WH/RET/00001 validated"
    assert [r.state for r in returns.for_ticket(case.db, case.ticket_id)] == [PickingState.DONE]


@pytest.mark.parametrize("state", [PickingState.DONE, PickingState.CANCELLED, PickingState.DRAFT])
def test_validate_only_from_ready(case: Case, state: PickingState) -> None:
    desk = Moved(case.wh.desk, "1")
    receipt = case.wh.earlier_return("WH/RET/00001", case.delivery_id, desk, state=state)
    with nothing_written(case.db), pytest.raises(AfterSalesError) as caught:
        returns.validate(case.db, case.ctx, receipt)
    assert caught.value.message == (
        f"WH/RET/00001 is {state.value}: only a ready return can be validated"
    )


def test_a_delivery_is_not_a_return(case: Case) -> None:
    with pytest.raises(AfterSalesError, match="This return no longer exists"):
        returns.validate(case.db, case.ctx, case.delivery_id)
    with pytest.raises(AfterSalesError, match="This return no longer exists"):
        returns.load(case.db, 9999)


def test_the_ticket_returns_newest_first(case: Case) -> None:
    case.create("1", "0")
    case.create("2", "0")
    rows = returns.for_ticket(case.db, case.ticket_id)
    assert [(r.name, r.quantity) for r in rows] == [
        ("WH/RET/00002", Decimal(2)),
        ("WH/RET/00001", Decimal(1)),
    ]
    assert returns.load(case.db, rows[0].id) == rows[0]
    assert returns.for_ticket(case.db, case.wh.ticket(8)) == []


# --- two agents at once ----------------------------------------------------------------------


def test_two_agents_returning_one_delivery_never_return_more_than_delivered(
    tmp_path: Path, ctx: Context
) -> None:
    """Each agent has their own connection to the file; the second one's screen is stale."""
    path = str(tmp_path / "shared.db")
    first_db, second_db = open_database(path), open_database(path)
    try:
        wh = warehouse(first_db)
        delivery = wh.delivery("WH/OUT/00001", Moved(wh.desk, "3"), Moved(wh.chair, "1"))
        first = wh.case(ctx, delivery_id=delivery)
        second = dataclasses.replace(first, wh=dataclasses.replace(wh, db=second_db))
        stale = second.offer()  # the second agent opens Return too

        first.create("2", None)
        with nothing_written(second_db), pytest.raises(AfterSalesError) as caught:
            returns.create_return(second_db, ctx, second.ticket_id, ask(stale, "3", "1"))
        assert caught.value.field == "lines"
        assert caught.value.message == (
            "At most 1 of Desk can be returned (3 delivered, 2 already returned)"
        )

        returns.create_return(second_db, ctx, second.ticket_id, ask(stale, "1", "1"))
        with pytest.raises(AfterSalesError) as caught:  # everything is back now
            returns.create_return(second_db, ctx, second.ticket_id, ask(stale, "1", None))
        assert caught.value.field == "picking_id"
        returned = [
            line for r in receipts_of(first_db, delivery) for line in lines_of(first_db, r.id or 0)
        ]
        assert sum(q for product, _lot, q in returned if product == wh.desk) == Decimal(3)
        assert sum(q for product, _lot, q in returned if product == wh.chair) == Decimal(1)
    finally:
        first_db.dispose()
        second_db.dispose()
