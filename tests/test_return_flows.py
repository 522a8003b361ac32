"""Return flows driven with Pilot: from the home screen to the Returns smart button and back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, Select

from aftersales_tui import formatting as fmt
from aftersales_tui.app import AfterSalesApp
from aftersales_tui.db import Database
from aftersales_tui.models import Picking, PickingKind, PickingLine, PickingState
from aftersales_tui.screens.confirm import ConfirmModal
from aftersales_tui.screens.help import HelpScreen
from aftersales_tui.screens.return_card import ReturnCard
from aftersales_tui.screens.return_modal import ReturnModal
from aftersales_tui.screens.returns import ReturnsScreen
from aftersales_tui.screens.ticket import TicketScreen
from aftersales_tui.services import Context, directory, linked, returns, tickets
from aftersales_tui.services.tickets import TicketFields
from aftersales_tui.widgets.return_lines import ReturnLinesEditor

from .returns_builders import ask
from .ui import (
    is_link_button,
    make_app,
    press,
    settle,
    show_ticket,
    smart_buttons,
    tab_to,
    team_id,
    ticket_id,
    type_text,
    user_id,
)

NO_RETURN = 1038  # Support EU, Gemini Furniture: WH/OUT/00036 (10 LED Desk Lamps, 2 Corner Desks)
SEVERAL_DELIVERIES = 1045  # Support EU, Deco Addict: orders S00005 and S00003 delivered
CUSTOMER_CARE = 1003  # Customer Care: no Returns


def returns_of(
    db: Database, number: int
) -> list[tuple[str, PickingState, list[tuple[str, Decimal]]]]:
    """The ticket's returns: name, state and (product id, quantity) lines."""
    with db.read() as session:
        receipts = session.exec(
            select(Picking)
            .where(Picking.ticket_id == ticket_id(db, number), Picking.kind == PickingKind.INCOMING)
            .order_by(col(Picking.id))
        ).all()
        found = []
        for receipt in receipts:
            lines = session.exec(
                select(PickingLine).where(PickingLine.picking_id == receipt.id)
            ).all()
            found.append(
                (
                    receipt.name,
                    receipt.state,
                    [(str(line.product_id), line.quantity) for line in lines],
                )
            )
        return found


@asynccontextmanager
async def on_ticket(
    db: Database, ctx: Context, number: int, *keys: str
) -> AsyncIterator[tuple[AfterSalesApp, Pilot[None]]]:
    """The app at 100x30 showing a ticket, after `keys` were pressed there."""
    app = make_app(db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(db, number))
        await press(pilot, *keys)
        yield app, pilot


def modal(app: AfterSalesApp) -> ReturnModal:
    screen = app.screen
    assert isinstance(screen, ReturnModal)
    return screen


def editor(app: AfterSalesApp) -> ReturnLinesEditor:
    return modal(app).query_one(ReturnLinesEditor)


def requested(app: AfterSalesApp) -> list[tuple[str, str]]:
    """The lines the modal would send: product and quantity."""
    lines = {line.id: line for line in modal(app).offer.lines}
    return [(lines[q.line_id].product, fmt.quantity(q.quantity)) for q in editor(app).requested()]


def highlighted(app: AfterSalesApp) -> str:
    line = editor(app).current()
    return line.product if line else ""


def error_under_lines(app: AfterSalesApp) -> str:
    label = modal(app).query_one("#lines-error")
    return str(label.render()) if label.display else ""


def card(app: AfterSalesApp) -> ReturnCard:
    screen = app.screen
    assert isinstance(screen, ReturnCard)
    return screen


async def test_home_open_return_submit_and_the_panel_counts_it(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, str(NO_RETURN))
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, TicketScreen)
        assert "returns" not in smart_buttons(app)
        await press(pilot, "r")
        assert isinstance(app.screen, ReturnModal)
        assert requested(app) == [("LED Desk Lamp", "10"), ("Corner Desk Right Sit", "2")]
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["returns"] == "1 1 ready"
        [box] = [b for b in app.screen.query("SmartButtonBox") if "Returns" in str(b.render())]
        assert str(box.render()).split()[:2] == ["Returns", "1"]
    [(name, state, lines)] = returns_of(demo_db, NO_RETURN)
    assert (name, state, [q for _p, q in lines]) == ("WH/RET/00005", PickingState.READY, [10, 2])
    history = tickets.history(demo_db, ticket_id(demo_db, NO_RETURN))
    assert history[0].body == (
        "Return WH/RET/00005 created for WH/OUT/00036: "
        "10 × LED Desk Lamp, 2 × Corner Desk Right Sit"
    )


