"""Helpers for driving the app in tests: build it on a database, wait for its workers."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select
from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget

from aftersales_tui.app import AfterSalesApp
from aftersales_tui.cli import DEMO_SHOP_URL
from aftersales_tui.db import Database
from aftersales_tui.desk import Desk
from aftersales_tui.models import CouponProgram, Team, Ticket, User
from aftersales_tui.screens.ticket import TicketScreen
from aftersales_tui.services import Context
from aftersales_tui.services.linked import LinkKind
from aftersales_tui.settings import Settings
from aftersales_tui.widgets.smart_buttons import SmartButtonBox


def make_app(
    db: Database, ctx: Context, login: str = "mia", settings: Settings | None = None
) -> AfterSalesApp:
    """The app as ``aftersales demo`` opens it (the demo's shop address included)."""
    with db.read() as session:
        user = session.exec(select(User).where(User.login == login)).one()
    settings = settings or Settings(shop_base_url=DEMO_SHOP_URL)
    desk = Desk(db=db, ctx=ctx.as_user(user.id), agent_name=user.name, settings=settings)
    return AfterSalesApp(desk)


async def settle(pilot: Pilot[None]) -> None:
    """Let every background load finish and the screen repaint."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press keys one at a time, settling after each."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def ticket_id(db: Database, number: int) -> int:
    with db.read() as session:
        return session.exec(select(Ticket.id).where(Ticket.number == number)).one() or 0


def keys_for(text: str) -> list[str]:
    """The key names that type ``text`` one character at a time."""
    return ["space" if char == " " else char for char in text]


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` key by key, then settle."""
    for key in keys_for(text):
        await pilot.press(key)
    await settle(pilot)


def user_id(db: Database, login: str) -> int:
    with db.read() as session:
        return session.exec(select(User.id).where(User.login == login)).one() or 0


def team_id(db: Database, name: str) -> int:
    with db.read() as session:
        return session.exec(select(Team.id).where(Team.name == name)).one() or 0


def program_id(db: Database, name: str) -> int:
    with db.read() as session:
        return session.exec(select(CouponProgram.id).where(CouponProgram.name == name)).one() or 0


async def show_ticket(pilot: Pilot[None], ticket: int) -> None:
    """Show the ticket screen of a ticket (by id) directly, its loads finished."""
    await settle(pilot)
    pilot.app.push_screen(TicketScreen(ticket))
    await settle(pilot)


async def open_from_home(pilot: Pilot[None], number: int) -> None:
    """From the home screen: filter by the ticket's number, back to the list, open it."""
    await settle(pilot)
    await press(pilot, "slash")
    await type_text(pilot, str(number))
    await press(pilot, "enter", "enter")


def smart_buttons(app: App[None]) -> dict[str, str]:
    """The smart buttons on screen: ``{"credit_notes": "2 1 draft · 1 posted"}``."""
    return {
        box.button.kind.value: f"{box.button.total} {box.button.breakdown}"
        for box in app.screen.query(SmartButtonBox)
        if box.display
    }


# Enough tabs to go once round any screen's focus chain.
MAX_TABS = 20


async def tab_to(pilot: Pilot[None], wanted: Callable[[Widget | None], bool]) -> None:
    """Press tab until the focused widget is the wanted one."""
    for _ in range(MAX_TABS):
        if wanted(pilot.app.focused):
            return
        await press(pilot, "tab")
    assert wanted(pilot.app.focused), f"tab never reached it; focused: {pilot.app.focused!r}"


def is_link_button(kind: LinkKind) -> Callable[[Widget | None], bool]:
    """Whether a widget is the smart button of ``kind``."""
    return lambda widget: isinstance(widget, SmartButtonBox) and widget.button.kind == kind
