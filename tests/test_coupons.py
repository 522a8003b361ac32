"""Coupons from a ticket: the programs offered, the codes generated, the share link, the email."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from aftersales_tui.db import Database
from aftersales_tui.models import (
    Coupon,
    CouponProgram,
    CouponState,
    Message,
    MessageKind,
    Partner,
    ProgramType,
    Ticket,
    TicketFollower,
)
from aftersales_tui.services import coupons, mail, tickets
from aftersales_tui.services.context import Context, frozen_clock
from aftersales_tui.services.coupons import CouponRequest
from aftersales_tui.services.directory import Choice
from aftersales_tui.services.errors import AfterSalesError

from . import factories as f
from .conftest import NOW, TODAY

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")

# --- builders ----------------------------------------------------------------------------


def program(
    db: Database,
    name: str = "10% Apology Coupon",
    kind: ProgramType = ProgramType.COUPONS,
    reward: str = "10% off the next order",
    active: bool = True,
    code: str | None = None,
) -> int:
    with db.write() as s:
        row = CouponProgram(name=name, program_type=kind, reward=reward, active=active, code=code)
        s.add(row)
        s.flush()
        return row.id or 0


def follower(db: Database, ticket_id: int, name: str, email: str | None) -> int:
    """A partner following the ticket (a contact, or an agent's partner)."""
    with db.write() as s:
        row = Partner(name=name, email=email)
        s.add(row)
        s.flush()
        s.add(TicketFollower(ticket_id=ticket_id, partner_id=row.id or 0))
        return row.id or 0


@dataclass(frozen=True)
class Desk:
    """A coupons team, a customer with an email, their ticket #7 and one coupons program."""

    db: Database
    team_id: int
    customer_id: int
    ticket_id: int
    program_id: int


@pytest.fixture
def desk(db: Database) -> Desk:
    team_id = f.team(db, use_coupons=True)
    customer_id = f.partner(db, "Azure Interior")
    return Desk(
        db=db,
        team_id=team_id,
        customer_id=customer_id,
        ticket_id=f.ticket(db, team_id, number=7, partner_id=customer_id),
        program_id=program(db),
    )


def at(moment: datetime) -> Context:
    return Context(user_id=None, clock=frozen_clock(moment), tz=UTC)


def stored(db: Database, coupon_id: int) -> Coupon:
    with db.read() as s:
        row = s.get(Coupon, coupon_id)
        assert row is not None
        return row


def ticket_log(db: Database, ticket_id: int) -> list[str]:
    """The ticket's chatter, oldest first."""
    return [m.body for m in reversed(tickets.history(db, ticket_id))]


def footprint(db: Database) -> tuple[Any, ...]:
    """Everything generating a coupon could write: coupons, messages, the tickets' dates."""
    with db.read() as s:
        return (
            [(c.id, c.code, c.state) for c in s.exec(select(Coupon).order_by(col(Coupon.id)))],
            s.exec(select(func.count()).select_from(Message)).one(),
            [(t.id, t.updated_at) for t in s.exec(select(Ticket).order_by(col(Ticket.id)))],
        )


def refuse(db: Database, ctx: Context, ticket_id: int, request: CouponRequest, field: str) -> str:
    """Generate, expect a refusal on ``field``, and check that nothing was written."""
    before = footprint(db)
    with pytest.raises(AfterSalesError) as caught:
        coupons.generate(db, ctx, ticket_id, request)
    assert caught.value.field == field, caught.value.message
    assert footprint(db) == before
    return caught.value.message


def codes(*values: str) -> Iterator[str]:
    yield from values


# --- what the modal offers ---------------------------------------------------------------


def test_only_active_programs_of_type_coupons_are_offered(desk: Desk, ctx: Context) -> None:
    program(desk.db, "Old Apology", active=False)
    program(desk.db, "Black Friday", ProgramType.PROMOTION, code="BLACKFRIDAY26")
    program(desk.db, "Gift Card", ProgramType.GIFT_CARD)
    program(desk.db, "Loyalty Points", ProgramType.LOYALTY)

    offer = coupons.defaults(desk.db, ctx, desk.ticket_id)

    assert offer.programs == (
        Choice(desk.program_id, "10% Apology Coupon — 10% off the next order"),
    )
    assert offer.program_id == desk.program_id  # the only one: chosen for the agent
    assert offer.valid_until is None
    assert offer.empty_reason is None
    assert offer.ticket_id == desk.ticket_id
    assert offer.ticket_ref == "#7"
    assert offer.customer == "Azure Interior"


def test_several_programs_are_listed_by_name_and_none_is_chosen(desk: Desk, ctx: Context) -> None:
    delivery = program(desk.db, "Free Delivery", reward="")

    offer = coupons.defaults(desk.db, ctx, desk.ticket_id)

    assert [c.id for c in offer.programs] == [desk.program_id, delivery]
    assert offer.programs[1].label == "Free Delivery"  # no reward, no dash
    assert offer.program_id is None
    assert offer.empty_reason is None
    assert offer.valid_until is None


def test_without_an_active_coupons_program_the_modal_says_why(db: Database, ctx: Context) -> None:
    program(db, "Old Apology", active=False)
    program(db, "Black Friday", ProgramType.PROMOTION)
    program(db, "Gift Card", ProgramType.GIFT_CARD)
    ticket_id = f.ticket(db, f.team(db), number=3)

    offer = coupons.defaults(db, ctx, ticket_id)

    assert offer.programs == ()
    assert offer.program_id is None
    assert offer.empty_reason is not None
    assert "Coupons" in offer.empty_reason
    assert offer.customer == ""


def test_defaults_of_a_missing_ticket_are_refused(db: Database, ctx: Context) -> None:
    with pytest.raises(AfterSalesError, match="no longer exists"):
        coupons.defaults(db, ctx, 404)


# --- the code ----------------------------------------------------------------------------


def test_a_code_is_crockford_base32_in_four_groups_of_at_least_64_bits() -> None:
    assert len(coupons.ALPHABET) == 32 == len(set(coupons.ALPHABET))
    assert not set("ILOU") & set(coupons.ALPHABET)
    assert coupons.GROUPS * coupons.GROUP_SIZE * 5 >= 64
    for _ in range(200):
        code = coupons.new_code()
        assert CODE.match(code), code
        assert len(code.replace("-", "")) * 5 == 80


def test_a_thousand_generated_codes_are_all_distinct(desk: Desk, ctx: Context) -> None:
    request = CouponRequest(desk.program_id)
    made = [coupons.generate(desk.db, ctx, desk.ticket_id, request).code for _ in range(1000)]

    assert len(set(made)) == 1000
    assert all(CODE.match(code) for code in made)
    assert len(coupons.for_ticket(desk.db, ctx, desk.ticket_id)) == 1000


def test_a_code_taken_by_a_coupon_or_a_program_is_drawn_again(
    desk: Desk, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    used_by_coupon, used_by_program, fresh = (
        "AAAA-AAAA-AAAA-AAAA",
        "BBBB-BBBB-BBBB-BBBB",
        "CCCC-CCCC-CCCC-CCCC",
    )
    monkeypatch.setattr(coupons, "new_code", codes(used_by_coupon).__next__)
    first = coupons.generate(desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id))
    assert first.code == used_by_coupon
    program(desk.db, "Summer Sale", ProgramType.PROMOTION, code=used_by_program)

    draws = codes(used_by_coupon, used_by_program, fresh)
    monkeypatch.setattr(coupons, "new_code", draws.__next__)
    second = coupons.generate(desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id))

    assert second.code == fresh
    assert next(draws, None) is None  # all three were drawn, in order
    assert stored(desk.db, second.id).code == fresh


