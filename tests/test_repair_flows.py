"""Repair flows driven with Pilot: from the home screen to the Repairs smart button, the
Parts tab with the keyboard, errors next to their fields, the Repairs list and its steps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, TabbedContent

from aftersales_tui.app import AfterSalesApp
from aftersales_tui.db import Database
from aftersales_tui.models import (
    OrderState,
    RepairLine,
    RepairOrder,
    RepairState,
    RepairTag,
    SalesOrder,
)
from aftersales_tui.screens.confirm import ConfirmModal
from aftersales_tui.screens.repair_modal import RepairEditor, RepairModal
from aftersales_tui.screens.repairs import RepairsScreen
from aftersales_tui.screens.ticket import TicketScreen
from aftersales_tui.services import Context, tickets
from aftersales_tui.services.linked import LinkKind
from aftersales_tui.widgets.record_picker import RecordPicker

from .repair_builders import another_repair
from .ui import (
    is_link_button,
    make_app,
    press,
    settle,
    show_ticket,
    smart_buttons,
    tab_to,
    ticket_id,
    type_text,
)

NO_REPAIR = 1049  # Support EU, Tariq Haddad, FrostLine Office Fridge SN-00057, no repair yet
UNTRACKED = 1061  # Workshop, Wireless Keyboard & Mouse (untracked), no repair yet
ONE_REPAIR = 1042  # Support EU, RO/00004 confirmed, return WH/RET/00004
DONE_REPAIR = 1024  # Support EU, RO/00001 done
NO_REPAIRS_TEAM = 1029  # Customer Care: Repairs off


def repairs_of(db: Database, number: int) -> list[RepairOrder]:
    """The ticket's repair orders as stored, oldest first."""
    query = select(RepairOrder).where(RepairOrder.ticket_id == ticket_id(db, number))
    with db.read() as session:
        return list(session.exec(query.order_by(col(RepairOrder.id))).all())


def parts_of(db: Database, repair: RepairOrder) -> list[tuple[Decimal, Decimal]]:
    with db.read() as session:
        lines = session.exec(
            select(RepairLine).where(RepairLine.repair_id == repair.id).order_by(col(RepairLine.id))
        ).all()
        return [(line.quantity, line.price_unit) for line in lines]


def error_of(pilot: Pilot[None], field: str) -> str:
    return str(pilot.app.screen.query_one(f"#{field}-error").render())


@asynccontextmanager
async def repair_form(
    db: Database, ctx: Context, number: int
) -> AsyncIterator[tuple[AfterSalesApp, Pilot[None]]]:
    """The app on a ticket, its Repair Reference form open (key o)."""
    app = make_app(db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(db, number))
        await press(pilot, "o")
        yield app, pilot


async def open_from_home(pilot: Pilot[None], number: int) -> None:
    """Filter the ticket list on a number and open the ticket with Enter."""
    await settle(pilot)
    await press(pilot, "slash")
    await type_text(pilot, str(number))
    await press(pilot, "enter", "enter")


async def open_repairs_button(pilot: Pilot[None], db: Database, number: int) -> None:
    """Show a ticket, tab to its Repairs smart button and press enter."""
    await show_ticket(pilot, ticket_id(db, number))
    await tab_to(pilot, is_link_button(LinkKind.REPAIRS))
    await press(pilot, "enter")


async def editor_of(pilot: Pilot[None], db: Database, number: int) -> RepairEditor:
    """The repair a ticket's Repairs smart button opens (the ticket has one)."""
    await open_repairs_button(pilot, db, number)
    editor = pilot.app.screen
    assert isinstance(editor, RepairEditor)
    return editor


async def add_part(pilot: Pilot[None], search: str) -> None:
    """ctrl+n, then pick the product typed in the picker."""
    await press(pilot, "ctrl+n", "enter")
    await type_text(pilot, search)
    await press(pilot, "enter")


