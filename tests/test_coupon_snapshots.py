"""Snapshot tests of the coupon screens: Generate a Coupon, the coupon card, Compose Email,
Share Coupons, the Outbox and the Coupons list.

Same rules as test_snapshots.py: a fixed size and date, keys driven with `press` / `settle`,
and a snapshot is accepted only after someone looked at it (DESIGN.md section 6). Codes are
random in the app: every test here hands out fixed ones. Coupons other than the one the modal
generates are made with the services and opened from the Coupons smart button, so that no
notification (which times out) is on screen when the picture is taken.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import pytest
from sqlmodel import select
from textual.pilot import Pilot

from aftersales_tui.cli import DEMO_SHOP_URL
from aftersales_tui.db import Database
from aftersales_tui.models import CouponProgram, ProgramType
from aftersales_tui.services import Context, coupons, mail, triage
from aftersales_tui.services.coupons import CouponRequest, CouponView
from aftersales_tui.services.linked import LinkKind
from aftersales_tui.services.mail import MailRequest

from .ui import (
    is_link_button,
    make_app,
    press,
    program_id,
    settle,
    show_ticket,
    tab_to,
    ticket_id,
    user_id,
)

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]

WIDE = (100, 30)

NO_COUPON = 1038  # Support EU, customer Gemini Furniture (with an email), no coupon yet
ONE_COUPON = 1029  # Customer Care, one coupon PFHA-MSP9-ENQK-2SDE (10% Apology Coupon)
CODES = ("7KQF-2M9X-4TPA-HC3D", "9XRT-4WBN-2MPE-8QZA")
EXPIRY = date(2026, 12, 23)


pytestmark = pytest.mark.usefixtures("steady_cursors", "fixed_codes")


@pytest.fixture
def fixed_codes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Codes handed out in order instead of random ones."""
    queue = list(CODES)
    monkeypatch.setattr(coupons, "new_code", lambda: queue.pop(0))


def add_coupon(db: Database, ctx: Context, number: int, program: str) -> CouponView:
    """A coupon valid until EXPIRY, generated as the modal generates it."""
    return coupons.generate(
        db,
        ctx.as_user(user_id(db, "mia")),
        ticket_id(db, number),
        CouponRequest(program_id(db, program), EXPIRY),
    )


def open_coupons_button(db: Database, number: int, *keys: str) -> RunBefore:
    """Open a ticket, tab to its Coupons smart button, press enter, then `keys`."""
    ticket = ticket_id(db, number)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_ticket(pilot, ticket)
        await tab_to(pilot, is_link_button(LinkKind.COUPONS))
        await press(pilot, "enter", *keys)

    return run_before


# --- Generate a Coupon ---------------------------------------------------------------------


def coupon_modal(db: Database, number: int) -> RunBefore:
    """Open a ticket and press c (Coupon)."""
    ticket = ticket_id(db, number)

    async def run_before(pilot: Pilot[None]) -> None:
        await show_ticket(pilot, ticket)
        await press(pilot, "c")

    return run_before


def test_coupon_modal(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    run_before = coupon_modal(demo_db, NO_COUPON)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_coupon_modal_no_program(
    snap_compare: SnapCompare, demo_db: Database, ctx: Context
) -> None:
    with demo_db.write() as session:
        for program in session.exec(
            select(CouponProgram).where(CouponProgram.program_type == ProgramType.COUPONS)
        ):
            program.active = False
    run_before = coupon_modal(demo_db, NO_COUPON)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


# --- the coupon card and what it opens -------------------------------------------------------


def test_coupon_card(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    add_coupon(demo_db, ctx, NO_COUPON, "10% Apology Coupon")
    run_before = open_coupons_button(demo_db, NO_COUPON)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_compose_email(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    mia = ctx.as_user(user_id(demo_db, "mia"))
    triage.follow(demo_db, mia, [ticket_id(demo_db, NO_COUPON)])  # two followers with an email
    add_coupon(demo_db, ctx, NO_COUPON, "10% Apology Coupon")
    run_before = open_coupons_button(demo_db, NO_COUPON, "e")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_share_coupons(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    add_coupon(demo_db, ctx, NO_COUPON, "10% Apology Coupon")
    run_before = open_coupons_button(demo_db, NO_COUPON, "l")
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


# --- the Outbox and the Coupons list -----------------------------------------------------------


def test_outbox_queued(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    """One coupon email, tried without SMTP: it waits in the Outbox with its error."""
    mia = ctx.as_user(user_id(demo_db, "mia"))
    coupon = add_coupon(demo_db, ctx, NO_COUPON, "10% Apology Coupon")
    link = coupons.share_link(DEMO_SHOP_URL, coupon.code)  # as Send by Email writes it
    draft = coupons.email_draft(demo_db, mia, coupon.id, link)
    queued = mail.queue(
        demo_db,
        mia,
        MailRequest(draft.recipients, draft.subject, draft.body, coupon.ticket_id),
    )
    mail.deliver(demo_db, mia, queued.id, None)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "O")

    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)


def test_coupons_list(snap_compare: SnapCompare, demo_db: Database, ctx: Context) -> None:
    add_coupon(demo_db, ctx, ONE_COUPON, "Free Delivery & Assembly")
    run_before = open_coupons_button(demo_db, ONE_COUPON)
    assert snap_compare(make_app(demo_db, ctx), terminal_size=WIDE, run_before=run_before)
