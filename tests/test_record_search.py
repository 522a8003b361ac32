"""Customers and lots are found by the start of their name, through an index, at most 20 at
a time; the offers of the after-sales actions carry only the chosen customer and lot, never
the list of them (which grows with the database)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields

import pytest
from sqlalchemy import event, text
from sqlmodel import col, select

from aftersales_tui import bench_actions
from aftersales_tui.db import Database, open_database
from aftersales_tui.models import Lot, Partner, Tracking, User
from aftersales_tui.services import Context, directory, field_service, refunds, repairs
from aftersales_tui.services.demo.generate import generate
from aftersales_tui.services.directory import PICK_LIMIT, Choice

from . import factories as f
from .accounting_builders import lot
from .conftest import TODAY
from .test_action_plans import REFERENCE_TABLES, plans


@pytest.fixture(scope="module")
def gdb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A generated database: 3,000 tickets, 120 customers, a few hundred lots a product."""
    database = open_database(str(tmp_path_factory.mktemp("search") / "generated.db"))
    generate(database, Context(), 3_000, TODAY, seed=5)
    yield database
    database.dispose()


def _customers(db: Database) -> list[Choice]:
    """Every customer, by name (what the pickers used to offer)."""
    with db.read() as session:
        agents = set(session.exec(select(User.partner_id)).all())
        rows = session.exec(select(Partner).order_by(col(Partner.name), col(Partner.id))).all()
        return [Choice(p.id or 0, p.name) for p in rows if p.id not in agents]


def _busiest_product(db: Database) -> tuple[int, list[str]]:
    with db.read() as session:
        product_id = session.exec(
            text("SELECT product_id FROM lot GROUP BY product_id ORDER BY count(*) DESC LIMIT 1")
        ).one()[0]
        names = session.exec(select(Lot.name).where(Lot.product_id == product_id)).all()
        return product_id, list(names)


# --- the searches --------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["a", "AD", "mar", "  ad  "])
def test_customers_starting_with_what_was_typed_in_any_case(gdb: Database, typed: str) -> None:
    everyone = _customers(gdb)
    expected = [c for c in everyone if c.label.lower().startswith(typed.strip().lower())]
    assert expected, "the generated names should start with these letters"

    found = directory.find_customers(gdb, typed)

    assert len(found) == min(PICK_LIMIT, len(expected))
    assert all(c.label.lower().startswith(typed.strip().lower()) for c in found)
    assert [c.label for c in found] == sorted(c.label for c in found)
    assert [c.label for c in found] == [c.label for c in expected[: len(found)]]


def test_nothing_typed_offers_the_first_customers_by_name(gdb: Database) -> None:
    found = directory.find_customers(gdb, "")
    assert [c.label for c in found] == [c.label for c in _customers(gdb)[:PICK_LIMIT]]


def test_a_prefix_that_no_customer_has_finds_nothing(gdb: Database) -> None:
    assert directory.find_customers(gdb, "zzq") == []
    assert directory.find_customers(gdb, "%") == []  # a wildcard is a letter like any other


def test_lots_of_the_product_only(gdb: Database) -> None:
    product_id, names = _busiest_product(gdb)
    assert len(names) > PICK_LIMIT
    prefix = sorted(names)[PICK_LIMIT][:5].lower()  # e.g. "sn-00"
    expected = sorted(n for n in names if n.lower().startswith(prefix))

    found = directory.find_lots(gdb, product_id, prefix)

    assert [c.label for c in found] == expected[:PICK_LIMIT]
    with gdb.read() as session:
        for choice in found:
            row = session.get(Lot, choice.id)
            assert row is not None and row.product_id == product_id
    assert directory.find_lots(gdb, product_id, "zz") == []
    assert directory.find_lots(gdb, None, "") == []


