"""Helpers for driving the app in tests: build it on a database, wait for its workers."""

from __future__ import annotations

from sqlmodel import select
from textual.pilot import Pilot

from aftersales_tui.app import AfterSalesApp
from aftersales_tui.cli import DEMO_SHOP_URL
from aftersales_tui.db import Database
from aftersales_tui.desk import Desk
from aftersales_tui.models import Ticket, User
from aftersales_tui.services import Context
from aftersales_tui.settings import Settings


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


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` key by key, then settle."""
    for char in text:
        await pilot.press("space" if char == " " else char)
    await settle(pilot)
