"""Repairs: the form's defaults from a ticket, warranty prices, tags, parts, quotations, the
repair's life from draft to done, and the names of repair orders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import col, select

from aftersales_tui.db import Database
from aftersales_tui.models import (
    OrderState,
    RepairLine,
    RepairOrder,
    RepairState,
    RepairTag,
    SalesOrder,
    SalesOrderLine,
    Tracking,
)
from aftersales_tui.services import Context, repairs, tickets
from aftersales_tui.services.directory import Choice
from aftersales_tui.services.errors import AfterSalesError
from aftersales_tui.services.repairs import (
    PartRequest,
    RepairRequest,
    RepairScope,
    Step,
    part_price,
    reprice,
    split_tags,
)

from . import factories as f
from .conftest import NOW, TODAY
from .repair_builders import Workshop, a_return, footprint, lot, part, request, workshop


@pytest.fixture
def shop(db: Database) -> Workshop:
    return workshop(db)


@pytest.fixture
def agent_ctx(shop: Workshop, ctx: Context) -> Context:
    return ctx.as_user(shop.agent_id)


def log_of(db: Database, ticket_id: int) -> list[str]:
    """The ticket's chatter, oldest first."""
    return [entry.body for entry in reversed(tickets.history(db, ticket_id))]


def stored(db: Database, repair_id: int) -> RepairOrder:
    with db.read() as s:
        repair = s.get(RepairOrder, repair_id)
        assert repair is not None
        return repair


def parts_of(db: Database, repair_id: int) -> list[tuple[int, Decimal, Decimal]]:
    with db.read() as s:
        lines = s.exec(
            select(RepairLine).where(RepairLine.repair_id == repair_id).order_by(col(RepairLine.id))
        ).all()
        return [(line.product_id, line.quantity, line.price_unit) for line in lines]


def refuse(db: Database, write: object, field: str | None) -> AfterSalesError:
    """Run ``write`` (a callable), expect a refusal on ``field`` and nothing written."""
    assert callable(write)
    before = footprint(db)
    with pytest.raises(AfterSalesError) as caught:
        write()
    assert caught.value.field == field, caught.value.message
    assert footprint(db) == before
    return caught.value


def create(shop: Workshop, ctx: Context, req: RepairRequest) -> repairs.RepairResult:
    return repairs.create_repair(shop.db, ctx, shop.ticket_id, req)


# --- defaults from the ticket --------------------------------------------------------------


def test_defaults_come_from_the_ticket(shop: Workshop, agent_ctx: Context) -> None:
    offer = repairs.defaults(shop.db, agent_ctx, shop.ticket_id)
    initial = offer.initial
    assert (initial.partner_id, initial.product_id, initial.lot_id) == (
        shop.customer_id,
        shop.printer,
        shop.serial,
    )
    assert initial.schedule_date == TODAY
    assert initial.user_id == shop.agent_id
    assert initial.description == "Printer jams after firmware 2.1"
    assert initial.internal_notes == "Jams on every second page."
    assert (initial.under_warranty, initial.tags, initial.parts, initial.invoice_method) == (
        False,
        (),
        (),
        None,
    )
    assert offer.lot_visible is True
    assert offer.lot == Choice(shop.serial, "SN-00042")
    assert offer.returns == ()
    assert initial.return_id is None
    assert (offer.repair_id, offer.name, offer.ticket_ref) == (None, "New", "#1042")
    assert offer.steps == (Step.CONFIRM, Step.QUOTATION, Step.SAVE)


def test_default_return_prefers_the_tickets_own_latest_with_the_product(
    shop: Workshop, agent_ctx: Context
) -> None:
    db, customer, printer = shop.db, shop.customer_id, shop.printer
    older_own = a_return(
        db, customer, printer, "WH/RET/00001", ticket_id=shop.ticket_id, age=timedelta(days=9)
    )
    own = a_return(
        db, customer, printer, "WH/RET/00002", ticket_id=shop.ticket_id, age=timedelta(days=5)
    )
    other_ticket = f.ticket(db, shop.team_id, number=7, partner_id=customer)
    a_return(db, customer, printer, "WH/RET/00003", ticket_id=other_ticket, age=timedelta(days=1))
    a_return(db, customer, shop.fuser, "WH/RET/00004", ticket_id=shop.ticket_id)
    offer = repairs.defaults(db, agent_ctx, shop.ticket_id)
    assert offer.initial.return_id == own != older_own
    assert [c.label for c in offer.returns] == [
        "WH/RET/00004 (ready)",
        "WH/RET/00003 (ready)",
        "WH/RET/00002 (ready)",
        "WH/RET/00001 (ready)",
    ]