async def test_edit_a_quantity_and_remove_a_line_with_the_keyboard(
    demo_db: Database, ctx: Context
) -> None:
    async with on_ticket(demo_db, ctx, NO_RETURN, "r") as (app, pilot):
        assert highlighted(app) == "LED Desk Lamp"  # the ticket's product
        await press(pilot, "3", "enter")  # typing a digit edits; enter keeps it, next line
        assert requested(app) == [("LED Desk Lamp", "3"), ("Corner Desk Right Sit", "2")]
        assert highlighted(app) == "Corner Desk Right Sit"
        await press(pilot, "x")
        assert requested(app) == [("LED Desk Lamp", "3")]
        await press(pilot, "enter")  # enter edits the highlighted line as it is
        assert isinstance(app.focused, Input)
        await type_text(pilot, "2")
        await press(pilot, "enter", "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
    [(_name, _state, lines)] = returns_of(demo_db, NO_RETURN)
    assert [q for _p, q in lines] == [2]


async def test_keys_sent_in_a_burst_stay_in_order(demo_db: Database, ctx: Context) -> None:
    """Over a slow link keys arrive together: typing never waits for a focus change."""
    async with on_ticket(demo_db, ctx, NO_RETURN, "r") as (app, pilot):
        await pilot.press("1", "2", "backspace", "enter", "x")
        await settle(pilot)
        assert requested(app) == [("LED Desk Lamp", "1")]
        await pilot.press("a", "down", "4", "escape", "up", "7", "down")  # moving keeps it
        await settle(pilot)
        assert isinstance(app.screen, ReturnModal)  # escape dropped the typing only
        assert requested(app) == [("LED Desk Lamp", "7"), ("Corner Desk Right Sit", "2")]


async def test_too_many_is_shown_under_the_lines_and_nothing_is_written(
    demo_db: Database, ctx: Context
) -> None:
    async with on_ticket(demo_db, ctx, NO_RETURN, "r", "down", "9", "enter") as (app, pilot):
        assert error_under_lines(app) == (
            "At most 2 of Corner Desk Right Sit can be returned (2 delivered, 0 already returned)"
        )
        assert app.focused is editor(app).query_one("#lines")  # typed on the table
        assert editor(app).query_one(Input).value == "9"  # still there, to fix it
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ReturnModal)
        assert error_under_lines(app).startswith("At most 2 of Corner Desk Right Sit")
        await press(pilot, "escape")  # drops the edit only
        assert isinstance(app.screen, ReturnModal)
        assert error_under_lines(app) == ""
        assert requested(app) == [("LED Desk Lamp", "10"), ("Corner Desk Right Sit", "2")]
        await press(pilot, "escape")
        assert isinstance(app.screen, TicketScreen)
    assert returns_of(demo_db, NO_RETURN) == []


async def test_no_line_left_then_return_all(demo_db: Database, ctx: Context) -> None:
    async with on_ticket(demo_db, ctx, NO_RETURN, "r", "x", "delete", "ctrl+s") as (app, pilot):
        assert isinstance(app.screen, ReturnModal)  # reopened with the service's refusal
        assert error_under_lines(app) == "Please specify at least one non-zero quantity."
        assert requested(app) == []
        await press(pilot, "a")
        assert requested(app) == [("LED Desk Lamp", "10"), ("Corner Desk Right Sit", "2")]
        assert error_under_lines(app) == ""
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
    assert len(returns_of(demo_db, NO_RETURN)) == 1


