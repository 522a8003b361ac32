"""Coupon flows driven with Pilot: generate, send by email over a real SMTP server, share."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlmodel import col, select
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from aftersales_tui.cli import DEMO_SHOP_URL
from aftersales_tui.db import Database
from aftersales_tui.models import (
    Coupon,
    MailState,
    MessageKind,
    OutgoingMail,
    Partner,
    Team,
    Ticket,
    TicketFollower,
)
from aftersales_tui.screens.compose_email import ComposeEmailModal
from aftersales_tui.screens.coupon_card import CouponCard
from aftersales_tui.screens.coupon_modal import CouponModal
from aftersales_tui.screens.coupons import CouponsScreen
from aftersales_tui.screens.outbox import OutboxScreen
from aftersales_tui.screens.share_link import ShareLinkModal
from aftersales_tui.screens.ticket import TicketScreen
from aftersales_tui.services import Context, coupons, tickets
from aftersales_tui.services.coupons import CouponRequest
from aftersales_tui.services.linked import LinkKind
from aftersales_tui.settings import Settings, SmtpSettings
from aftersales_tui.widgets.smart_buttons import SmartButtonBox
from aftersales_tui.widgets.title_bar import TitleBar

from .ui import (
    is_link_button,
    make_app,
    press,
    program_id,
    settle,
    show_ticket,
    smart_buttons,
    tab_to,
    ticket_id,
    type_text,
)

NO_COUPON = 1038  # Support EU, customer Gemini Furniture (with an email), no coupon yet
ONE_COUPON = 1029  # Customer Care, one coupon PFHA-MSP9-ENQK-2SDE (10% Apology Coupon)
CODES = ("7KQF-2M9X-4TPA-HC3D", "9XRT-4WBN-2MPE-8QZA")
SENDER = "Support <desk@shop.example.com>"


# --- helpers --------------------------------------------------------------------------


@pytest.fixture
def fixed_codes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Codes handed out in order instead of random ones."""
    queue = list(CODES)
    monkeypatch.setattr(coupons, "new_code", lambda: queue.pop(0))
    return queue


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps every envelope it is handed."""

    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@dataclass(frozen=True)
class SmtpServer:
    settings: SmtpSettings
    recorder: Recorder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1, without TLS or login."""
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(
            SmtpSettings(host="127.0.0.1", port=port, security="none", sender=SENDER), recorder
        )
    finally:
        controller.stop()


def with_smtp(server: SmtpServer) -> Settings:
    return Settings(shop_base_url=DEMO_SHOP_URL, smtp=server.settings)


def coupons_of(db: Database, number: int) -> list[Coupon]:
    with db.read() as session:
        return list(
            session.exec(
                select(Coupon)
                .where(Coupon.ticket_id == ticket_id(db, number))
                .order_by(col(Coupon.id))
            ).all()
        )


def mails(db: Database) -> list[OutgoingMail]:
    with db.read() as session:
        return list(session.exec(select(OutgoingMail).order_by(col(OutgoingMail.id))).all())


def follower_addresses(db: Database, number: int) -> list[str]:
    with db.read() as session:
        emails = session.exec(
            select(Partner.email)
            .join(TicketFollower, col(TicketFollower.partner_id) == Partner.id)
            .where(TicketFollower.ticket_id == ticket_id(db, number))
        ).all()
    return sorted(e for e in emails if e)


async def generate(pilot: Pilot[None], until: str = "", *, with_keys: bool = False) -> None:
    """On a ticket: c, the first program (from the picker with keys, or set), an expiry, ctrl+s."""
    await press(pilot, "c")
    modal = pilot.app.screen
    assert isinstance(modal, CouponModal)
    picker = modal.query_one("#program_id", Select)
    assert pilot.app.focused is picker
    if with_keys:
        await press(pilot, "enter", "down", "enter")
    else:
        picker.value = modal.offer.programs[0].id
    modal.query_one("#valid_until", Input).value = until
    await press(pilot, "ctrl+s")


async def card_after_generating(
    pilot: Pilot[None], until: str = "", *, with_keys: bool = False
) -> CouponCard:
    await generate(pilot, until, with_keys=with_keys)
    card = pilot.app.screen
    assert isinstance(card, CouponCard)
    return card


async def send_from_card(pilot: Pilot[None]) -> None:
    """e on the coupon card, then ctrl+s in Compose Email; wait for the delivery."""
    await press(pilot, "e")
    assert isinstance(pilot.app.screen, ComposeEmailModal)
    await press(pilot, "ctrl+s")
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)