def test_when_every_draw_is_taken_nothing_is_written(
    desk: Desk, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = "AAAA-AAAA-AAAA-AAAA"
    program(desk.db, "Summer Sale", ProgramType.PROMOTION, code=taken)
    monkeypatch.setattr(coupons, "new_code", lambda: taken)
    before = footprint(desk.db)

    with pytest.raises(AfterSalesError, match="try again"):
        coupons.generate(desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id))
    assert footprint(desk.db) == before


# --- generate ----------------------------------------------------------------------------


def test_the_coupon_is_reserved_for_the_ticket_customer(desk: Desk, ctx: Context) -> None:
    until = TODAY + timedelta(days=30)

    view = coupons.generate(desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id, until))

    row = stored(desk.db, view.id)
    assert CODE.match(row.code)
    assert (row.program_id, row.ticket_id, row.partner_id) == (
        desk.program_id,
        desk.ticket_id,
        desk.customer_id,
    )
    assert row.state == CouponState.VALID
    assert row.expiration_date == until
    assert row.created_at == NOW
    assert view.code == row.code
    assert view.program == "10% Apology Coupon"
    assert view.reward == "10% off the next order"
    assert view.customer == "Azure Interior"
    assert view.expiration_date == until
    assert view.state == CouponState.VALID
    assert view.ticket_id == desk.ticket_id
    assert coupons.load(desk.db, ctx, view.id) == view
    with desk.db.read() as s:
        ticket = s.get(Ticket, desk.ticket_id)
        assert ticket is not None
        assert ticket.updated_at == NOW


