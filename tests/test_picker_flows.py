"""The record pickers with the keyboard: a customer or a lot found by typing the start of its
name in the Repair, Refund and ticket forms, the fields that follow it, and the picker's keys."""

from __future__ import annotations

from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import OptionList, Select

from aftersales_tui.db import Database
from aftersales_tui.keys import screen_keys
from aftersales_tui.models import Lot, Partner, RepairOrder, Ticket
from aftersales_tui.screens.refund_modal import RefundModal
from aftersales_tui.screens.repair_modal import RepairModal
from aftersales_tui.screens.ticket import TicketScreen
from aftersales_tui.services import Context, directory
from aftersales_tui.services.directory import PICK_LIMIT
from aftersales_tui.widgets.record_picker import RecordPicker

from .ui import make_app, press, settle, show_ticket, ticket_id, type_text

NO_REPAIR = 1049  # Tariq Haddad, FrostLine Office Fridge SN-00057, no repair yet
LASERJET = 1042  # Azure Interior, LaserJet X200 SN-00042, invoice INV/2026/00034


def picker(pilot: Pilot[None], field: str) -> RecordPicker:
    return pilot.app.screen.query_one(f"#{field}", RecordPicker)


def shown_matches(pilot: Pilot[None], field: str) -> list[str]:
    matches = picker(pilot, field).query_one(OptionList)
    return [str(matches.get_option_at_index(i).prompt) for i in range(matches.option_count)]


def order_labels(pilot: Pilot[None]) -> list[str]:
    """The orders the ticket form offers (its Select's options, the blank one left out)."""
    select_ = pilot.app.screen.query_one("#sale_order_id", Select)
    return [str(label) for label, _value in select_._options[1:]]  # noqa: SLF001


def name_of(db: Database, model: type[Partner] | type[Lot], record_id: int | None) -> str:
    with db.read() as session:
        row = session.get(model, record_id)
        return row.name if row is not None else ""


async def test_repair_customer_and_lot_chosen_by_typing(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(demo_db, NO_REPAIR))
        await press(pilot, "o")
        assert isinstance(app.screen, RepairModal)
        assert app.focused is picker(pilot, "partner_id")
        await type_text(pilot, "de")
        assert shown_matches(pilot, "partner_id") == ["Deco Addict"]
        await press(pilot, "enter")
        assert picker(pilot, "partner_id").chosen is not None
        assert app.focused is picker(pilot, "partner_id")
        # The lot: only the fridge's lots, found by the start of the serial number.
        picker(pilot, "lot_id").focus()
        await press(pilot, "s", "n", "minus", "0", "0", "0", "1")
        assert shown_matches(pilot, "lot_id") == ["SN-00011", "SN-00012"]
        await press(pilot, "down", "enter")
        assert str(picker(pilot, "lot_id").query_one(".picker-label").render()) == "SN-00012"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
    with demo_db.read() as session:
        query = select(RepairOrder).where(RepairOrder.ticket_id == ticket_id(demo_db, NO_REPAIR))
        [repair] = session.exec(query).all()
    assert name_of(demo_db, Partner, repair.partner_id) == "Deco Addict"
    assert name_of(demo_db, Lot, repair.lot_id) == "SN-00012"


async def test_refund_lot_typed_narrows_the_invoices(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(demo_db, LASERJET))
        await press(pilot, "f")
        modal = app.screen
        assert isinstance(modal, RefundModal)
        serial = modal.offer.scope.lot_id
        assert name_of(demo_db, Lot, serial) == "SN-00042"
        before = modal.offer.empty_reason  # SN-00042's invoice is refunded already
        assert before and "lot/serial" not in before
        picker(pilot, "lot_id").focus()
        await press(pilot, "s", "n", "minus", "0", "0", "0", "1")
        assert shown_matches(pilot, "lot_id") == ["SN-00018"]  # the LaserJet's, no other's
        await press(pilot, "enter")
        assert name_of(demo_db, Lot, modal.offer.scope.lot_id) == "SN-00018"
        reason = str(modal.query_one("#empty-reason").render())
        assert "No invoice contains this product with this lot/serial number" in reason
        await press(pilot, "s", "n", "minus", "0", "0", "0", "4", "2", "enter")
        assert modal.offer.scope.lot_id == serial == picker(pilot, "lot_id").value
        assert modal.offer.empty_reason == before


async def test_new_ticket_customer_typed_narrows_the_orders(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await type_text(pilot, "Wobbly chair")
        assert order_labels(pilot) == []  # no customer, no order
        picker(pilot, "partner_id").focus()
        await type_text(pilot, "azure")
        await press(pilot, "enter")
        with demo_db.read() as session:
            azure = session.exec(select(Partner.id).where(Partner.name == "Azure Interior")).one()
            expected = [o.label for o in directory.sales_orders(session, azure)]
        assert expected and order_labels(pilot) == expected
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
    with demo_db.read() as session:
        ticket = session.exec(select(Ticket).where(Ticket.title == "Wobbly chair")).one()
    assert name_of(demo_db, Partner, ticket.partner_id) == "Azure Interior"


async def test_escape_enter_delete_and_the_keys_in_help(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_ticket(pilot, ticket_id(demo_db, NO_REPAIR))
        await press(pilot, "o")
        customer = picker(pilot, "partner_id")
        before = customer.chosen
        keys = {k.description for k in screen_keys(app.screen)}
        assert {"Search records", "Clear the field"} <= keys
        await press(pilot, "enter")  # nothing typed: the first names, and "(none)" first
        shown = shown_matches(pilot, "partner_id")
        assert shown[0] == "(none)" and 1 < len(shown) <= PICK_LIMIT + 1
        assert "Close the search" in {k.description for k in screen_keys(app.screen)}
        await type_text(pilot, "zzq")
        assert shown_matches(pilot, "partner_id") == ["no match"]
        await press(pilot, "enter")  # nothing to choose: the search stays open
        assert customer.is_open
        await press(pilot, "escape")  # closes the search, not the form
        assert isinstance(app.screen, RepairModal)
        assert not customer.is_open and customer.chosen == before
        assert app.focused is customer
        await press(pilot, "delete")
        assert customer.value is None
        assert "(none)" in str(customer.query_one(".picker-label").render())
        await press(pilot, "escape")
        assert isinstance(app.screen, TicketScreen)
    with demo_db.read() as session:
        query = select(RepairOrder).where(RepairOrder.ticket_id == ticket_id(demo_db, NO_REPAIR))
        assert session.exec(query.order_by(col(RepairOrder.id))).all() == []