async def open_outbox(pilot: Pilot[None]) -> OutboxScreen:
    """Back to the home screen, then O."""
    while isinstance(pilot.app.screen, (CouponCard, TicketScreen)):
        await press(pilot, "escape")
    await press(pilot, "O")
    outbox = pilot.app.screen
    assert isinstance(outbox, OutboxScreen)
    return outbox


# --- generate ---------------------------------------------------------------------------


async def test_home_open_generate_and_the_panel_counts_it(
    demo_db: Database, ctx: Context, fixed_codes: list[str]
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, str(NO_COUPON))
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, TicketScreen)
        assert "coupons" not in smart_buttons(app)
        assert "Coupon" in [c.title for c in app.get_system_commands(app.screen)]
        card = await card_after_generating(pilot, with_keys=True)
        assert str(card.query_one("#coupon-code").render()) == CODES[0]
        assert "Never expires" in str(card.query_one(".coupon-details").render())
        await press(pilot, "escape")
        assert isinstance(app.screen, TicketScreen)
        assert smart_buttons(app)["coupons"] == "1 1 valid"
        [box] = [b for b in app.screen.query(SmartButtonBox) if b.button.kind == LinkKind.COUPONS]
        assert str(box.render()).split() == ["Coupons", "1", "1", "valid"]
    [coupon] = coupons_of(demo_db, NO_COUPON)
    with demo_db.read() as session:
        ticket = session.exec(select(Ticket).where(Ticket.number == NO_COUPON)).one()
    assert (coupon.code, coupon.ticket_id, coupon.partner_id, coupon.expiration_date) == (
        CODES[0],
        ticket.id,
        ticket.partner_id,
        None,
    )
    assert coupon.program_id == program_id(demo_db, "10% Apology Coupon")
    history = tickets.history(demo_db, ticket_id(demo_db, NO_COUPON))
    assert history[0].body.startswith(f"Coupon {CODES[0]} generated (10% Apology Coupon")


async def test_no_program_then_a_past_expiry_are_refused_then_thirty_days(
    demo_db: Database, ctx: Context, fixed_codes: list[str]
) -> None:
    messages = len(tickets.history(demo_db, ticket_id(demo_db, NO_COUPON)))
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(demo_db, NO_COUPON))
        await press(pilot, "c")
        picker = app.screen.query_one("#program_id", Select)
        assert [str(label) for label, _value in picker._options[1:]] == [  # no promotion
            "10% Apology Coupon — 10% off the next order",
            "Free Delivery & Assembly — Free delivery and assembly on the next order",
        ]
        await press(pilot, "ctrl+s")  # no program chosen: refused next to the field
        assert isinstance(app.screen, CouponModal)
        error = str(app.screen.query_one("#program_id-error").render())
        assert "Choose a coupon program" in error
        await press(pilot, "escape")
        await generate(pilot, "-1d")
        modal = app.screen
        assert isinstance(modal, CouponModal)  # reopened with the error next to the field
        error = str(modal.query_one("#valid_until-error").render())
        assert "Valid Until cannot be in the past" in error
        assert app.focused is modal.query_one("#valid_until", Input)
        assert modal.query_one("#valid_until", Input).value == "2026-11-22"
        assert coupons_of(demo_db, NO_COUPON) == []
        assert len(tickets.history(demo_db, ticket_id(demo_db, NO_COUPON))) == messages
        modal.query_one("#valid_until", Input).value = "+30d"
        await press(pilot, "ctrl+s")
        card = app.screen
        assert isinstance(card, CouponCard)
        assert "Valid until 2026-12-23" in str(card.query_one(".coupon-details").render())
    [coupon] = coupons_of(demo_db, NO_COUPON)
    assert coupon.expiration_date == date(2026, 12, 23)


async def test_no_coupon_action_where_the_team_has_none(demo_db: Database, ctx: Context) -> None:
    from aftersales_tui.keys import screen_keys

    with demo_db.read() as session:
        workshop = session.exec(select(Team.id).where(Team.name == "Workshop")).one()
        other = session.exec(select(Ticket).where(Ticket.team_id == workshop)).first()
    assert other is not None
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(demo_db, other.number))
        assert "Coupon" not in [c.title for c in app.get_system_commands(app.screen)]
        assert not any(k.description == "Coupon" for k in screen_keys(app.screen))
        await press(pilot, "c")
        assert isinstance(app.screen, TicketScreen)  # the key does nothing here
    assert coupons_of(demo_db, other.number) == []


# --- send by email ----------------------------------------------------------------------