def test_default_return_else_the_customers_latest_with_the_product(
    shop: Workshop, agent_ctx: Context
) -> None:
    db, customer = shop.db, shop.customer_id
    a_return(db, customer, shop.printer, "WH/RET/00001", age=timedelta(days=8))
    latest = a_return(db, customer, shop.printer, "WH/RET/00002", age=timedelta(days=3))
    a_return(db, customer, shop.fuser, "WH/RET/00003", ticket_id=shop.ticket_id)
    someone_else = f.partner(db, "Deco Addict")
    a_return(db, someone_else, shop.printer, "WH/RET/00004")
    offer = repairs.defaults(db, agent_ctx, shop.ticket_id)
    assert offer.initial.return_id == latest
    assert "WH/RET/00004 (ready)" not in [c.label for c in offer.returns]


def test_cancelled_returns_are_not_offered(shop: Workshop, agent_ctx: Context) -> None:
    from aftersales_tui.models import PickingState

    a_return(shop.db, shop.customer_id, shop.printer, "WH/RET/00001", state=PickingState.CANCELLED)
    offer = repairs.defaults(shop.db, agent_ctx, shop.ticket_id)
    assert (offer.returns, offer.initial.return_id) == ((), None)


def test_the_returns_lot_fills_a_missing_lot(shop: Workshop, agent_ctx: Context) -> None:
    other_serial = lot(shop.db, shop.printer, "SN-00043")
    a_return(shop.db, shop.customer_id, shop.printer, "WH/RET/00001", lot_id=other_serial)
    scope = RepairScope(shop.customer_id, shop.printer, None)
    offer = repairs.defaults(shop.db, agent_ctx, shop.ticket_id, scope)
    assert offer.initial.lot_id == other_serial


def test_an_untracked_product_hides_the_lot(shop: Workshop, agent_ctx: Context) -> None:
    scope = RepairScope(shop.customer_id, shop.fuser, shop.serial)
    offer = repairs.defaults(shop.db, agent_ctx, shop.ticket_id, scope)
    assert (offer.lot_visible, offer.lot, offer.initial.lot_id) == (False, None, None)
    result = create(shop, agent_ctx, request(shop, product_id=shop.fuser, lot_id=shop.serial))
    assert stored(shop.db, result.id).lot_id is None


def test_an_unassigned_ticket_leaves_responsible_blank(db: Database, ctx: Context) -> None:
    team = f.team(db, use_repairs=True)
    ticket = f.ticket(db, team, title="Chair squeaks")
    offer = repairs.defaults(db, ctx, ticket)
    assert (offer.initial.user_id, offer.initial.partner_id, offer.lot_visible) == (
        None,
        None,
        False,
    )


# --- warranty prices -----------------------------------------------------------------------


def test_part_price_follows_the_warranty_both_ways() -> None:
    assert part_price(Decimal("145.00"), True) == Decimal("0.00")
    assert part_price(Decimal("145.00"), False) == Decimal("145.00")


def test_reprice_sets_every_line_to_zero_and_back() -> None:
    prices = {1: Decimal("145.00"), 2: Decimal("65.00")}
    lines = (PartRequest(1, "1", "120.00"), PartRequest(2, "1.5", "65.00"))
    free = reprice(lines, prices, True)
    assert [(p.product_id, p.quantity, p.price_unit) for p in free] == [
        (1, "1", "0.00"),
        (2, "1.5", "0.00"),
    ]
    back = reprice(free, prices, False)
    assert [p.price_unit for p in back] == ["145.00", "65.00"]


def test_under_warranty_every_part_is_stored_at_zero(shop: Workshop, agent_ctx: Context) -> None:
    lines = (PartRequest(shop.fuser, "1", "145.00"), PartRequest(shop.labour, "2", "65.00"))
    result = create(shop, agent_ctx, request(shop, *lines, under_warranty=True))
    assert parts_of(shop.db, result.id) == [
        (shop.fuser, Decimal(1), Decimal(0)),
        (shop.labour, Decimal(2), Decimal(0)),
    ]
    assert stored(shop.db, result.id).under_warranty is True