async def test_home_open_repair_confirm_and_the_panel_counts_it(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_home(pilot, NO_REPAIR)
        assert isinstance(app.screen, TicketScreen)
        assert "repairs" not in smart_buttons(app)
        await press(pilot, "o")
        assert isinstance(app.screen, RepairModal)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["repairs"] == "1 1 confirmed"
    [repair] = repairs_of(demo_db, NO_REPAIR)
    assert (repair.name, repair.state, repair.description) == (
        "RO/00005",
        RepairState.CONFIRMED,
        "Office fridge not cooling",
    )
    history = tickets.history(demo_db, ticket_id(demo_db, NO_REPAIR))
    assert (history[0].body, history[0].author) == (
        "Repair RO/00005 created (confirmed)",
        "Mia Lopez",
    )


async def test_parts_with_the_keyboard_and_the_warranty_box(
    demo_db: Database, ctx: Context
) -> None:
    async with repair_form(demo_db, ctx, NO_REPAIR) as (app, pilot):
        modal = app.screen
        await add_part(pilot, "thermostat")
        await press(pilot, "tab", "ctrl+u")
        await type_text(pilot, "2")
        await add_part(pilot, "labour")
        price_boxes = [i for i in modal.query(Input) if i.id and i.id.endswith("-price")]
        assert [i.value for i in price_boxes] == ["36.00", "65.00"]
        assert "137.00" in str(modal.query_one("#parts-total").render())
        modal.query_one("#under_warranty", Checkbox).focus()
        await press(pilot, "space")
        assert [(i.value, i.disabled) for i in price_boxes] == [("0.00", True), ("0.00", True)]
        assert "0.00" in str(modal.query_one("#parts-total").render())
        await press(pilot, "space")
        assert [(i.value, i.disabled) for i in price_boxes] == [("36.00", False), ("65.00", False)]
        await press(pilot, "space")  # under warranty again, and kept so
        modal.query_one("#part-1-quantity", Input).focus()
        await press(pilot, "ctrl+r")
        assert len(modal.query(".part-line")) == 1
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
    [repair] = repairs_of(demo_db, NO_REPAIR)
    assert repair.under_warranty is True
    assert parts_of(demo_db, repair) == [(Decimal(2), Decimal(0))]


async def test_a_tracked_product_without_lot_is_refused_next_to_the_field(
    demo_db: Database, ctx: Context
) -> None:
    async with repair_form(demo_db, ctx, NO_REPAIR) as (app, pilot):
        app.screen.query_one("#lot_id", RecordPicker).focus()
        await press(pilot, "delete")  # the lot cleared
        app.screen.query_one("#description", Input).value = "Fridge compressor"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RepairModal)
        assert error_of(pilot, "lot_id") == (
            "FrostLine Office Fridge is tracked: choose its lot/serial number to confirm the repair"
        )
        assert app.focused is not None and app.focused.id == "lot_id"
        assert app.screen.query_one("#description", Input).value == "Fridge compressor"
        assert repairs_of(demo_db, NO_REPAIR) == []
        # A draft needs no lot.
        app.screen.query_one("#step-save", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["repairs"] == "1 1 draft"


async def test_a_negative_quantity_is_refused_on_the_parts_tab(
    demo_db: Database, ctx: Context
) -> None:
    async with repair_form(demo_db, ctx, UNTRACKED) as (app, pilot):
        await add_part(pilot, "labour")
        await press(pilot, "tab", "ctrl+u")
        await type_text(pilot, "-1")
        await press(pilot, "ctrl+t")  # to the Repair Notes tab, then confirm from there
        assert app.screen.query_one(TabbedContent).active == "notes-tab"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RepairModal)
        assert app.screen.query_one(TabbedContent).active == "parts-tab"
        assert error_of(pilot, "part-0-quantity") == "A quantity cannot be negative"
        assert app.focused is not None and app.focused.id == "part-0-quantity"
        assert repairs_of(demo_db, UNTRACKED) == []