async def test_send_by_email_over_smtp(
    demo_db: Database, ctx: Context, fixed_codes: list[str], smtp_server: SmtpServer
) -> None:
    app = make_app(demo_db, ctx, settings=with_smtp(smtp_server))
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(demo_db, NO_COUPON))
        await press(pilot, "w")  # Mia follows too: two followers with an email
        followers = follower_addresses(demo_db, NO_COUPON)
        assert followers == ["info@geminifurniture.example.com", "mia@aftersales.example.com"]
        await card_after_generating(pilot, "+30d")
        await press(pilot, "e")
        compose = app.screen
        assert isinstance(compose, ComposeEmailModal)
        assert len(compose.draft.recipients) == 2
        await press(pilot, "ctrl+s")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(app.screen, CouponCard)
        [envelope] = smtp_server.recorder.envelopes
        assert sorted(envelope.rcpt_tos) == followers
        assert envelope.mail_from == "desk@shop.example.com"
        content = envelope.content
        assert isinstance(content, bytes)
        assert CODES[0].encode() in content
        assert b"Valid until 2026-12-23." in content
        outbox = await open_outbox(pilot)
        [row] = outbox.rows
        assert (row.state, row.attempts, row.error) == (MailState.SENT, 1, "")
        table = outbox.query_one(DataTable)
        assert str(table.get_cell_at(Coordinate(0, 0))) == "sent"
    newest = tickets.history(demo_db, ticket_id(demo_db, NO_COUPON))[0]
    assert newest.kind == MessageKind.EMAIL
    assert newest.body.startswith("To: Gemini Furniture <info@geminifurniture.example.com>, ")
    assert f"Subject: Your coupon {CODES[0]} (#{NO_COUPON})" in newest.body
    assert CODES[0] in newest.body.split("\n\n", 1)[1]


async def test_without_smtp_the_mail_waits_then_a_retry_sends_it(
    demo_db: Database, ctx: Context, fixed_codes: list[str], smtp_server: SmtpServer
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(demo_db, NO_COUPON))
        await card_after_generating(pilot)
        await send_from_card(pilot)
        outbox = await open_outbox(pilot)
        [row] = outbox.rows
        assert (row.state, row.error, row.attempts) == (
            MailState.QUEUED,
            "SMTP is not configured",
            0,
        )
        title = outbox.query_one(TitleBar).left.plain
        assert "SMTP not configured" in title
        detail = str(outbox.query_one("#mail-detail").render())
        assert "Error: SMTP is not configured" in detail
    assert smtp_server.recorder.envelopes == []

    app = make_app(demo_db, ctx, settings=with_smtp(smtp_server))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "O")
        assert isinstance(app.screen, OutboxScreen)
        await press(pilot, "r")
        await app.workers.wait_for_complete()
        await settle(pilot)
        [row] = app.screen.rows
        assert (row.state, row.error, row.attempts) == (MailState.SENT, "", 1)
    [envelope] = smtp_server.recorder.envelopes
    assert envelope.rcpt_tos == ["info@geminifurniture.example.com"]
    [mail] = mails(demo_db)
    assert (mail.state, mail.attempts) == (MailState.SENT, 1)
    assert mail.sent_at is not None


# --- share link and the list --------------------------------------------------------------


async def test_share_link_copies_the_link_and_keeps_it_on_screen(
    demo_db: Database, ctx: Context, fixed_codes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[str] = []
    app = make_app(demo_db, ctx)
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    link = f"https://shop.example.com/coupon/{CODES[0]}?r=/shop"
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(demo_db, NO_COUPON))
        await card_after_generating(pilot)
        await press(pilot, "l")
        share = app.screen
        assert isinstance(share, ShareLinkModal)
        assert share.query_one("#share-url", Input).value == link
        await press(pilot, "c")
        assert copied == [link]
        assert app.screen is share
        assert share.query_one("#share-url", Input).value == link
        await press(pilot, "escape")
        assert isinstance(app.screen, CouponCard)


async def test_coupons_button_lists_both_coupons(
    demo_db: Database, ctx: Context, fixed_codes: list[str]
) -> None:
    coupons.generate(
        demo_db,
        ctx,
        ticket_id(demo_db, ONE_COUPON),
        CouponRequest(program_id(demo_db, "Free Delivery & Assembly"), date(2026, 12, 31)),
    )
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await show_ticket(pilot, ticket_id(demo_db, ONE_COUPON))
        assert smart_buttons(app)["coupons"] == "2 2 valid"
        await tab_to(pilot, is_link_button(LinkKind.COUPONS))
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, CouponsScreen)
        table = screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [
            [CODES[0], "Free Delivery & Assembly", "2026-12-31", "valid"],
            ["PFHA-MSP9-ENQK-2SDE", "10% Apology Coupon", "2027-03-15", "valid"],
        ]
        await press(pilot, "enter")
        card = app.screen
        assert isinstance(card, CouponCard)
        assert card.coupon.code == CODES[0]