async def test_the_order_narrows_the_deliveries_and_the_lines_follow(
    demo_db: Database, ctx: Context
) -> None:
    async with on_ticket(demo_db, ctx, SEVERAL_DELIVERIES, "r") as (app, pilot):
        modal = app.screen
        assert isinstance(modal, ReturnModal)
        orders = {c.label: c.id for c in modal.offer.orders}
        assert list(orders) == ["S00005", "S00003"]
        modal.query_one("#sale_order_id", Select).value = orders["S00003"]
        await settle(pilot)
        assert [c.label.split(" · ")[0] for c in modal.offer.deliveries] == ["WH/OUT/00003"]
        lines = [line.product for line in modal.offer.lines]
        assert [p for p, _q in requested(app)] == lines
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
    [(_name, _state, returned)] = returns_of(demo_db, SEVERAL_DELIVERIES)
    assert len(returned) == len(lines)


async def test_one_return_opens_it_and_validates_after_asking(
    demo_db: Database, ctx: Context
) -> None:
    async with on_ticket(demo_db, ctx, NO_RETURN, "r", "ctrl+s") as (app, pilot):
        await tab_to(pilot, is_link_button(linked.LinkKind.RETURNS))
        await press(pilot, "enter")
        assert isinstance(app.screen, ReturnCard)
        await press(pilot, "v")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "n")
        assert card(app).receipt.state == PickingState.READY
        await press(pilot, "v", "y")
        assert card(app).receipt.state == PickingState.DONE
        await press(pilot, "v")  # nothing more to validate
        assert isinstance(app.screen, ReturnCard)
        await press(pilot, "escape")
        assert smart_buttons(app)["returns"] == "1 1 done"
    history = tickets.history(demo_db, ticket_id(demo_db, NO_RETURN))
    assert history[0].body == "Return WH/RET/00005 validated"


async def test_several_returns_open_the_list_validate_from_there(
    demo_db: Database, ctx: Context
) -> None:
    ticket = ticket_id(demo_db, NO_RETURN)
    agent = ctx.as_user(user_id(demo_db, "mia"))
    for quantity in ("1", "2"):
        offer = returns.defaults(demo_db, agent, ticket)
        returns.create_return(demo_db, agent, ticket, ask(offer, quantity, "0"))
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket)
        await tab_to(pilot, is_link_button(linked.LinkKind.RETURNS))
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ReturnsScreen)
        assert [(r.name, r.quantity) for r in screen.rows] == [
            ("WH/RET/00006", Decimal(2)),
            ("WH/RET/00005", Decimal(1)),
        ]
        await press(pilot, "v", "y")
        assert [r.state for r in screen.rows] == [PickingState.DONE, PickingState.READY]
        await press(pilot, "v")  # a done return: a warning, no question
        assert app.screen is screen
        await press(pilot, "j", "enter")
        assert isinstance(app.screen, ReturnCard)
        await press(pilot, "escape", "q")
        assert smart_buttons(app)["returns"] == "2 1 ready · 1 done"


async def test_return_only_where_the_team_has_it_and_a_delivery_is_done(
    demo_db: Database, ctx: Context
) -> None:
    from aftersales_tui.keys import screen_keys

    with demo_db.read() as session:
        customer = next(
            c.id
            for c in directory.customers(session, limit=1000)
            if not linked.has_done_delivery(session, c.id)
        )
    no_delivery = tickets.create(
        demo_db,
        ctx.as_user(user_id(demo_db, "mia")),
        TicketFields(
            title="Loose screw", team_id=team_id(demo_db, "Workshop"), partner_id=customer
        ),
    )
    async with on_ticket(demo_db, ctx, NO_RETURN) as (app, pilot):
        assert "Return" in [c.title for c in app.get_system_commands(app.screen)]
        assert any(k.key == "r" and k.description == "Return" for k in screen_keys(app.screen))
        await press(pilot, "q")
        for other in (ticket_id(demo_db, CUSTOMER_CARE), no_delivery.id):
            await show_ticket(pilot, other)
            assert "Return" not in [c.title for c in app.get_system_commands(app.screen)]
            await press(pilot, "r")
            assert isinstance(app.screen, TicketScreen)  # the key does nothing here
            await press(pilot, "q")


async def test_help_lists_the_line_keys(demo_db: Database, ctx: Context) -> None:
    async with on_ticket(demo_db, ctx, NO_RETURN, "r") as (app, pilot):
        modal = app.screen
        help_screen = HelpScreen(modal)
        described = {k.description: k.key for k in help_screen._keys}
        for description in ("Return", "Cancel", "Return All", "Edit quantity", "Remove line"):
            assert description in described