def test_wildcards_and_agents(db: Database) -> None:
    f.agent(db, "ana", "Ana Agent")
    pure = f.partner(db, "100%_Pure")
    f.partner(db, "1000 Tables")
    f.partner(db, "10 x Chairs")
    assert directory.find_customers(db, "100%") == [Choice(pure, "100%_Pure")]
    assert [c.label for c in directory.find_customers(db, "10_")] == []
    assert [c.label for c in directory.find_customers(db, "100")] == ["100%_Pure", "1000 Tables"]
    assert directory.find_customers(db, "ana") == []  # an agent's own contact is no customer


def test_lot_labels_and_the_rule_that_a_lot_is_the_products(db: Database) -> None:
    printer = f.product(db, "Printer", tracking=Tracking.SERIAL)
    scanner = f.product(db, "Scanner", tracking=Tracking.SERIAL)
    sn = lot(db, printer, "sn-7")
    other = lot(db, scanner, "SN-8")
    assert directory.find_lots(db, printer, "SN") == [Choice(sn, "sn-7")]
    assert directory.chosen_lot(db, printer, sn) == Choice(sn, "sn-7")
    assert directory.chosen_lot(db, printer, other) is None


def _search_plans(db: Database, search: object) -> list[str]:
    statements: list[tuple[str, object]] = []

    def note(_c: object, _cur: object, statement: str, params: object, *_rest: object) -> None:
        if statement.lstrip().startswith("SELECT"):
            statements.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert callable(search)
        search()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    with db.engine.connect() as conn:
        return [
            "\n".join(
                str(r[3])
                for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {s}", p).all()  # type: ignore[arg-type]
            )
            for s, p in statements
        ]


def test_the_searches_read_ranges_of_the_name_indexes(gdb: Database) -> None:
    product_id, _names = _busiest_product(gdb)
    (customers,) = _search_plans(gdb, lambda: directory.find_customers(gdb, "mar"))
    assert "SEARCH partner USING COVERING INDEX ix_partner_name (name>? AND name<?)" in customers, (
        customers
    )
    assert "SCAN partner" not in customers
    (lots,) = _search_plans(gdb, lambda: directory.find_lots(gdb, product_id, "sn-1"))
    index = "sqlite_autoindex_lot_1 (product_id=? AND name>? AND name<?)"
    assert f"SEARCH lot USING COVERING INDEX {index}" in lots, lots
    assert "SCAN lot" not in lots


# --- the offers ------------------------------------------------------------------------------


def _offers(db: Database) -> list[object]:
    ctx = Context()
    found: list[object] = []
    for ticket_id in bench_actions._tickets(db, "use_refunds")[:3]:  # noqa: SLF001
        found.append(lambda t=ticket_id: refunds.defaults(db, ctx, t))
    for ticket_id in bench_actions._tickets(db, "use_repairs")[:3]:  # noqa: SLF001
        found.append(lambda t=ticket_id: repairs.defaults(db, ctx, t))
    for ticket_id in bench_actions._tickets(db, "use_field_service")[:3]:  # noqa: SLF001
        found.append(lambda t=ticket_id: field_service.defaults(db, ctx, t))
    assert len(found) == 9
    return found


def test_the_offers_carry_the_chosen_customer_and_lot_not_the_lists(gdb: Database) -> None:
    customers = set(_customers(gdb))
    assert len(customers) >= 100
    for make in _offers(gdb):
        assert callable(make)
        offer = make()
        offered: set[Choice] = set()
        for field in fields(offer):  # type: ignore[arg-type]
            value = getattr(offer, field.name)
            if isinstance(value, tuple):
                offered |= {c for c in value if isinstance(c, Choice)}
        assert not offered & customers, type(offer).__name__
        assert not hasattr(offer, "customers") and not hasattr(offer, "lots")


def test_building_an_offer_reads_no_growing_table_whole(gdb: Database) -> None:
    for make in _offers(gdb):
        assert callable(make)
        for statement, plan in plans(gdb, make).items():
            for line in plan.splitlines():
                if line.startswith("SCAN "):
                    assert line.split()[1] in REFERENCE_TABLES, f"{statement}\n{plan}"