def test_out_of_warranty_parts_keep_their_prices(shop: Workshop, agent_ctx: Context) -> None:
    lines = (PartRequest(shop.fuser, "1", "139.90"), PartRequest(shop.labour, "1.5", "65"))
    result = create(shop, agent_ctx, request(shop, *lines))
    assert parts_of(shop.db, result.id) == [
        (shop.fuser, Decimal(1), Decimal("139.90")),
        (shop.labour, Decimal("1.5"), Decimal("65.00")),
    ]


# --- confirming ----------------------------------------------------------------------------


def test_confirm_creates_a_confirmed_repair_and_logs_it(shop: Workshop, agent_ctx: Context) -> None:
    before = stored_ticket_updated(shop)
    result = create(shop, agent_ctx, request(shop, PartRequest(shop.fuser, "1", "145.00")))
    assert (result.name, result.state, result.quotation) == (
        "RO/00001",
        RepairState.CONFIRMED,
        None,
    )
    repair = stored(shop.db, result.id)
    assert (repair.ticket_id, repair.partner_id, repair.user_id, repair.schedule_date) == (
        shop.ticket_id,
        shop.customer_id,
        shop.agent_id,
        TODAY,
    )
    assert repair.created_at == NOW
    assert log_of(shop.db, shop.ticket_id) == ["Repair RO/00001 created (confirmed)"]
    assert before < stored_ticket_updated(shop) == NOW


def stored_ticket_updated(shop: Workshop) -> datetime:
    with shop.db.read() as s:
        return tickets.get(s, shop.ticket_id).updated_at


def test_save_draft_and_invoice_method(shop: Workshop, agent_ctx: Context) -> None:
    from aftersales_tui.models import InvoiceMethod

    req = request(shop, step=Step.SAVE, invoice_method=InvoiceMethod.AFTER, internal_notes="x")
    result = create(shop, agent_ctx, req)
    repair = stored(shop.db, result.id)
    assert (repair.state, repair.invoice_method, repair.internal_notes) == (
        RepairState.DRAFT,
        InvoiceMethod.AFTER,
        "x",
    )
    assert log_of(shop.db, shop.ticket_id) == ["Repair RO/00001 created (draft)"]


def test_a_tracked_product_without_lot_is_refused_at_confirm(
    shop: Workshop, agent_ctx: Context
) -> None:
    error = refuse(
        shop.db, lambda: create(shop, agent_ctx, request(shop, lot_id=None)), field="lot_id"
    )
    assert error.message == (
        "LaserJet X200 is tracked: choose its lot/serial number to confirm the repair"
    )
    draft = create(shop, agent_ctx, request(shop, lot_id=None, step=Step.SAVE))
    assert draft.state == RepairState.DRAFT
    error = refuse(
        shop.db, lambda: repairs.transition(shop.db, agent_ctx, draft.id, Step.CONFIRM), "lot_id"
    )
    assert error.message.endswith("to confirm the repair")
    error = refuse(
        shop.db, lambda: repairs.transition(shop.db, agent_ctx, draft.id, Step.START), "lot_id"
    )
    assert error.message.endswith("to start the repair")


def test_a_lot_is_also_required_to_end_the_repair(shop: Workshop, agent_ctx: Context) -> None:
    result = create(shop, agent_ctx, request(shop))
    repairs.transition(shop.db, agent_ctx, result.id, Step.START)
    with shop.db.write() as s:  # the lot lost by some other way than the form
        repair = s.get(RepairOrder, result.id)
        assert repair is not None
        repair.lot_id = None
    error = refuse(
        shop.db, lambda: repairs.transition(shop.db, agent_ctx, result.id, Step.END), "lot_id"
    )
    assert error.message == (
        "LaserJet X200 is tracked: choose its lot/serial number to end the repair"
    )


def test_confirming_needs_a_product(shop: Workshop, agent_ctx: Context) -> None:
    error = refuse(
        shop.db,
        lambda: create(shop, agent_ctx, request(shop, product_id=None, lot_id=None)),
        "product_id",
    )
    assert error.message == "Choose the product to repair to confirm the repair"


