"""Snapshot tests of the Reverse Transfer modal, the Returns list and a return's card.

Same rules as test_snapshots.py: a fixed size and date, keys driven with `press` / `settle`,
and a snapshot is accepted only after someone looked at it (DESIGN.md section 6).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot

from aftersales_tui.db import Database
from aftersales_tui.services import Context, returns
from aftersales_tui.services.linked import LinkKind

from .returns_builders import ask
from .ui import is_link_button, make_app, press, show_ticket, tab_to, ticket_id, user_id

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]

WIDE = (100, 30)
NARROW = (80, 24)

SEVERAL_LINES = 1045  # Deco Addict, WH/OUT/00005: a laptop, two fridges (serials), whiteboards
PARTLY_RETURNED = 1042  # WH/OUT/00038: the LaserJet is back already (WH/RET/00004), the toner not
NO_RETURN = 1038  # Gemini Furniture, WH/OUT/00036: 10 desk lamps and 2 corner desks

pytestmark = pytest.mark.usefixtures("steady_cursors")


def on_ticket(db: Database, number: int, *keys: str, button: LinkKind | None = None) -> RunBefore:
    """Open a ticket, tab to a smart button when asked, then press `keys`."""
    ticket = ticket_id(db, number)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_ticket(pilot, ticket)
        if button is not None:
            await tab_to(pilot, is_link_button(button))
        await press(pilot, *keys)

    return run_before


def add_return(db: Database, ctx: Context, number: int, *quantities: str | None) -> None:
    """A return made as the modal makes it, from the ticket's default delivery."""
    agent = ctx.as_user(user_id(db, "mia"))
    ticket = ticket_id(db, number)
    offer = returns.defaults(db, agent, ticket)
    returns.create_return(db, agent, ticket, ask(offer, *quantities))


def snap(snap_compare: SnapCompare, db: Database, ctx: Context, run_before: RunBefore) -> bool:
    return snap_compare(make_app(db, ctx), terminal_size=WIDE, run_before=run_before)


# --- the Reverse Transfer modal --------------------------------------------------------------


def test_return_several_lines(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    """Two orders offered; the cursor on the ticket's serial; quantities at returnable."""
    assert snap(snap_compare, demo_db, ctx, on_ticket(demo_db, SEVERAL_LINES, "r"))


def test_return_partly_returned(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    """The LaserJet already came back: returnable 0, dimmed; only the toner is left."""
    assert snap(snap_compare, demo_db, ctx, on_ticket(demo_db, PARTLY_RETURNED, "r"))


def test_return_line_removed(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = on_ticket(demo_db, SEVERAL_LINES, "r", "down", "x")
    assert snap(snap_compare, demo_db, ctx, run_before)


def test_return_quantity_error(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    """Typing more than is left: the error under the table, the agent still in the quantity."""
    run_before = on_ticket(demo_db, NO_RETURN, "r", "down", "9", "enter")
    assert snap(snap_compare, demo_db, ctx, run_before)


def test_return_nothing_selected(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    """Every line removed and Return pressed: the service's message under the table."""
    run_before = on_ticket(demo_db, NO_RETURN, "r", "x", "x", "ctrl+s")
    assert snap(snap_compare, demo_db, ctx, run_before)


def test_return_product_all_back(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    """No delivery with the ticket's product is left: every delivery is offered, and why."""
    add_return(demo_db, ctx, PARTLY_RETURNED)  # the toner too
    assert snap(snap_compare, demo_db, ctx, on_ticket(demo_db, PARTLY_RETURNED, "r"))


def test_return_everything_returned(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    add_return(demo_db, ctx, NO_RETURN)  # Gemini Furniture's only delivery, all of it
    assert snap(snap_compare, demo_db, ctx, on_ticket(demo_db, NO_RETURN, "r"))


def test_return_80x24(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = on_ticket(demo_db, SEVERAL_LINES, "r")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=NARROW, run_before=run_before)


# --- the Returns list and a return's card ------------------------------------------------------


def test_returns_list(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    add_return(demo_db, ctx, NO_RETURN, "3", None)
    add_return(demo_db, ctx, NO_RETURN, None, "1")
    run_before = on_ticket(demo_db, NO_RETURN, "enter", button=LinkKind.RETURNS)
    assert snap(snap_compare, demo_db, ctx, run_before)


def test_return_card(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    add_return(demo_db, ctx, NO_RETURN, "3", "1")
    run_before = on_ticket(demo_db, NO_RETURN, "enter", button=LinkKind.RETURNS)
    assert snap(snap_compare, demo_db, ctx, run_before)


def test_return_validate_question(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    add_return(demo_db, ctx, NO_RETURN, "3", None)
    run_before = on_ticket(demo_db, NO_RETURN, "enter", "v", button=LinkKind.RETURNS)
    assert snap(snap_compare, demo_db, ctx, run_before)
