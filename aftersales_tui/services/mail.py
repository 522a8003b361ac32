"""Outgoing mail: every message goes to the outbox first, then to SMTP when it is configured.

Nothing is lost: a message that cannot be delivered stays in the outbox with its error (queued
when it may work later, failed when the server refused it for good) and can be sent again.
No database transaction stays open while the SMTP server is talked to.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses

from sqlmodel import col, select

from ..db import Database
from ..i18n import _
from ..models import MailState, MessageKind, OutgoingMail
from ..settings import SmtpSettings
from . import chatter, tickets
from .context import Context
from .errors import AfterSalesError
from .texts import storable

SMTP_TIMEOUT_S = 15
# The sender when the settings name none (a local relay without login, say).
DEFAULT_SENDER = "aftersales@localhost"
SUBJECT_MAX = 500
BODY_MAX = 100_000


@dataclass(frozen=True)
class MailRequest:
    """A message as the Compose Email modal hands it back."""

    to: tuple[str, ...]
    subject: str
    body: str
    ticket_id: int | None = None


@dataclass(frozen=True)
class MailView:
    id: int
    to: str
    subject: str
    body: str
    state: MailState
    error: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    ticket_id: int | None


def parse_recipients(entries: Sequence[str]) -> list[str]:
    """``Name <address>`` entries (also comma-separated ones), each checked.

    An address given twice is kept once (the first spelling); names stay readable (quoted
    when they hold a comma, never encoded: the message is encoded when it is sent).
    """
    found: list[str] = []
    seen: set[str] = set()
    for entry in entries:
        storable(entry, "to")
        if "\n" in entry or "\r" in entry:
            raise AfterSalesError(_("A recipient cannot span lines"), field="to")
        pairs = [(name, address) for name, address in getaddresses([entry]) if name or address]
        if entry.strip(" \t,;") and not pairs:
            # Newer Pythons parse a malformed entry to nothing: say so rather than drop it.
            raise AfterSalesError(
                _("Not an email address: {entry}").format(entry=entry.strip()), field="to"
            )
        for name, address in pairs:
            local, at, domain = address.partition("@")
            if not at or not local or "." not in domain or " " in address:
                shown = address or name
                raise AfterSalesError(
                    _("Not an email address: {entry}").format(entry=shown), field="to"
                )
            if address.lower() in seen:
                continue
            seen.add(address.lower())
            found.append(
                str(Address(display_name=name, username=local, domain=domain)) if name else address
            )
    return found


def queue(db: Database, ctx: Context, request: MailRequest) -> MailView:
    """Put a message in the outbox (and on the ticket's chatter), in one transaction."""
    recipients = parse_recipients(request.to)
    if not recipients:
        raise AfterSalesError(_("Add at least one recipient"), field="to")
    subject = storable(request.subject, "subject").strip()
    if not subject or "\n" in subject or "\r" in subject:
        raise AfterSalesError(_("Write a subject on one line"), field="subject")
    if len(subject) > SUBJECT_MAX:
        raise AfterSalesError(_("The subject is too long"), field="subject")
    if not storable(request.body, "body").strip():
        raise AfterSalesError(_("Write the message"), field="body")
    if len(request.body) > BODY_MAX:
        raise AfterSalesError(_("The message is too long"), field="body")
    with db.write() as session:
        if request.ticket_id is not None:
            tickets.get(session, request.ticket_id)
        mail = OutgoingMail(
            to=", ".join(recipients),
            subject=subject,
            body=request.body,
            state=MailState.QUEUED,
            ticket_id=request.ticket_id,
            created_at=ctx.now(),
        )
        session.add(mail)
        session.flush()
        if request.ticket_id is not None:
            chatter.post(
                session,
                ctx,
                tickets.MODEL,
                request.ticket_id,
                _("To: {to}\nSubject: {subject}\n\n{body}").format(
                    to=mail.to, subject=subject, body=request.body
                ),
                MessageKind.EMAIL,
            )
        return _view(mail)


def _view(mail: OutgoingMail) -> MailView:
    return MailView(
        id=mail.id or 0,
        to=mail.to,
        subject=mail.subject,
        body=mail.body,
        state=mail.state,
        error=mail.error,
        attempts=mail.attempts,
        created_at=mail.created_at,
        sent_at=mail.sent_at,
        ticket_id=mail.ticket_id,
    )


def deliver(db: Database, ctx: Context, mail_id: int, smtp: SmtpSettings | None) -> MailView:
    """Try to send one message; its outcome (sent, or the error) is recorded either way."""
    with db.read() as session:
        mail = session.get(OutgoingMail, mail_id)
        if mail is None:
            raise AfterSalesError(_("This message no longer exists"))
        if mail.state == MailState.SENT:
            return _view(mail)
        message = _message(mail, smtp)
    if smtp is None:
        return _record(db, ctx, mail_id, MailState.QUEUED, _("SMTP is not configured"), False)
    try:
        refused_some = _send(smtp, message)
    except smtplib.SMTPRecipientsRefused as refused_all:
        # Failed only when every refusal is for good (5xx); "451 try later" may work later.
        replies = refused_all.recipients.values()
        state = MailState.FAILED if all(code >= 500 for code, _r in replies) else MailState.QUEUED
        return _record(db, ctx, mail_id, state, _refusal(refused_all.recipients), True)
    except smtplib.SMTPResponseException as refused:
        state = MailState.FAILED if refused.smtp_code >= 500 else MailState.QUEUED
        reason = f"{refused.smtp_code} {_text(refused.smtp_error)}"
        return _record(db, ctx, mail_id, state, reason, True)
    except (OSError, smtplib.SMTPException) as problem:
        reason = str(problem) or type(problem).__name__
        return _record(db, ctx, mail_id, MailState.QUEUED, reason, True)
    except Exception as problem:  # noqa: BLE001 - whatever happens, the outcome is recorded
        reason = f"{type(problem).__name__}: {problem}"
        return _record(db, ctx, mail_id, MailState.QUEUED, reason, True)
    # Sent to the others; the recipients the server refused are named in the error.
    return _record(db, ctx, mail_id, MailState.SENT, _refusal(refused_some), True)


def _refusal(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{who}: {code} {_text(text)}" for who, (code, text) in recipients.items())


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _message(mail: OutgoingMail, smtp: SmtpSettings | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = (smtp.sender or smtp.user if smtp else "") or DEFAULT_SENDER
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    return message


def _send(smtp: SmtpSettings, message: EmailMessage) -> dict[str, tuple[int, bytes]]:
    """Send ``message``; the recipients refused while others were accepted."""
    if smtp.security == "ssl":
        context = ssl.create_default_context()
        with smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_S, context=context) as s:
            return _login_and_send(s, smtp, message)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_S) as server:
        if smtp.security == "starttls":
            server.starttls(context=ssl.create_default_context())
        return _login_and_send(server, smtp, message)


def _login_and_send(
    server: smtplib.SMTP, smtp: SmtpSettings, message: EmailMessage
) -> dict[str, tuple[int, bytes]]:
    if smtp.user:
        server.login(smtp.user, smtp.password)
    return server.send_message(message)


def _record(
    db: Database, ctx: Context, mail_id: int, state: MailState, error: str, attempted: bool
) -> MailView:
    with db.write() as session:
        mail = session.get(OutgoingMail, mail_id)
        if mail is None:
            raise AfterSalesError(_("This message no longer exists"))
        mail.state = state
        mail.error = error
        if attempted:
            mail.attempts += 1
        if state == MailState.SENT:
            mail.sent_at = ctx.now()
        return _view(mail)


def outbox(db: Database, limit: int = 500) -> list[MailView]:
    """Queued and failed messages first, then the sent ones, newest first."""
    with db.read() as session:
        rows = session.exec(
            select(OutgoingMail)
            .order_by(
                (col(OutgoingMail.state) == MailState.SENT).asc(),
                col(OutgoingMail.created_at).desc(),
                col(OutgoingMail.id).desc(),
            )
            .limit(limit)
        ).all()
        return [_view(m) for m in rows]


def pending(db: Database) -> list[int]:
    """The messages still to deliver (queued or failed)."""
    with db.read() as session:
        ids = session.exec(
            select(OutgoingMail.id)
            .where(OutgoingMail.state != MailState.SENT)
            .order_by(col(OutgoingMail.id))
        ).all()
        return [i for i in ids if i is not None]