def test_without_valid_until_the_code_never_expires(desk: Desk, ctx: Context) -> None:
    view = coupons.generate(desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id))

    assert stored(desk.db, view.id).expiration_date is None
    assert view.expiration_date is None
    assert coupons.state_of(stored(desk.db, view.id), date(2099, 1, 1)) == CouponState.VALID
    assert ticket_log(desk.db, desk.ticket_id)[-1] == (
        f"Coupon {view.code} generated (10% Apology Coupon, never expires)"
    )


def test_the_chatter_names_the_code_the_program_and_the_date(desk: Desk, ctx: Context) -> None:
    until = date(2026, 12, 31)

    view = coupons.generate(desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id, until))

    entry = tickets.history(desk.db, desk.ticket_id)[0]
    assert (
        entry.body == f"Coupon {view.code} generated (10% Apology Coupon, valid until 2026-12-31)"
    )
    assert entry.kind == MessageKind.EVENT
    assert entry.created_at == NOW


def test_a_ticket_without_customer_gets_an_unreserved_coupon(desk: Desk, ctx: Context) -> None:
    anonymous = f.ticket(desk.db, desk.team_id, number=8)

    view = coupons.generate(desk.db, ctx, anonymous, CouponRequest(desk.program_id))

    assert stored(desk.db, view.id).partner_id is None
    assert view.customer == ""


def test_valid_until_today_is_accepted_and_yesterday_refused(desk: Desk, ctx: Context) -> None:
    yesterday = TODAY - timedelta(days=1)
    message = refuse(
        desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id, yesterday), "valid_until"
    )
    assert "past" in message

    view = coupons.generate(desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id, TODAY))
    assert view.expiration_date == TODAY
    assert view.state == CouponState.VALID


def test_today_is_the_agent_calendar_date(desk: Desk) -> None:
    """Late on the 22nd in UTC is already the 23rd in Tokyo: the 22nd is then in the past."""
    from zoneinfo import ZoneInfo

    tokyo = Context(
        user_id=None,
        clock=frozen_clock(datetime(2026, 11, 22, 20, 0, tzinfo=UTC)),
        tz=ZoneInfo("Asia/Tokyo"),
    )
    request = CouponRequest(desk.program_id, date(2026, 11, 22))
    refuse(desk.db, tokyo, desk.ticket_id, request, "valid_until")


@pytest.mark.parametrize("missing", [None, 0, 404])
def test_a_program_is_required(desk: Desk, ctx: Context, missing: int | None) -> None:
    message = refuse(desk.db, ctx, desk.ticket_id, CouponRequest(missing), "program_id")
    assert message == "Choose a coupon program"


@pytest.mark.parametrize(
    ("kind", "active"),
    [
        (ProgramType.COUPONS, False),
        (ProgramType.PROMOTION, True),
        (ProgramType.GIFT_CARD, True),
        (ProgramType.LOYALTY, True),
    ],
)
def test_only_an_active_coupons_program_generates(
    desk: Desk, ctx: Context, kind: ProgramType, active: bool
) -> None:
    other = program(desk.db, "Elsewhere", kind, active=active)

    message = refuse(desk.db, ctx, desk.ticket_id, CouponRequest(other), "program_id")

    assert "Elsewhere" in message


