"""Outgoing mail: the outbox, and delivery to a real SMTP server listening on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func
from sqlmodel import col, select

from aftersales_tui.db import Database
from aftersales_tui.models import (
    CouponProgram,
    MailState,
    Message,
    MessageKind,
    OutgoingMail,
    Partner,
    ProgramType,
    Ticket,
    TicketFollower,
)
from aftersales_tui.services import coupons, mail, tickets
from aftersales_tui.services.context import Context, frozen_clock
from aftersales_tui.services.coupons import CouponRequest
from aftersales_tui.services.errors import AfterSalesError
from aftersales_tui.services.mail import MailRequest, MailView
from aftersales_tui.settings import SmtpSettings

from . import factories as f
from .conftest import NOW, TODAY

SENDER = "desk@example.com"

# --- a real SMTP server ------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert isinstance(part, EmailMessage)
        return str(part.get_content()).replace("\r\n", "\n")  # SMTP lines end in CRLF


@dataclass
class Inbox:
    """The server's handler: keeps what it receives; ``refusals`` answer RCPT for an address."""

    received: list[Received] = field(default_factory=list)
    refusals: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        refusal = self.refusals.get(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 OK"


@dataclass(frozen=True)
class Server:
    inbox: Inbox
    smtp: SmtpSettings


def free_port() -> int:
    """A port nothing listens on (the system picked it, and it is closed again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings(port: int, **changes: Any) -> SmtpSettings:
    values: dict[str, Any] = {"security": "none", "sender": SENDER, **changes}
    return SmtpSettings(host="127.0.0.1", port=port, **values)


@pytest.fixture
def server() -> Iterator[Server]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield Server(inbox, settings(port))
    finally:
        controller.stop()


# --- builders ----------------------------------------------------------------------------


def follower(db: Database, ticket_id: int, name: str, email: str | None) -> int:
    with db.write() as s:
        row = Partner(name=name, email=email)
        s.add(row)
        s.flush()
        s.add(TicketFollower(ticket_id=ticket_id, partner_id=row.id or 0))
        return row.id or 0


@pytest.fixture
def ticket_id(db: Database) -> int:
    """Ticket #7 of Azure Interior (azure@example.com), who follows it."""
    return f.ticket(db, f.team(db), number=7, partner_id=f.partner(db, "Azure Interior"))


def request(ticket_id: int | None = None, **changes: Any) -> MailRequest:
    values: dict[str, Any] = {
        "to": ("Azure Interior <azure@example.com>",),
        "subject": "Your coupon",
        "body": "Hello,\n\nHere is your coupon.\n",
        "ticket_id": ticket_id,
        **changes,
    }
    return MailRequest(**values)


def stored(db: Database, mail_id: int) -> OutgoingMail:
    with db.read() as s:
        row = s.get(OutgoingMail, mail_id)
        assert row is not None
        return row


def footprint(db: Database) -> tuple[Any, ...]:
    with db.read() as s:
        mails = s.exec(select(OutgoingMail).order_by(col(OutgoingMail.id))).all()
        return (
            [(m.id, m.to, m.subject, m.body, m.state, m.error, m.attempts) for m in mails],
            s.exec(select(func.count()).select_from(Message)).one(),
        )


def refuse(db: Database, ctx: Context, asked: MailRequest, field_name: str) -> str:
    before = footprint(db)
    with pytest.raises(AfterSalesError) as caught:
        mail.queue(db, ctx, asked)
    assert caught.value.field == field_name, caught.value.message
    assert footprint(db) == before
    return caught.value.message


def at(moment: datetime) -> Context:
    return Context(user_id=None, clock=frozen_clock(moment), tz=UTC)


# --- recipients --------------------------------------------------------------------------


def test_recipients_are_named_or_bare_and_may_be_comma_separated() -> None:
    assert mail.parse_recipients(
        [
            "Azure Interior <azure@example.com>",
            "mia@aftersales.example.com",
            "  ",
            "Deco Addict <deco@example.com>, sam@example.com",
            "Chloé Dubois <chloe@example.com>",
        ]
    ) == [
        "Azure Interior <azure@example.com>",
        "mia@aftersales.example.com",
        "Deco Addict <deco@example.com>",
        "sam@example.com",
        "Chloé Dubois <chloe@example.com>",  # readable in the outbox, not encoded
    ]
    assert mail.parse_recipients([]) == []


def test_a_name_with_a_comma_stays_one_recipient() -> None:
    once = mail.parse_recipients(['"Interior, Azure" <azure@example.com>'])
    assert once == ['"Interior, Azure" <azure@example.com>']
    assert mail.parse_recipients(once) == once


def test_duplicate_recipients_are_dropped() -> None:
    assert mail.parse_recipients(
        [
            "Azure Interior <azure@example.com>",
            "azure@example.com",
            "Azure Interior <azure@example.com>, mia@example.com",
            "Azure <AZURE@example.com>",
            "mia@example.com",
        ]
    ) == ["Azure Interior <azure@example.com>", "mia@example.com"]


@pytest.mark.parametrize(
    "entry",
    [
        "not-an-address",
        "a@b",
        "@example.com",
        "Name <>",
        "<>",
        "a@b.com c@d.com",
        "Lopez, Mia <mia@example.com>",  # "Lopez" alone is not an address
    ],
)
def test_what_is_not_an_address_is_refused(entry: str) -> None:
    with pytest.raises(AfterSalesError, match="Not an email address") as caught:
        mail.parse_recipients(["azure@example.com", entry])
    assert caught.value.field == "to"


@pytest.mark.parametrize(
    "entry",
    [
        "azure@example.com\nBcc: everyone@example.com",
        "azure@example.com\r\nBcc: everyone@example.com",
        "Azure\r <azure@example.com>",
    ],
)
def test_a_recipient_spanning_lines_is_refused(entry: str) -> None:
    with pytest.raises(AfterSalesError, match="span lines") as caught:
        mail.parse_recipients([entry])
    assert caught.value.field == "to"


# --- queue -------------------------------------------------------------------------------


def test_queue_stores_the_mail_and_posts_it_on_the_ticket(
    db: Database, ctx: Context, ticket_id: int
) -> None:
    asked = request(
        ticket_id,
        to=("Azure Interior <azure@example.com>", "mia@example.com, azure@example.com"),
        subject="  Your coupon ABCD (#7)  ",
    )

    view = mail.queue(db, ctx, asked)

    row = stored(db, view.id)
    assert row.to == "Azure Interior <azure@example.com>, mia@example.com"
    assert row.subject == "Your coupon ABCD (#7)"
    assert row.body == asked.body
    assert row.state == MailState.QUEUED
    assert (row.error, row.attempts, row.sent_at) == ("", 0, None)
    assert row.ticket_id == ticket_id
    assert row.created_at == NOW
    assert view == MailView(
        id=row.id or 0,
        to=row.to,
        subject=row.subject,
        body=row.body,
        state=MailState.QUEUED,
        error="",
        attempts=0,
        created_at=NOW,
        sent_at=None,
        ticket_id=ticket_id,
    )
    entry = tickets.history(db, ticket_id)[0]
    assert entry.kind == MessageKind.EMAIL
    assert entry.created_at == NOW
    assert entry.body == (
        "To: Azure Interior <azure@example.com>, mia@example.com\n"
        "Subject: Your coupon ABCD (#7)\n\n"
        "Hello,\n\nHere is your coupon.\n"
    )


def test_a_mail_without_ticket_posts_nothing(db: Database, ctx: Context) -> None:
    view = mail.queue(db, ctx, request(None))

    assert stored(db, view.id).ticket_id is None
    assert footprint(db)[1] == 0
    assert mail.pending(db) == [view.id]


@pytest.mark.parametrize("to", [(), ("",), ("  ", " , ")])
def test_a_recipient_is_required(db: Database, ctx: Context, ticket_id: int, to: Any) -> None:
    assert refuse(db, ctx, request(ticket_id, to=to), "to") == "Add at least one recipient"


def test_a_bad_recipient_is_refused_before_anything_is_written(
    db: Database, ctx: Context, ticket_id: int
) -> None:
    refuse(db, ctx, request(ticket_id, to=("azure@example.com", "a@b")), "to")
    refuse(db, ctx, request(ticket_id, to=("azure@example.com\nBcc: x@example.com",)), "to")


@pytest.mark.parametrize(
    "subject", ["", "   ", "Your coupon\nBcc: x@example.com", "Your\rcoupon", "x" * 501]
)
def test_the_subject_is_one_line(db: Database, ctx: Context, ticket_id: int, subject: str) -> None:
    refuse(db, ctx, request(ticket_id, subject=subject), "subject")


@pytest.mark.parametrize("body", ["", "  \n\t\n", "x" * (mail.BODY_MAX + 1)])
def test_the_body_is_required_and_bounded(
    db: Database, ctx: Context, ticket_id: int, body: str
) -> None:
    refuse(db, ctx, request(ticket_id, body=body), "body")


def test_a_subject_and_body_at_their_limits_are_accepted(
    db: Database, ctx: Context, ticket_id: int
) -> None:
    asked = request(ticket_id, subject="s" * mail.SUBJECT_MAX, body="b" * mail.BODY_MAX)
    view = mail.queue(db, ctx, asked)
    assert len(stored(db, view.id).body) == mail.BODY_MAX


def test_a_missing_ticket_is_refused_and_nothing_written(db: Database, ctx: Context) -> None:
    before = footprint(db)
    with pytest.raises(AfterSalesError, match="no longer exists"):
        mail.queue(db, ctx, request(404))
    assert footprint(db) == before


# --- delivery ----------------------------------------------------------------------------


def test_the_coupon_email_reaches_every_follower(
    demo_db: Database, ctx: Context, server: Server
) -> None:
    with demo_db.read() as s:
        ticket = s.exec(select(Ticket).where(Ticket.number == 1005)).one()
    offer = coupons.defaults(demo_db, ctx, ticket.id or 0)
    apology = next(c.id for c in offer.programs if c.label.startswith("10% Apology"))
    until = TODAY + timedelta(days=60)
    coupon = coupons.generate(demo_db, ctx, ticket.id or 0, CouponRequest(apology, until))
    draft = coupons.email_draft(demo_db, ctx, coupon.id)
    assert len(draft.recipients) == 3  # the customer, a contact, and the agent Mia
    queued = mail.queue(
        demo_db, ctx, MailRequest(draft.recipients, draft.subject, draft.body, ticket.id)
    )

    sent = mail.deliver(demo_db, ctx, queued.id, server.smtp)

    assert len(server.inbox.received) == 1
    got = server.inbox.received[0]
    assert sorted(got.rcpt_tos) == [
        "info@woodcorner.example.com",
        "mia@aftersales.example.com",
        "willie.burke@woodcorner.example.com",
    ]
    assert got.mail_from == SENDER
    assert got.message["From"] == SENDER
    assert got.message["Subject"] == draft.subject
    assert coupon.code in got.message["Subject"]
    assert coupon.code in got.body
    assert until.isoformat() in got.body
    assert sent.state == MailState.SENT
    assert sent.sent_at == NOW
    assert (sent.attempts, sent.error) == (1, "")
    row = stored(demo_db, queued.id)
    assert (row.state, row.sent_at, row.attempts) == (MailState.SENT, NOW, 1)
    assert mail.pending(demo_db) == []

    again = mail.deliver(demo_db, at(NOW + timedelta(hours=1)), queued.id, server.smtp)

    assert len(server.inbox.received) == 1  # not sent twice
    assert (again.state, again.sent_at, again.attempts) == (MailState.SENT, NOW, 1)


def test_names_with_accents_and_commas_arrive_intact(
    db: Database, ctx: Context, ticket_id: int, server: Server
) -> None:
    follower(db, ticket_id, "Chloé Dubois", "chloe@example.com")
    follower(db, ticket_id, "Interior, Azure (billing)", "billing@example.com")
    follower(db, ticket_id, "Walk-in Client", None)
    with db.write() as s:
        row = CouponProgram(name="Apology", program_type=ProgramType.COUPONS, reward="10% off")
        s.add(row)
        s.flush()
        program_id = row.id or 0
    coupon = coupons.generate(db, ctx, ticket_id, CouponRequest(program_id))
    draft = coupons.email_draft(db, ctx, coupon.id, "https://shop.example.com/coupon/x?r=/shop")
    queued = mail.queue(
        db, ctx, MailRequest(draft.recipients, draft.subject, draft.body, ticket_id)
    )

    sent = mail.deliver(db, ctx, queued.id, server.smtp)

    assert sent.state == MailState.SENT, sent.error
    got = server.inbox.received[0]
    assert sorted(got.rcpt_tos) == ["azure@example.com", "billing@example.com", "chloe@example.com"]
    assert [(a.display_name, a.addr_spec) for a in got.message["To"].addresses] == [
        ("Azure Interior", "azure@example.com"),
        ("Chloé Dubois", "chloe@example.com"),
        ("Interior, Azure (billing)", "billing@example.com"),
    ]
    assert got.body.rstrip("\n") == draft.body
    assert "Valid until" not in got.body


def test_without_smtp_the_mail_waits_in_the_outbox(
    db: Database, ctx: Context, ticket_id: int
) -> None:
    queued = mail.queue(db, ctx, request(ticket_id))

    view = mail.deliver(db, ctx, queued.id, None)

    assert view.state == MailState.QUEUED
    assert view.error == "SMTP is not configured"
    assert view.attempts == 0
    assert view.sent_at is None
    assert stored(db, queued.id).error == "SMTP is not configured"
    assert mail.pending(db) == [queued.id]


def test_a_relay_without_sender_or_login_still_gets_a_from(
    db: Database, ctx: Context, ticket_id: int, server: Server
) -> None:
    queued = mail.queue(db, ctx, request(ticket_id))
    relay = settings(server.smtp.port, sender="", user="")

    view = mail.deliver(db, ctx, queued.id, relay)

    assert view.state == MailState.SENT, view.error
    assert [r.mail_from for r in server.inbox.received] == [mail.DEFAULT_SENDER]


def test_an_unexpected_failure_is_recorded_not_lost(
    db: Database, ctx: Context, ticket_id: int, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued = mail.queue(db, ctx, request(ticket_id))

    def broken(*_args: Any) -> None:
        raise IndexError("list index out of range")

    monkeypatch.setattr(mail, "_send", broken)
    view = mail.deliver(db, ctx, queued.id, server.smtp)

    assert (view.state, view.attempts) == (MailState.QUEUED, 1)
    assert view.error == "IndexError: list index out of range"
    assert stored(db, queued.id).body == request(ticket_id).body


def test_a_refused_connection_keeps_the_mail_and_a_retry_sends_it(
    db: Database, ctx: Context, ticket_id: int, server: Server
) -> None:
    queued = mail.queue(db, ctx, request(ticket_id))
    nobody = settings(free_port())

    failed = mail.deliver(db, ctx, queued.id, nobody)

    assert failed.state == MailState.QUEUED
    assert "refused" in failed.error.lower()
    assert failed.attempts == 1
    assert failed.sent_at is None
    row = stored(db, queued.id)
    assert (row.to, row.subject, row.body) == (queued.to, queued.subject, queued.body)
    assert mail.pending(db) == [queued.id]
    assert server.inbox.received == []

    later = at(NOW + timedelta(minutes=10))
    retried = mail.deliver(db, later, queued.id, server.smtp)

    assert retried.state == MailState.SENT
    assert retried.error == ""
    assert retried.attempts == 2
    assert retried.sent_at == NOW + timedelta(minutes=10)
    assert server.inbox.received[0].rcpt_tos == ["azure@example.com"]
    assert server.inbox.received[0].body == "Hello,\n\nHere is your coupon.\n"
    assert mail.pending(db) == []


def test_a_server_without_starttls_keeps_the_mail_queued(
    db: Database, ctx: Context, ticket_id: int, server: Server
) -> None:
    queued = mail.queue(db, ctx, request(ticket_id))
    starttls = settings(server.smtp.port, security="starttls")

    view = mail.deliver(db, ctx, queued.id, starttls)

    assert view.state == MailState.QUEUED
    assert "STARTTLS" in view.error
    assert view.attempts == 1
    assert server.inbox.received == []


def test_a_recipient_refused_for_good_fails_the_mail(
    db: Database, ctx: Context, ticket_id: int, server: Server
) -> None:
    server.inbox.refusals["azure@example.com"] = "550 no such user"
    queued = mail.queue(db, ctx, request(ticket_id))

    view = mail.deliver(db, ctx, queued.id, server.smtp)

    assert view.state == MailState.FAILED
    assert "550 no such user" in view.error
    assert "azure@example.com" in view.error
    assert view.attempts == 1
    assert view.sent_at is None
    assert server.inbox.received == []
    assert stored(db, queued.id).body == queued.body  # still there, can be sent again
    assert mail.pending(db) == [queued.id]


def test_a_recipient_refused_for_now_keeps_the_mail_queued(
    db: Database, ctx: Context, ticket_id: int, server: Server
) -> None:
    server.inbox.refusals["azure@example.com"] = "451 try later"
    queued = mail.queue(db, ctx, request(ticket_id))

    view = mail.deliver(db, ctx, queued.id, server.smtp)

    assert view.state == MailState.QUEUED
    assert "451 try later" in view.error
    assert view.attempts == 1
    assert server.inbox.received == []

    del server.inbox.refusals["azure@example.com"]
    retried = mail.deliver(db, ctx, queued.id, server.smtp)
    assert (retried.state, retried.attempts, retried.error) == (MailState.SENT, 2, "")


def test_a_recipient_refused_among_others_is_recorded(
    db: Database, ctx: Context, ticket_id: int, server: Server
) -> None:
    server.inbox.refusals["gone@example.com"] = "550 no such user"
    asked = request(ticket_id, to=("azure@example.com", "Gone <gone@example.com>"))
    queued = mail.queue(db, ctx, asked)

    view = mail.deliver(db, ctx, queued.id, server.smtp)

    assert server.inbox.received[0].rcpt_tos == ["azure@example.com"]
    assert view.state == MailState.SENT
    assert "gone@example.com" in view.error
    assert "550 no such user" in view.error


# --- the outbox --------------------------------------------------------------------------


def test_the_outbox_lists_what_waits_before_what_left_newest_first(
    db: Database, ticket_id: int
) -> None:
    def queued_at(hours_ago: int, state: MailState, subject: str) -> int:
        view = mail.queue(
            db, at(NOW - timedelta(hours=hours_ago)), request(ticket_id, subject=subject)
        )
        with db.write() as s:
            row = s.get(OutgoingMail, view.id)
            assert row is not None
            row.state = state
        return view.id

    sent_old = queued_at(50, MailState.SENT, "sent long ago")
    queued_old = queued_at(40, MailState.QUEUED, "queued long ago")
    sent_new = queued_at(3, MailState.SENT, "sent recently")
    failed = queued_at(20, MailState.FAILED, "failed")
    queued_new = queued_at(1, MailState.QUEUED, "queued recently")

    listed = mail.outbox(db)

    assert [m.id for m in listed] == [queued_new, failed, queued_old, sent_new, sent_old]
    assert [m.state for m in listed] == [
        MailState.QUEUED,
        MailState.FAILED,
        MailState.QUEUED,
        MailState.SENT,
        MailState.SENT,
    ]
    assert [m.id for m in mail.outbox(db, limit=2)] == [queued_new, failed]
    assert mail.pending(db) == [queued_old, failed, queued_new]


def test_an_empty_outbox(db: Database) -> None:
    assert mail.outbox(db) == []
    assert mail.pending(db) == []


def test_delivering_a_missing_mail_is_refused(db: Database, ctx: Context) -> None:
    with pytest.raises(AfterSalesError, match="no longer exists"):
        mail.deliver(db, ctx, 404, None)