def test_negative_quantities_are_refused_at_confirm(shop: Workshop, agent_ctx: Context) -> None:
    lines = (PartRequest(shop.fuser, "1", "145"), PartRequest(shop.labour, "-1", "65"))
    error = refuse(
        shop.db, lambda: create(shop, agent_ctx, request(shop, *lines)), "part-1-quantity"
    )
    assert error.message == "A quantity cannot be negative"
    draft = create(shop, agent_ctx, request(shop, *lines, step=Step.SAVE))
    assert parts_of(shop.db, draft.id)[1][1] == Decimal(-1)
    error = refuse(
        shop.db,
        lambda: repairs.transition(shop.db, agent_ctx, draft.id, Step.CONFIRM),
        "part-1-quantity",
    )
    assert error.message == "A quantity cannot be negative"


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (PartRequest(None, "1", "1"), "part-0-product", "Choose a product for this part line"),
        (PartRequest(0, "one", "1"), "part-0-quantity", "The quantity must be a number: one"),
        (PartRequest(0, "1", "abc"), "part-0-price", "The price must be a number: abc"),
        (PartRequest(0, "1", "-5"), "part-0-price", "A price cannot be negative"),
    ],
)
def test_unreadable_part_lines_are_refused_even_in_a_draft(
    shop: Workshop, agent_ctx: Context, line: PartRequest, field: str, message: str
) -> None:
    if line.product_id == 0:
        line = PartRequest(shop.fuser, line.quantity, line.price_unit)
    error = refuse(
        shop.db, lambda: create(shop, agent_ctx, request(shop, line, step=Step.SAVE)), field
    )
    assert error.message.startswith(message)


def test_a_lot_of_another_product_and_a_return_of_another_customer_are_refused(
    shop: Workshop, agent_ctx: Context
) -> None:
    toner = part(shop.db, "Toner", "89.00", Tracking.LOT)
    toner_lot = lot(shop.db, toner, "TNR-L01")
    error = refuse(
        shop.db, lambda: create(shop, agent_ctx, request(shop, lot_id=toner_lot)), "lot_id"
    )
    assert error.message == "This lot/serial number is not one of LaserJet X200"
    other = f.partner(shop.db, "Deco Addict")
    theirs = a_return(shop.db, other, shop.printer, "WH/RET/00001")
    error = refuse(
        shop.db, lambda: create(shop, agent_ctx, request(shop, return_id=theirs)), "return_id"
    )
    assert error.message.startswith("This return is not one of the customer's returns")


def test_the_description_has_a_limit(shop: Workshop, agent_ctx: Context) -> None:
    error = refuse(
        shop.db,
        lambda: create(shop, agent_ctx, request(shop, description="x" * 501)),
        "description",
    )
    assert error.message == "The description is 500 characters at most"


# --- tags ----------------------------------------------------------------------------------


def test_split_tags_drops_blanks_and_repeats() -> None:
    assert split_tags(" Warranty, , firmware ,WARRANTY,Rush  job") == (
        "Warranty",
        "firmware",
        "Rush job",
    )
    assert split_tags("") == ()


def test_a_new_tag_is_created_once_and_reused_whatever_its_case(
    shop: Workshop, agent_ctx: Context
) -> None:
    with shop.db.write() as s:
        s.add(RepairTag(name="Warranty"))
    first = create(shop, agent_ctx, request(shop, tags=("warranty", "Firmware", "FIRMWARE")))
    second = create(shop, agent_ctx, request(shop, tags=("firmware", "WARRANTY")))
    with shop.db.read() as s:
        assert sorted(t.name for t in s.exec(select(RepairTag)).all()) == ["Firmware", "Warranty"]
    for result in (first, second):
        assert repairs.load(shop.db, agent_ctx, result.id).initial.tags == ("Firmware", "Warranty")
    offer = repairs.load(shop.db, agent_ctx, first.id)
    assert offer.initial.tags == ("Firmware", "Warranty")
    assert offer.tags == ("Firmware", "Warranty")


def test_a_tag_name_has_a_limit(shop: Workshop, agent_ctx: Context) -> None:
    error = refuse(
        shop.db, lambda: create(shop, agent_ctx, request(shop, tags=("x" * 65,))), "tags"
    )
    assert error.message == "A tag name is 64 characters at most"