async def test_tags_typed_and_a_quotation(demo_db: Database, ctx: Context) -> None:
    async with repair_form(demo_db, ctx, UNTRACKED) as (app, pilot):
        app.screen.query_one("#tags", Input).focus()
        await type_text(pilot, "urg")
        await press(pilot, "right")  # accept the suggestion
        await type_text(pilot, ", Loose cable")
        assert app.screen.query_one("#tags", Input).value == "Urgent, Loose cable"
        await add_part(pilot, "labour")
        app.screen.query_one("#step-quotation", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["repairs"] == "1 1 draft"
    [repair] = repairs_of(demo_db, UNTRACKED)
    with demo_db.read() as session:
        order = session.exec(select(SalesOrder).where(SalesOrder.repair_id == repair.id)).one()
        names = session.exec(select(RepairTag.name).order_by(col(RepairTag.name))).all()
    assert (order.name, order.state, order.ticket_id) == (
        "S00061",
        OrderState.QUOTATION,
        ticket_id(demo_db, UNTRACKED),
    )
    assert "Loose cable" in names and names.count("Urgent") == 1


async def test_escape_writes_nothing(demo_db: Database, ctx: Context) -> None:
    async with repair_form(demo_db, ctx, NO_REPAIR) as (app, pilot):
        await press(pilot, "escape")
        assert isinstance(app.screen, TicketScreen)
    assert repairs_of(demo_db, NO_REPAIR) == []


async def test_no_repair_key_where_the_team_has_repairs_off(
    demo_db: Database, ctx: Context
) -> None:
    async with repair_form(demo_db, ctx, NO_REPAIRS_TEAM) as (app, pilot):
        assert isinstance(app.screen, TicketScreen)
        palette = [c.title for c in app.get_system_commands(app.screen)]
        assert "Repair" not in palette
        await show_ticket(pilot, ticket_id(demo_db, NO_REPAIR))
        palette = [c.title for c in app.get_system_commands(app.screen)]
        assert "Repair" in palette


async def test_one_repair_opens_it_and_starts_it(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await editor_of(pilot, demo_db, ONE_REPAIR)
        assert editor.query_one("#lot_id", RecordPicker).value == editor.offer.initial.lot_id
        assert [b.id for b in editor.query(Button)][-5:] == [
            "step-save",
            "step-start",
            "step-quotation",
            "step-cancel",
            "cancel",
        ]
        editor.query_one("#step-start", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["repairs"] == "1 1 under repair"
    history = tickets.history(demo_db, ticket_id(demo_db, ONE_REPAIR))
    assert history[0].body == "Repair RO/00004 started"


async def test_a_done_repair_is_read_only(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        editor = await editor_of(pilot, demo_db, DONE_REPAIR)
        assert editor.query_one("#description", Input).disabled
        assert editor.query_one("#part-0-price", Input).disabled
        assert [b.id for b in editor.query(Button) if b.display][-2:] == [
            "step-quotation",
            "cancel",
        ]
        await press(pilot, "ctrl+s", "ctrl+n")
        assert app.screen is editor and len(editor.query(".part-line")) == 2
        await press(pilot, "escape")
        assert isinstance(app.screen, TicketScreen)


async def test_the_repairs_list_and_its_steps(demo_db: Database, ctx: Context) -> None:
    ticket = ticket_id(demo_db, ONE_REPAIR)
    assert another_repair(demo_db, ctx, ticket).name == "RO/00005"  # confirmed
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_repairs_button(pilot, demo_db, ONE_REPAIR)
        listing = app.screen
        assert isinstance(listing, RepairsScreen)
        assert [row.name for row in listing.rows] == ["RO/00005", "RO/00004"]
        await press(pilot, "e")  # not under repair yet: said at once, nothing asked
        assert isinstance(app.screen, RepairsScreen)
        await press(pilot, "s")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "n")
        assert listing.rows[0].state == RepairState.CONFIRMED
        await press(pilot, "s", "y")
        assert listing.rows[0].state == RepairState.UNDER_REPAIR
        await press(pilot, "e", "y")
        assert listing.rows[0].state == RepairState.DONE
        await press(pilot, "x")  # done: cannot be cancelled
        assert isinstance(app.screen, RepairsScreen)
        await press(pilot, "j", "x", "y", "d", "y")
        assert listing.rows[1].state == RepairState.DRAFT
        await press(pilot, "enter")
        assert isinstance(app.screen, RepairEditor)
        await press(pilot, "escape", "q")
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["repairs"] == "2 1 draft · 1 done"
    lines = [e.body for e in tickets.history(demo_db, ticket)[:5]]
    assert lines == [
        "Repair RO/00004 set back to draft",
        "Repair RO/00004 cancelled",
        "Repair RO/00005 done",
        "Repair RO/00005 started",
        "Repair RO/00005 created (confirmed)",
    ]


async def test_the_modal_keys_are_in_its_footer_and_help(demo_db: Database, ctx: Context) -> None:
    from textual.widgets import Footer, Static

    from aftersales_tui.screens.help import HelpScreen

    from .test_flows import rendered_text

    async with repair_form(demo_db, ctx, NO_REPAIR) as (app, pilot):
        modal = app.screen
        footer = {
            binding.description
            for (_node, binding, _enabled, _tooltip) in modal.query_one(
                Footer
            ).screen.active_bindings.values()
            if binding.show
        }
        keys = ["Confirm Repair", "Cancel", "Add part", "Remove part", "Parts/Notes", "Help"]
        assert set(keys) <= footer
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        shown = rendered_text(app.screen.query_one("#help-keys", Static).content)
        assert all(key in shown for key in keys)
        await press(pilot, "escape")
        assert app.screen is modal