def test_a_missing_ticket_is_refused_and_nothing_written(desk: Desk, ctx: Context) -> None:
    before = footprint(desk.db)
    with pytest.raises(AfterSalesError, match="no longer exists"):
        coupons.generate(desk.db, ctx, 404, CouponRequest(desk.program_id))
    assert footprint(desk.db) == before


# --- state and the ticket's list ---------------------------------------------------------


def test_state_is_computed_from_the_expiry_date() -> None:
    def coupon(state: CouponState, until: date | None) -> Coupon:
        return Coupon(code="X", program_id=1, expiration_date=until, state=state, created_at=NOW)

    valid = coupon(CouponState.VALID, TODAY)
    assert coupons.state_of(valid, TODAY - timedelta(days=10)) == CouponState.VALID
    assert coupons.state_of(valid, TODAY) == CouponState.VALID  # the last day still counts
    assert coupons.state_of(valid, TODAY + timedelta(days=1)) == CouponState.EXPIRED
    forever = coupon(CouponState.VALID, None)
    assert coupons.state_of(forever, date(2999, 12, 31)) == CouponState.VALID
    used = coupon(CouponState.USED, TODAY)
    assert coupons.state_of(used, TODAY - timedelta(days=1)) == CouponState.USED
    assert coupons.state_of(used, TODAY + timedelta(days=1)) == CouponState.USED
    assert coupons.state_of(coupon(CouponState.USED, None), TODAY) == CouponState.USED


def test_for_ticket_lists_newest_first_with_the_computed_state(desk: Desk, ctx: Context) -> None:
    early, later = at(NOW - timedelta(days=20)), at(NOW - timedelta(days=2))
    request = CouponRequest(desk.program_id)
    oldest = coupons.generate(
        desk.db, early, desk.ticket_id, CouponRequest(desk.program_id, TODAY - timedelta(days=1))
    )
    used = coupons.generate(desk.db, later, desk.ticket_id, request)
    newest = coupons.generate(desk.db, ctx, desk.ticket_id, request)
    same_moment = coupons.generate(desk.db, ctx, desk.ticket_id, request)
    other_ticket = f.ticket(desk.db, desk.team_id, number=8, partner_id=desk.customer_id)
    coupons.generate(desk.db, ctx, other_ticket, request)
    with desk.db.write() as s:
        row = s.get(Coupon, used.id)
        assert row is not None
        row.state = CouponState.USED

    listed = coupons.for_ticket(desk.db, ctx, desk.ticket_id)

    assert [c.id for c in listed] == [same_moment.id, newest.id, used.id, oldest.id]
    assert [c.state for c in listed] == [
        CouponState.VALID,
        CouponState.VALID,
        CouponState.USED,
        CouponState.EXPIRED,
    ]
    assert stored(desk.db, oldest.id).state == CouponState.VALID  # computed, not written
    assert coupons.for_ticket(desk.db, ctx, 404) == []


def test_load_of_a_missing_coupon_is_refused(db: Database, ctx: Context) -> None:
    with pytest.raises(AfterSalesError, match="no longer exists"):
        coupons.load(db, ctx, 404)


# --- share link --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base", ["https://shop.example.com", "https://shop.example.com/", "https://shop.example.com//"]
)
def test_the_share_link_applies_the_code_in_the_shop(base: str) -> None:
    assert coupons.share_link(base, "7KQF-2M9X-4TPA-HC3D") == (
        "https://shop.example.com/coupon/7KQF-2M9X-4TPA-HC3D?r=/shop"
    )


def test_a_share_link_under_a_path_keeps_the_path() -> None:
    link = coupons.share_link("https://example.com/eshop/", "7KQF-2M9X-4TPA-HC3D")
    assert link == "https://example.com/eshop/coupon/7KQF-2M9X-4TPA-HC3D?r=/shop"


