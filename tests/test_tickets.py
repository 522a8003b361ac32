"""Ticket services: list, filters, sorting, paging, create, edit, notes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales_tui.db import Database
from aftersales_tui.models import Priority, Stage, Tracking
from aftersales_tui.services import AfterSalesError, Context, tickets
from aftersales_tui.services import ticket_list as tl
from aftersales_tui.services.context import frozen_clock

from . import factories as f
from .conftest import NOW


@pytest.fixture
def desk(db: Database) -> dict[str, int]:
    support = f.team(db, "Support")
    field = f.team(db, "Field")
    azure = f.partner(db, "Azure Interior")
    deco = f.partner(db, "Deco Addict")
    mia = f.agent(db, "mia", "Mia Lopez")
    f.ticket(db, support, 1, "Printer jams after firmware", azure, timedelta(days=3), user_id=mia)
    f.ticket(db, support, 2, "Refund for damaged chair", deco, timedelta(days=2))
    f.ticket(
        db, field, 3, "Lamp broken", deco, timedelta(days=1), description="arrived with a PRINTER"
    )
    return {"support": support, "field": field, "azure": azure, "deco": deco, "mia": mia}


def numbers(db: Database, ctx: Context, flt: tl.TicketFilter, sort: tl.TicketSort) -> list[int]:
    return [r.number for r in tl.load_page(db, ctx, flt, sort).rows]


def test_filter_matches_title_description_customer_and_number(
    db: Database, ctx: Context, desk: dict[str, int]
) -> None:
    sort = tl.TicketSort(tl.SortKey.NUMBER, descending=False)
    assert numbers(db, ctx, tl.TicketFilter(text="printer"), sort) == [1, 3]
    assert numbers(db, ctx, tl.TicketFilter(text="deco"), sort) == [2, 3]
    assert numbers(db, ctx, tl.TicketFilter(text="#2"), sort) == [2]
    assert numbers(db, ctx, tl.TicketFilter(text="nothing like it"), sort) == []


def test_quick_filters(db: Database, ctx: Context, desk: dict[str, int]) -> None:
    me = ctx.as_user(desk["mia"])
    sort = tl.TicketSort(tl.SortKey.NUMBER, descending=False)
    assert numbers(db, me, tl.TicketFilter(mine=True), sort) == [1]
    assert numbers(db, me, tl.TicketFilter(unassigned=True), sort) == [2, 3]
    assert numbers(db, me, tl.TicketFilter(team_id=desk["field"]), sort) == [3]
    assert numbers(db, me, tl.TicketFilter(stage=Stage.NEW, text="chair"), sort) == [2]
    assert numbers(db, me, tl.TicketFilter(stage=Stage.SOLVED), sort) == []


def test_sorting_and_direction(db: Database, ctx: Context, desk: dict[str, int]) -> None:
    assert numbers(db, ctx, tl.TicketFilter(), tl.TicketSort()) == [3, 2, 1]
    by_title = tl.TicketSort(tl.SortKey.TITLE, descending=False)
    assert numbers(db, ctx, tl.TicketFilter(), by_title) == [3, 1, 2]
    assert tl.TicketSort(tl.SortKey.TITLE).toggled(tl.SortKey.TITLE).descending is False
    by_age = tl.TicketSort(tl.SortKey.AGE, descending=True)
    assert numbers(db, ctx, tl.TicketFilter(), by_age) == [3, 2, 1]
    by_priority = tl.TicketSort(tl.SortKey.PRIORITY, descending=True)
    assert numbers(db, ctx, tl.TicketFilter(), by_priority) == [3, 2, 1]  # all low: by number


def test_pages_never_read_more_than_asked(db: Database, ctx: Context) -> None:
    team = f.team(db)
    for n in range(1, 26):
        f.ticket(db, team, n, f"Ticket {n}")
    sort = tl.TicketSort(tl.SortKey.NUMBER, descending=False)
    page = tl.load_page(db, ctx, tl.TicketFilter(), sort, offset=10, limit=5)
    assert [r.number for r in page.rows] == [11, 12, 13, 14, 15]
    assert page.total == 25


def test_create_numbers_tickets_and_makes_the_customer_follow(
    db: Database, ctx: Context, desk: dict[str, int]
) -> None:
    me = ctx.as_user(desk["mia"])
    created = tickets.create(
        db,
        me,
        tickets.TicketFields(
            title="  Wobbly table  ", team_id=desk["support"], partner_id=desk["azure"]
        ),
    )
    assert created.number == 4  # numbering continues after the tickets already there
    assert created.title == "Wobbly table"
    assert created.followers == ("Azure Interior",)
    history = tickets.history(db, created.id)
    assert [e.body for e in history] == ["Ticket created"]
    assert history[0].author == "Mia Lopez"
    second = tickets.create(db, me, tickets.TicketFields(title="x", team_id=desk["support"]))
    assert second.number == 5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"team_id": None}, "team_id"),
        ({"team_id": 999}, "team_id"),
        ({"partner_id": 999}, "partner_id"),
        ({"user_id": 999}, "user_id"),
    ],
)
def test_create_refuses_bad_fields_and_writes_nothing(
    db: Database, ctx: Context, desk: dict[str, int], changes: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {"title": "ok", "team_id": desk["support"]} | changes
    with pytest.raises(AfterSalesError) as err:
        tickets.create(db, ctx, tickets.TicketFields(**values))  # type: ignore[arg-type]
    assert err.value.field == field
    assert tl.load_page(db, ctx, tl.TicketFilter(), tl.TicketSort()).total == 3


def test_lot_must_belong_to_the_product_and_order_to_the_customer(
    db: Database, ctx: Context, desk: dict[str, int]
) -> None:
    from aftersales_tui.models import Lot

    printer = f.product(db, "Printer", Tracking.SERIAL)
    chair = f.product(db, "Chair")
    with db.write() as s:
        lot = Lot(name="SN-1", product_id=printer)
        s.add(lot)
        s.flush()
        lot_id = lot.id
    base = {"title": "t", "team_id": desk["support"], "partner_id": desk["azure"]}
    with pytest.raises(AfterSalesError) as err:
        tickets.create(db, ctx, tickets.TicketFields(**base, product_id=chair, lot_id=lot_id))  # type: ignore[arg-type]
    assert err.value.field == "lot_id"
    deco_order = f.order(db, desk["deco"], "S00009")
    with pytest.raises(AfterSalesError, match="S00009 belongs to another customer") as err:
        tickets.create(db, ctx, tickets.TicketFields(**base, sale_order_id=deco_order))  # type: ignore[arg-type]
    assert err.value.field == "sale_order_id"
    ok = tickets.create(db, ctx, tickets.TicketFields(**base, product_id=printer, lot_id=lot_id))  # type: ignore[arg-type]
    assert ok.lot == "SN-1"


def test_update_logs_changes_and_bumps_the_version(
    db: Database, ctx: Context, desk: dict[str, int]
) -> None:
    ticket_id = tl.load_page(db, ctx, tl.TicketFilter(text="#2"), tl.TicketSort()).rows[0].id
    before = tickets.load(db, ticket_id)
    fields = tickets.fields_of(before)
    later = Context(user_id=desk["mia"], clock=frozen_clock(NOW + timedelta(hours=1)), tz=ctx.tz)
    after = tickets.update(
        db,
        later,
        ticket_id,
        fields.__class__(
            **{**fields.__dict__, "stage": Stage.IN_PROGRESS, "priority": Priority.HIGH}
        ),
        before.version,
    )
    assert after.version == before.version + 1
    assert after.updated_at == NOW + timedelta(hours=1)
    body = tickets.history(db, ticket_id)[0].body
    assert "Stage: New → In Progress" in body
    assert "Priority: Low → High" in body


def test_update_over_a_newer_version_is_refused(
    db: Database, ctx: Context, desk: dict[str, int]
) -> None:
    ticket_id = tl.load_page(db, ctx, tl.TicketFilter(text="#1"), tl.TicketSort()).rows[0].id
    opened = tickets.load(db, ticket_id)
    fields = tickets.fields_of(opened)
    tickets.update(
        db, ctx, ticket_id, fields.__class__(**{**fields.__dict__, "title": "A"}), opened.version
    )
    with pytest.raises(AfterSalesError, match="changed by someone else"):
        tickets.update(
            db,
            ctx,
            ticket_id,
            fields.__class__(**{**fields.__dict__, "title": "B"}),
            opened.version,
        )
    assert tickets.load(db, ticket_id).title == "A"


def test_log_note(db: Database, ctx: Context, desk: dict[str, int]) -> None:
    ticket_id = tl.load_page(db, ctx, tl.TicketFilter(text="#1"), tl.TicketSort()).rows[0].id
    with pytest.raises(AfterSalesError) as err:
        tickets.log_note(db, ctx, ticket_id, "   ")
    assert err.value.field == "body"
    tickets.log_note(db, ctx.as_user(desk["mia"]), ticket_id, "Called the customer")
    entry = tickets.history(db, ticket_id)[0]
    assert (entry.body, entry.author, entry.kind.value) == (
        "Called the customer",
        "Mia Lopez",
        "note",
    )


def test_missing_ticket_is_a_clear_error(db: Database) -> None:
    with pytest.raises(AfterSalesError, match="no longer exists"):
        tickets.load(db, 12345)