# --- the quotation -------------------------------------------------------------------------


def quotation_lines(
    db: Database, name: str
) -> tuple[SalesOrder, list[tuple[int, Decimal, Decimal]]]:
    with db.read() as s:
        order = s.exec(select(SalesOrder).where(SalesOrder.name == name)).one()
        lines = s.exec(
            select(SalesOrderLine)
            .where(SalesOrderLine.order_id == order.id)
            .order_by(col(SalesOrderLine.id))
        ).all()
        return order, [(line.product_id, line.quantity, line.price_unit) for line in lines]


def test_create_quotation_under_warranty_is_zero_priced(shop: Workshop, agent_ctx: Context) -> None:
    lines = (PartRequest(shop.fuser, "1", "145.00"), PartRequest(shop.labour, "2", "65.00"))
    req = request(shop, *lines, under_warranty=True, step=Step.QUOTATION)
    result = create(shop, agent_ctx, req)
    assert (result.state, result.quotation) == (RepairState.DRAFT, "S00001")
    order, quoted = quotation_lines(shop.db, "S00001")
    assert (order.state, order.partner_id, order.repair_id, order.ticket_id, order.date_order) == (
        OrderState.QUOTATION,
        shop.customer_id,
        result.id,
        shop.ticket_id,
        TODAY,
    )
    assert quoted == [(shop.fuser, Decimal(1), Decimal(0)), (shop.labour, Decimal(2), Decimal(0))]
    assert log_of(shop.db, shop.ticket_id) == [
        "Repair RO/00001 created (draft)",
        "Quotation S00001 created for repair RO/00001",
    ]


def test_a_quotation_is_priced_out_of_warranty_and_made_once(
    shop: Workshop, agent_ctx: Context
) -> None:
    result = create(shop, agent_ctx, request(shop, PartRequest(shop.fuser, "2", "145.00")))
    again = repairs.transition(shop.db, agent_ctx, result.id, Step.QUOTATION)
    assert (again.state, again.quotation) == (RepairState.CONFIRMED, "S00001")
    assert quotation_lines(shop.db, "S00001")[1] == [(shop.fuser, Decimal(2), Decimal("145.00"))]
    error = refuse(
        shop.db, lambda: repairs.transition(shop.db, agent_ctx, result.id, Step.QUOTATION), None
    )
    assert error.message == "RO/00001 already has a quotation: S00001"
    offer = repairs.load(shop.db, agent_ctx, result.id)
    assert offer.quotation == "S00001"
    assert Step.QUOTATION not in offer.steps


def test_a_quotation_needs_a_customer_and_parts(shop: Workshop, agent_ctx: Context) -> None:
    no_customer = request(
        shop, PartRequest(shop.fuser, "1", "145"), partner_id=None, step=Step.QUOTATION
    )
    error = refuse(shop.db, lambda: create(shop, agent_ctx, no_customer), "partner_id")
    assert error.message == "A quotation needs a customer: choose one"
    error = refuse(
        shop.db, lambda: create(shop, agent_ctx, request(shop, step=Step.QUOTATION)), "parts"
    )
    assert error.message == "Add at least one part to quote"


def test_quotation_names_continue_the_sales_orders(shop: Workshop, agent_ctx: Context) -> None:
    f.order(shop.db, shop.customer_id, name="S00041")
    result = create(
        shop, agent_ctx, request(shop, PartRequest(shop.fuser, "1", "1"), step=Step.QUOTATION)
    )
    assert result.quotation == "S00042"


# --- the repair's life ---------------------------------------------------------------------


LIVES = {
    "to the end": (
        Step.SAVE,
        [
            (Step.CONFIRM, RepairState.CONFIRMED, "Repair RO/00001 confirmed"),
            (Step.START, RepairState.UNDER_REPAIR, "Repair RO/00001 started"),
            (Step.END, RepairState.DONE, "Repair RO/00001 done"),
        ],
    ),
    "cancelled and back": (
        Step.CONFIRM,
        [
            (Step.CANCEL, RepairState.CANCELLED, "Repair RO/00001 cancelled"),
            (Step.RESET, RepairState.DRAFT, "Repair RO/00001 set back to draft"),
            (Step.START, RepairState.UNDER_REPAIR, "Repair RO/00001 started"),
            (Step.CANCEL, RepairState.CANCELLED, "Repair RO/00001 cancelled"),
        ],
    ),
}


