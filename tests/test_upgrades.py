"""Databases made by earlier versions of the program open with today's, nothing lost.

The files in tests/schema_fixtures/ were built at schema versions 1 to 5 by
tests/schema_fixtures/make.py; each test opens a copy of one.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import col, select

from aftersales_tui import db as storage
from aftersales_tui.db import open_database
from aftersales_tui.models import (
    Coupon,
    Invoice,
    InvoiceState,
    Message,
    Picking,
    RepairOrder,
    Stage,
    Task,
    Ticket,
)
from aftersales_tui.services import Context, check, ticket_list
from aftersales_tui.services.ticket_list import TicketFilter, TicketSort

FIXTURES = Path(__file__).parent / "schema_fixtures"
OLD_VERSIONS = [m.version for m in storage.MIGRATIONS[:-1]]

# What make.py writes into every file, per table.
ROW_COUNTS = {
    "team": 1,
    "user": 2,
    "partner": 4,
    "product": 2,
    "lot": 1,
    "salesorder": 1,
    "salesorderline": 2,
    "picking": 2,
    "pickingline": 3,
    "invoice": 2,
    "invoiceline": 3,
    "ticket": 3,
    "ticketfollower": 2,
    "coupon": 1,
    "couponprogram": 1,
    "repairorder": 1,
    "repairline": 1,
    "task": 1,
    "message": 8,
}


def table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as raw:
        tables = [
            name
            for (name,) in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'ticket_fts%' "
                "AND name != 'schema_info' ORDER BY name"
            )
        ]
        counts = {t: raw.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    raw.close()
    return counts


def table_indexes(path: Path, table: str = "ticket") -> set[str]:
    with sqlite3.connect(path) as raw:
        names = {
            name
            for (name,) in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND name NOT LIKE 'sqlite_%'",
                (table,),
            )
        }
    raw.close()
    return names


def action_indexes(path: Path) -> dict[str, set[str]]:
    """The indexes of the tables whose lookups migration 6 indexed (without ``ext_ref``'s)."""
    tables = ("salesorder", "salesorderline", "invoiceline")
    return {t: {i for i in table_indexes(path, t) if not i.endswith("_ext_ref")} for t in tables}


OLD_ACTION_INDEXES = {
    "salesorder": {"ix_salesorder_partner_id", "ix_salesorder_ticket_id"},
    "salesorderline": {"ix_salesorderline_order_id", "ix_salesorderline_product_id"},
    "invoiceline": {"ix_invoiceline_invoice_id", "ix_invoiceline_product_id"},
}
NEW_ACTION_INDEXES = {
    "salesorder": {
        "ix_salesorder_partner_id",
        "ix_salesorder_ticket_id",
        "ix_salesorder_repair_id",
    },
    "salesorderline": {"ix_salesorderline_order_product", "ix_salesorderline_product_id"},
    "invoiceline": {"ix_invoiceline_invoice_product", "ix_invoiceline_product_id"},
}


def columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as raw:
        names = {row[1] for row in raw.execute(f'PRAGMA table_info("{table}")')}
    raw.close()
    return names


@pytest.fixture(params=OLD_VERSIONS, ids=lambda v: f"v{v}")
def old_copy(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[int, Path]:
    version: int = request.param
    copy = tmp_path / f"v{version}.db"
    shutil.copyfile(FIXTURES / f"v{version}.db", copy)
    return version, copy


def test_there_is_a_file_for_every_earlier_version() -> None:
    assert OLD_VERSIONS == [1, 2, 3, 4, 5]
    for version in OLD_VERSIONS:
        with sqlite3.connect(FIXTURES / f"v{version}.db") as raw:
            assert raw.execute("SELECT version FROM schema_info").fetchall() == [(version,)]
        raw.close()


def test_an_old_file_is_upgraded_with_every_row_kept(old_copy: tuple[int, Path]) -> None:
    version, path = old_copy
    before = table_counts(path)
    assert {t: before[t] for t in ROW_COUNTS} == ROW_COUNTS
    assert ("ix_ticket_stage_id" in table_indexes(path)) == (version < 4)
    assert ("ext_ref" in columns(path, "partner")) == (version >= 5)
    assert action_indexes(path) == OLD_ACTION_INDEXES

    database = open_database(str(path))
    try:
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version FROM schema_info").all() == [
                (storage.SCHEMA_VERSION,)
            ]
        with database.read() as s:
            tickets = s.exec(select(Ticket).order_by(col(Ticket.number))).all()
            assert [(t.number, t.title, t.stage, t.version) for t in tickets] == [
                (1001, "Chair arrived scratched", Stage.IN_PROGRESS, 1),
                (1002, "Desk wobbles at standing height", Stage.NEW, 1),
                (1003, "Where is my order?", Stage.SOLVED, 1),
            ]
            invoice, credit = s.exec(select(Invoice).order_by(col(Invoice.id))).all()
            assert (invoice.name, invoice.amount_total, invoice.auto_post) == (
                "INV/2026/00001",
                Decimal("700.00"),
                False,
            )
            assert (
                credit.name,
                credit.state,
                credit.reversed_entry_id,
                credit.amount_total,
                credit.ticket_id,
                credit.auto_post,
            ) == ("RINV/2026/00001", InvoiceState.POSTED, invoice.id, Decimal("100.00"), 1, False)
            delivery, receipt = s.exec(select(Picking).order_by(col(Picking.id))).all()
            assert (receipt.name, receipt.return_of_id, receipt.ticket_id) == (
                "WH/RET/00001",
                delivery.id,
                1,
            )
            coupon = s.exec(select(Coupon)).one()
            assert (coupon.code, coupon.expiration_date) == (
                "PFHA-MSP9-ENQK-2SDE",
                date(2026, 12, 31),
            )
            repair = s.exec(select(RepairOrder)).one()
            assert (repair.name, repair.lot_id, repair.ticket_id) == ("RO/00001", 1, 2)
            task = s.exec(select(Task)).one()
            assert (task.title, task.planned_date) == (
                "Desk wobbles at standing height",
                date(2026, 10, 14),
            )
            bodies = s.exec(select(Message.body).order_by(col(Message.id))).all()
            assert bodies[1] == "Refund RINV/2026/00001 created (posted) for INV/2026/00001"
        assert check.run(database) and all(r.ok for r in check.run(database))
    finally:
        database.dispose()

    assert table_counts(path) == before  # no row lost, none added
    indexes = table_indexes(path)
    assert "ix_ticket_stage_id" not in indexes
    assert {"ix_ticket_stage_number", "ix_ticket_title_number", "ix_ticket_ext_ref"} <= indexes
    assert {"ext_ref", "updated_at"} <= columns(path, "repairorder")
    assert action_indexes(path) == NEW_ACTION_INDEXES
    with sqlite3.connect(path) as raw:  # the external references are unique where set
        unique = raw.execute(
            "SELECT \"unique\" FROM pragma_index_list('partner') WHERE name = 'ix_partner_ext_ref'"
        ).fetchall()
    raw.close()
    assert unique == [(1,)]


def test_the_full_text_filter_finds_a_ticket_of_an_old_file(
    old_copy: tuple[int, Path], ctx: Context
) -> None:
    _version, path = old_copy
    database = open_database(str(path))
    try:
        found = ticket_list.load_page(
            database, ctx, TicketFilter(text="scratch"), TicketSort()
        ).rows
        assert [(r.number, r.customer) for r in found] == [(1001, "Azure Interior")]
        by_customer = ticket_list.load_page(
            database, ctx, TicketFilter(text="gemini"), TicketSort()
        ).rows
        assert [r.number for r in by_customer] == [1003]
    finally:
        database.dispose()


def test_a_second_open_does_nothing(old_copy: tuple[int, Path]) -> None:
    _version, path = old_copy
    open_database(str(path)).dispose()
    schema = sqlite3.connect(path)
    before = schema.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    schema.close()
    again = open_database(str(path))
    try:
        assert storage.upgrade(again.engine) == storage.SCHEMA_VERSION  # nothing left to do
    finally:
        again.dispose()
    schema = sqlite3.connect(path)
    after = schema.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    schema.close()
    assert after == before


def test_the_committed_files_are_left_as_they_are(old_copy: tuple[int, Path]) -> None:
    version, path = old_copy
    original = (FIXTURES / f"v{version}.db").read_bytes()
    open_database(str(path)).dispose()
    assert (FIXTURES / f"v{version}.db").read_bytes() == original
    assert not (FIXTURES / f"v{version}.db-wal").exists()


def test_a_new_file_has_the_indexes_an_old_one_is_upgraded_to(tmp_path: Path) -> None:
    open_database(str(tmp_path / "new.db")).dispose()
    assert action_indexes(tmp_path / "new.db") == NEW_ACTION_INDEXES
