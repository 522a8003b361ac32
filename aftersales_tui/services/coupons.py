"""Coupons: single-use codes generated from a ticket for its customer (the guide's pop-up
"Generate a Coupon"), the email that carries one, and the link that applies it in the shop."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from email.headerregistry import Address
from urllib.parse import quote

from sqlmodel import Session, col, select

from .. import formatting as fmt
from ..db import Database
from ..i18n import _
from ..models import Coupon, CouponProgram, CouponState, Partner, ProgramType, TicketFollower
from . import chatter, directory, tickets
from .context import Context
from .directory import Choice
from .errors import AfterSalesError

# Crockford's base32: no I, L, O or U, so a code read aloud is not misheard.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP_SIZE = 4, 4  # 16 symbols x 5 bits = 80 bits of entropy
MAX_TRIES = 8


@dataclass(frozen=True)
class CouponDefaults:
    ticket_id: int
    ticket_ref: str
    customer: str
    programs: tuple[Choice, ...]
    program_id: int | None
    valid_until: date | None
    empty_reason: str | None


@dataclass(frozen=True)
class CouponRequest:
    program_id: int | None
    valid_until: date | None = None


@dataclass(frozen=True)
class CouponView:
    id: int
    code: str
    program: str
    reward: str
    customer: str
    expiration_date: date | None
    state: CouponState
    ticket_id: int | None


def new_code() -> str:
    """An unguessable code from ``secrets``, grouped to read aloud: ``7KQF-2M9X-4TPA-HC3D``."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    return "-".join(symbols[i : i + GROUP_SIZE] for i in range(0, len(symbols), GROUP_SIZE))


def state_of(coupon: Coupon, today: date) -> CouponState:
    """Valid, used, or expired (a valid coupon past its date)."""
    if coupon.state == CouponState.VALID and coupon.expiration_date is not None:
        if coupon.expiration_date < today:
            return CouponState.EXPIRED
    return CouponState(coupon.state)


def _programs(session: Session) -> list[CouponProgram]:
    return list(
        session.exec(
            select(CouponProgram)
            .where(col(CouponProgram.active), CouponProgram.program_type == ProgramType.COUPONS)
            .order_by(col(CouponProgram.name))
        ).all()
    )


def defaults(db: Database, ctx: Context, ticket_id: int) -> CouponDefaults:
    with db.read() as session:
        ticket = tickets.get(session, ticket_id)
        programs = _programs(session)
        reason = None
        if not programs:
            reason = _(
                "No active coupon program of type Coupons: create one in the shop's "
                "Discount & Loyalty programs first."
            )
        return CouponDefaults(
            ticket_id=ticket_id,
            ticket_ref=fmt.ticket_ref(ticket.number),
            customer=directory.partner_name(session, ticket.partner_id),
            programs=tuple(Choice(p.id or 0, _program_label(p)) for p in programs),
            program_id=programs[0].id if len(programs) == 1 else None,
            valid_until=None,
            empty_reason=reason,
        )


def _program_label(program: CouponProgram) -> str:
    return f"{program.name} — {program.reward}" if program.reward else program.name


def generate(db: Database, ctx: Context, ticket_id: int, request: CouponRequest) -> CouponView:
    """A single-use code of the program, reserved for the ticket's customer, in one transaction."""
    with db.write() as session:
        ticket = tickets.get(session, ticket_id)
        program = session.get(CouponProgram, request.program_id) if request.program_id else None
        if program is None:
            raise AfterSalesError(_("Choose a coupon program"), field="program_id")
        if not program.active or program.program_type != ProgramType.COUPONS:
            raise AfterSalesError(
                _("{program} is not an active program of type Coupons").format(
                    program=program.name
                ),
                field="program_id",
            )
        if request.valid_until is not None and request.valid_until < ctx.today():
            raise AfterSalesError(
                _("Valid Until cannot be in the past (leave it blank: the code never expires)"),
                field="valid_until",
            )
        code = _unique_code(session)
        coupon = Coupon(
            code=code,
            program_id=program.id or 0,
            partner_id=ticket.partner_id,
            expiration_date=request.valid_until,
            state=CouponState.VALID,
            ticket_id=ticket.id,
            created_at=ctx.now(),
        )
        session.add(coupon)
        session.flush()
        until = (
            _("valid until {day}").format(day=fmt.day(request.valid_until))
            if request.valid_until
            else _("never expires")
        )
        chatter.post(
            session,
            ctx,
            tickets.MODEL,
            ticket.id or 0,
            _("Coupon {code} generated ({program}, {until})").format(
                code=code, program=program.name, until=until
            ),
        )
        ticket.updated_at = ctx.now()
        return _view(session, coupon, ctx.today())