@pytest.mark.parametrize("life", LIVES)
def test_every_step_of_a_repair_and_its_chatter_line(
    shop: Workshop, agent_ctx: Context, life: str
) -> None:
    """Each step leads to its state and puts its line on the ticket's chatter."""
    first, moves = LIVES[life]
    repair = create(shop, agent_ctx, request(shop, step=first))
    for step, state, line in moves:
        assert repairs.transition(shop.db, agent_ctx, repair.id, step).state == state
        assert log_of(shop.db, shop.ticket_id)[-1] == line
    history = tickets.history(shop.db, shop.ticket_id)
    assert {entry.author for entry in history} == {"Mia Lopez"}


def test_start_confirms_a_draft_first(shop: Workshop, agent_ctx: Context) -> None:
    draft = create(shop, agent_ctx, request(shop, step=Step.SAVE))
    assert repairs.transition(shop.db, agent_ctx, draft.id, Step.START).state == (
        RepairState.UNDER_REPAIR
    )
    assert log_of(shop.db, shop.ticket_id) == [
        "Repair RO/00001 created (draft)",
        "Repair RO/00001 confirmed",
        "Repair RO/00001 started",
    ]


def put_in(shop: Workshop, ctx: Context, state: RepairState) -> int:
    """A repair of the ticket in ``state``, reached by the service's own steps."""
    path = {
        RepairState.DRAFT: (),
        RepairState.CONFIRMED: (Step.CONFIRM,),
        RepairState.UNDER_REPAIR: (Step.START,),
        RepairState.DONE: (Step.START, Step.END),
        RepairState.CANCELLED: (Step.CANCEL,),
    }[state]
    repair = create(shop, ctx, request(shop, step=Step.SAVE))
    for step in path:
        repairs.transition(shop.db, ctx, repair.id, step)
    assert stored(shop.db, repair.id).state == state
    return repair.id


DRAFT, CONFIRMED, UNDER_REPAIR, DONE, CANCELLED = RepairState
ONLY_DRAFT = "only a draft repair can be confirmed"
ONLY_OPEN = "only a draft or confirmed repair can be started"
ONLY_UNDER_REPAIR = "only a repair under repair can be ended"
ONLY_CANCELLED = "only a cancelled repair can be set back to draft"
WRONG_STATE = [
    (CONFIRMED, Step.CONFIRM, f"RO/00001 is confirmed: {ONLY_DRAFT}"),
    (UNDER_REPAIR, Step.START, f"RO/00001 is under repair: {ONLY_OPEN}"),
    (DONE, Step.START, f"RO/00001 is done: {ONLY_OPEN}"),
    (DRAFT, Step.END, f"RO/00001 is draft: {ONLY_UNDER_REPAIR}"),
    (CONFIRMED, Step.END, f"RO/00001 is confirmed: {ONLY_UNDER_REPAIR}"),
    (DONE, Step.CANCEL, "RO/00001 is done: a finished repair cannot be cancelled"),
    (CANCELLED, Step.CANCEL, "RO/00001 is already cancelled"),
    (CONFIRMED, Step.RESET, f"RO/00001 is confirmed: {ONLY_CANCELLED}"),
    (DRAFT, Step.RESET, f"RO/00001 is draft: {ONLY_CANCELLED}"),
    (CANCELLED, Step.QUOTATION, "RO/00001 is cancelled: a cancelled repair cannot be quoted"),
    (DONE, Step.SAVE, "RO/00001 is done: it can no longer be changed"),
]


@pytest.mark.parametrize(("state", "step", "message"), WRONG_STATE)
def test_steps_from_the_wrong_state_are_refused(
    shop: Workshop, agent_ctx: Context, state: RepairState, step: Step, message: str
) -> None:
    repair_id = put_in(shop, agent_ctx, state)
    error = refuse(shop.db, lambda: repairs.transition(shop.db, agent_ctx, repair_id, step), None)
    assert error.message == message
    assert repairs.refusal("RO/00001", state, step) == message