@pytest.mark.parametrize("base", [None, ""])
def test_without_a_shop_address_the_error_names_the_setting(base: str | None) -> None:
    with pytest.raises(AfterSalesError) as caught:
        coupons.share_link(base, "7KQF-2M9X-4TPA-HC3D")
    assert "[shop] base_url" in caught.value.message
    assert "settings" in caught.value.message


# --- the email ---------------------------------------------------------------------------


def test_the_email_goes_to_every_follower_with_an_address(desk: Desk, ctx: Context) -> None:
    follower(desk.db, desk.ticket_id, "Mia Lopez", "mia@aftersales.example.com")  # an agent
    follower(desk.db, desk.ticket_id, "Brandon Freeman", "brandon@example.com")
    follower(desk.db, desk.ticket_id, "Walk-in Client", None)
    follower(desk.db, desk.ticket_id, "Blank Address", "")
    f.partner(desk.db, "Deco Addict")  # has an email, does not follow the ticket
    view = coupons.generate(desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id))

    draft = coupons.email_draft(desk.db, ctx, view.id)

    assert draft.recipients == (
        "Azure Interior <azure@example.com>",
        "Brandon Freeman <brandon@example.com>",
        "Mia Lopez <mia@aftersales.example.com>",
    )
    assert draft.missing == ("Blank Address", "Walk-in Client")


def test_the_email_carries_the_code_program_date_and_link(desk: Desk, ctx: Context) -> None:
    until = date(2027, 1, 31)
    view = coupons.generate(desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id, until))
    link = coupons.share_link("https://shop.example.com", view.code)

    draft = coupons.email_draft(desk.db, ctx, view.id, link)

    assert view.code in draft.subject
    assert "#7" in draft.subject
    assert draft.body.startswith("Hello Azure Interior,")
    assert "#7" in draft.body
    assert f"    {view.code}" in draft.body.splitlines()
    assert "10% Apology Coupon: 10% off the next order" in draft.body
    assert "Valid until 2027-01-31." in draft.body
    assert f"Use it in the shop: {link}" in draft.body
    assert link == f"https://shop.example.com/coupon/{view.code}?r=/shop"


def test_without_a_date_or_link_the_email_does_not_mention_them(desk: Desk, ctx: Context) -> None:
    view = coupons.generate(desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id))

    draft = coupons.email_draft(desk.db, ctx, view.id)

    assert view.code in draft.body
    assert "10% Apology Coupon" in draft.body
    assert "Valid until" not in draft.body
    assert "valid until" not in draft.body.lower()
    assert "http" not in draft.body
    assert "shop:" not in draft.body


def test_the_email_of_a_ticket_without_customer_greets_anyway(desk: Desk, ctx: Context) -> None:
    anonymous = f.ticket(desk.db, desk.team_id, number=8)
    view = coupons.generate(desk.db, ctx, anonymous, CouponRequest(desk.program_id))

    draft = coupons.email_draft(desk.db, ctx, view.id)

    assert draft.recipients == ()
    assert draft.missing == ()
    assert draft.body.startswith("Hello there,")
    assert view.code in draft.subject
    assert "#8" in draft.subject


def test_the_recipients_are_accepted_by_the_compose_email(desk: Desk, ctx: Context) -> None:
    """Names with a comma, quotes or accents still make one valid recipient each."""
    follower(desk.db, desk.ticket_id, "Interior, Azure (billing)", "billing@example.com")
    follower(desk.db, desk.ticket_id, 'Chloé "Clo" Dubois', "chloe@example.com")
    view = coupons.generate(desk.db, ctx, desk.ticket_id, CouponRequest(desk.program_id))

    draft = coupons.email_draft(desk.db, ctx, view.id)

    assert len(draft.recipients) == 3
    assert mail.parse_recipients(draft.recipients) == list(draft.recipients)
    assert draft.recipients[0] == "Azure Interior <azure@example.com>"
    assert "Chloé" in draft.recipients[1]  # readable, not encoded


def test_the_email_of_a_missing_coupon_is_refused(desk: Desk, ctx: Context) -> None:
    with pytest.raises(AfterSalesError, match="no longer exists"):
        coupons.email_draft(desk.db, ctx, 404)
