"""Names from the database that carry Rich markup, terminal escape sequences and
right-to-left overrides are shown literally: on the home list and in the Refund modal.
(The ticket screen itself: test_snapshots.py::test_ticket_literal_markup.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from aftersales_tui.db import Database
from aftersales_tui.models import Partner, Ticket
from aftersales_tui.services import Context
from aftersales_tui.widgets.literal import clean

from .ui import make_app, press, settle, show_ticket, ticket_id

SnapCompare = Callable[..., bool]
WIDE = (100, 30)
UNPAID_INVOICE = 1038  # an open invoice: the Refund modal offers it

HOSTILE_CUSTOMER = "[bold]Evil[/] \x1b[31mCorp\x1b]52;c;SGk=\x07 \u202eredro\u202c"
HOSTILE_TITLE = "[link=http://e.vil]Refund[/link] \x1b[1mnow\x00 \u202egnol"

pytestmark = pytest.mark.usefixtures("steady_cursors")


def hostile_ticket(db: Database) -> int:
    """Ticket 1038 with a hostile title, its customer with a hostile name (as imported)."""
    ticket = ticket_id(db, UNPAID_INVOICE)
    with db.write() as session:
        row = session.get(Ticket, ticket)
        assert row is not None and row.partner_id is not None
        row.title = HOSTILE_TITLE
        customer = session.get(Partner, row.partner_id)
        assert customer is not None
        customer.name = HOSTILE_CUSTOMER
    return ticket


def test_home_list_literal_names(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    hostile_ticket(demo_db)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "slash", *str(UNPAID_INVOICE), "enter")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_refund_modal_literal_names(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    ticket = hostile_ticket(demo_db)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_ticket(pilot, ticket)
        await press(pilot, "f")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_bidirectional_controls_are_shown_not_obeyed() -> None:
    """An override would show "redro" as "order": the controls get a visible stand-in."""
    assert clean("\u202eredro\u202c") == "\\u202eredro\\u202c"
    assert clean("a\u2066b\u2069\u200f") == "a\\u2066b\\u2069\\u200f"
    assert clean("\u05e9\u05dc\u05d5\u05dd Cafe\u0301") == "\u05e9\u05dc\u05d5\u05dd Cafe\u0301"