def test_the_form_offers_the_steps_of_each_state(shop: Workshop, agent_ctx: Context) -> None:
    expected = {
        RepairState.DRAFT: (Step.SAVE, Step.CONFIRM, Step.QUOTATION, Step.CANCEL),
        RepairState.CONFIRMED: (Step.SAVE, Step.START, Step.QUOTATION, Step.CANCEL),
        RepairState.UNDER_REPAIR: (Step.SAVE, Step.END, Step.QUOTATION, Step.CANCEL),
        RepairState.DONE: (Step.QUOTATION,),
        RepairState.CANCELLED: (Step.RESET,),
    }
    for state, steps in expected.items():
        offer = repairs.load(shop.db, agent_ctx, put_in(shop, agent_ctx, state))
        assert (offer.steps, offer.editable) == (steps, state not in _CLOSED), state


_CLOSED = (RepairState.DONE, RepairState.CANCELLED)


# --- editing a repair ----------------------------------------------------------------------


def test_load_fills_the_form_with_the_repair(shop: Workshop, agent_ctx: Context) -> None:
    ret = a_return(shop.db, shop.customer_id, shop.printer, "WH/RET/00001")
    lines = (PartRequest(shop.fuser, "1", "145.00"), PartRequest(shop.labour, "1.5", "65.00"))
    req = request(shop, *lines, return_id=ret, tags=("Firmware",), internal_notes="Re-flash 2.0.4")
    result = create(shop, agent_ctx, req)
    offer = repairs.load(shop.db, agent_ctx, result.id)
    assert (offer.repair_id, offer.name, offer.state) == (
        result.id,
        "RO/00001",
        RepairState.CONFIRMED,
    )
    assert offer.initial == RepairRequest(
        partner_id=shop.customer_id,
        product_id=shop.printer,
        lot_id=shop.serial,
        return_id=ret,
        under_warranty=False,
        schedule_date=TODAY,
        user_id=shop.agent_id,
        tags=("Firmware",),
        description="Printer jams after firmware 2.1",
        internal_notes="Re-flash 2.0.4",
        parts=(PartRequest(shop.fuser, "1", "145.00"), PartRequest(shop.labour, "1.5", "65.00")),
        step=Step.SAVE,
    )


def test_saving_changes_logs_once_and_nothing_when_unchanged(
    shop: Workshop, agent_ctx: Context
) -> None:
    result = create(shop, agent_ctx, request(shop, PartRequest(shop.fuser, "1", "145.00")))
    form = repairs.load(shop.db, agent_ctx, result.id).initial
    repairs.save_repair(shop.db, agent_ctx, result.id, form)
    assert log_of(shop.db, shop.ticket_id) == ["Repair RO/00001 created (confirmed)"]
    later = TODAY + timedelta(days=3)
    changed = RepairRequest(**{**form.__dict__, "schedule_date": later, "under_warranty": True})
    saved = repairs.save_repair(shop.db, agent_ctx, result.id, changed)
    assert saved.state == RepairState.CONFIRMED
    assert stored(shop.db, result.id).schedule_date == later
    assert parts_of(shop.db, result.id) == [(shop.fuser, Decimal(1), Decimal(0))]
    assert log_of(shop.db, shop.ticket_id)[-1] == "Repair RO/00001 updated"


def test_a_confirmed_repair_keeps_its_rules_when_saved(shop: Workshop, agent_ctx: Context) -> None:
    result = create(shop, agent_ctx, request(shop))
    form = repairs.load(shop.db, agent_ctx, result.id).initial
    no_lot = RepairRequest(**{**form.__dict__, "lot_id": None})
    error = refuse(
        shop.db, lambda: repairs.save_repair(shop.db, agent_ctx, result.id, no_lot), "lot_id"
    )
    assert error.message.endswith("to keep the repair confirmed")


def test_save_and_start_from_the_form(shop: Workshop, agent_ctx: Context) -> None:
    result = create(shop, agent_ctx, request(shop))
    form = repairs.load(shop.db, agent_ctx, result.id).initial
    start = RepairRequest(**{**form.__dict__, "description": "Fuser", "step": Step.START})
    assert repairs.save_repair(shop.db, agent_ctx, result.id, start).state == (
        RepairState.UNDER_REPAIR
    )
    assert stored(shop.db, result.id).description == "Fuser"
    assert log_of(shop.db, shop.ticket_id)[-2:] == [
        "Repair RO/00001 updated",
        "Repair RO/00001 started",
    ]