def _unique_code(session: Session) -> str:
    for _attempt in range(MAX_TRIES):
        code = new_code()
        taken = session.exec(select(Coupon.id).where(Coupon.code == code)).first()
        taken = (
            taken
            or session.exec(select(CouponProgram.id).where(CouponProgram.code == code)).first()
        )
        if taken is None:
            return code
    raise AfterSalesError(_("Could not draw a free coupon code; try again"))  # pragma: no cover


def _view(session: Session, coupon: Coupon, today: date) -> CouponView:
    program = session.get(CouponProgram, coupon.program_id)
    return CouponView(
        id=coupon.id or 0,
        code=coupon.code,
        program=program.name if program else "",
        reward=program.reward if program else "",
        customer=directory.partner_name(session, coupon.partner_id),
        expiration_date=coupon.expiration_date,
        state=state_of(coupon, today),
        ticket_id=coupon.ticket_id,
    )


def for_ticket(db: Database, ctx: Context, ticket_id: int) -> list[CouponView]:
    with db.read() as session:
        rows = session.exec(
            select(Coupon)
            .where(Coupon.ticket_id == ticket_id)
            .order_by(col(Coupon.created_at).desc(), col(Coupon.id).desc())
        ).all()
        return [_view(session, c, ctx.today()) for c in rows]


def load(db: Database, ctx: Context, coupon_id: int) -> CouponView:
    with db.read() as session:
        coupon = session.get(Coupon, coupon_id)
        if coupon is None:
            raise AfterSalesError(_("This coupon no longer exists"))
        return _view(session, coupon, ctx.today())


# --- sharing ----------------------------------------------------------------------------


def share_link(base_url: str | None, code: str) -> str:
    """The link that applies the code to the customer's cart in the shop."""
    if not base_url:
        raise AfterSalesError(
            _('Set the shop address first: [shop] base_url = "https://…" in the settings file')
        )
    return f"{base_url.rstrip('/')}/coupon/{quote(code)}?r=/shop"


def _mailbox(name: str, address: str) -> str:
    """``Name <address>``, the name quoted when it holds a comma or the like (never encoded)."""
    local, at, domain = address.rpartition("@")
    if not at:
        local, domain = address, ""
    return str(Address(display_name=name, username=local, domain=domain))


@dataclass(frozen=True)
class EmailDraft:
    """A pre-filled "Compose Email": every follower of the ticket, and the template."""

    recipients: tuple[str, ...]
    missing: tuple[str, ...]
    subject: str
    body: str


def email_draft(db: Database, ctx: Context, coupon_id: int, link: str | None = None) -> EmailDraft:
    with db.read() as session:
        coupon = session.get(Coupon, coupon_id)
        if coupon is None or coupon.ticket_id is None:
            raise AfterSalesError(_("This coupon no longer exists"))
        view = _view(session, coupon, ctx.today())
        ticket = tickets.get(session, coupon.ticket_id)
        followers = session.exec(
            select(Partner)
            .join(TicketFollower, col(TicketFollower.partner_id) == Partner.id)
            .where(TicketFollower.ticket_id == ticket.id)
            .order_by(col(Partner.name))
        ).all()
        with_email = [p for p in followers if p.email]
        customer = directory.partner_name(session, ticket.partner_id)
    recipients = tuple(_mailbox(p.name, p.email or "") for p in with_email)
    missing = tuple(p.name for p in followers if not p.email)
    lines = [
        _("Hello {name},").format(name=customer or _("there")),
        "",
        _("Following your request {ref}, here is a coupon for you:").format(
            ref=fmt.ticket_ref(ticket.number)
        ),
        "",
        f"    {view.code}",
        "",
        _("{program}: {reward}").format(program=view.program, reward=view.reward)
        if view.reward
        else view.program,
    ]
    if view.expiration_date is not None:
        lines.append(_("Valid until {day}.").format(day=fmt.day(view.expiration_date)))
    if link:
        lines += ["", _("Use it in the shop: {link}").format(link=link)]
    lines += ["", _("Best regards,")]
    return EmailDraft(
        recipients=recipients,
        missing=missing,
        subject=_("Your coupon {code} ({ref})").format(
            code=view.code, ref=fmt.ticket_ref(ticket.number)
        ),
        body="\n".join(lines),
    )