def test_cancel_from_the_form_ignores_an_unsaved_form(shop: Workshop, agent_ctx: Context) -> None:
    result = create(shop, agent_ctx, request(shop))
    form = repairs.load(shop.db, agent_ctx, result.id).initial
    broken = RepairRequest(
        **{**form.__dict__, "parts": (PartRequest(None, "x", "y"),), "step": Step.CANCEL}
    )
    assert repairs.save_repair(shop.db, agent_ctx, result.id, broken).state == (
        RepairState.CANCELLED
    )


def test_a_new_repair_cannot_start_at_once(shop: Workshop, agent_ctx: Context) -> None:
    error = refuse(shop.db, lambda: create(shop, agent_ctx, request(shop, step=Step.END)), None)
    assert error.message == "A new repair can be confirmed, quoted or saved as a draft"


def test_a_missing_repair(shop: Workshop, agent_ctx: Context) -> None:
    with pytest.raises(AfterSalesError, match="This repair order no longer exists"):
        repairs.transition(shop.db, agent_ctx, 999, Step.START)


# --- the list and the names ----------------------------------------------------------------


def test_the_tickets_repairs_newest_first(shop: Workshop, agent_ctx: Context) -> None:
    create(shop, agent_ctx, request(shop, step=Step.SAVE))
    later = Context(user_id=shop.agent_id, clock=lambda: NOW + timedelta(hours=1), tz=agent_ctx.tz)
    create(shop, later, request(shop, PartRequest(shop.fuser, "1", "1"), step=Step.QUOTATION))
    rows = repairs.for_ticket(shop.db, shop.ticket_id)
    assert [
        (r.name, r.product, r.lot, r.state, r.schedule_date, r.responsible, r.quotation)
        for r in rows
    ] == [
        ("RO/00002", "LaserJet X200", "SN-00042", RepairState.DRAFT, TODAY, "Mia Lopez", "S00001"),
        ("RO/00001", "LaserJet X200", "SN-00042", RepairState.DRAFT, TODAY, "Mia Lopez", None),
    ]


def test_repair_names_continue_after_existing_ones(shop: Workshop, agent_ctx: Context) -> None:
    with shop.db.write() as s:
        s.add(RepairOrder(name="RO/00009", schedule_date=date(2026, 1, 5), created_at=NOW))
    names = [create(shop, agent_ctx, request(shop)).name for _ in range(2)]
    assert names == ["RO/00010", "RO/00011"]


def test_a_name_taken_by_hand_is_skipped(shop: Workshop, agent_ctx: Context) -> None:
    assert create(shop, agent_ctx, request(shop)).name == "RO/00001"
    with shop.db.write() as s:
        s.add(RepairOrder(name="RO/00002", schedule_date=TODAY, created_at=NOW))
    assert create(shop, agent_ctx, request(shop)).name == "RO/00003"


def test_the_demo_continues_after_its_repair_orders(demo_db: Database, ctx: Context) -> None:
    from .ui import ticket_id

    ticket = ticket_id(demo_db, 1061)
    offer = repairs.defaults(demo_db, ctx, ticket)
    result = repairs.create_repair(demo_db, ctx, ticket, offer.initial)
    assert (result.name, result.state) == ("RO/00005", RepairState.CONFIRMED)
    quoted = repairs.create_repair(
        demo_db,
        ctx,
        ticket,
        RepairRequest(
            **{
                **offer.initial.__dict__,
                "parts": (PartRequest(offer.initial.product_id, "1", "59.00"),),
                "step": Step.QUOTATION,
            }
        ),
    )
    assert (quoted.name, quoted.quotation) == ("RO/00006", "S00061")


def test_the_demo_default_return_of_ticket_1042(demo_db: Database, ctx: Context) -> None:
    from .ui import ticket_id

    offer = repairs.defaults(demo_db, ctx, ticket_id(demo_db, 1042))
    labels = {c.id: c.label for c in offer.returns}
    assert labels[offer.initial.return_id or 0] == "WH/RET/00004 (ready)"
    assert offer.lot is not None and offer.lot.label == "SN-00042"
    assert offer.lot.id == offer.initial.lot_id
