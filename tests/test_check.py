"""`aftersales check`: a sound database passes; each kind of damage, planted with raw SQL,
is reported with the record's name."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from aftersales_tui.db import Database, open_database
from aftersales_tui.services import Context, check
from aftersales_tui.services.check import CheckResult

from .conftest import TODAY
from .test_cli import run

LABELS = [
    "Database file integrity",
    "Foreign keys",
    "No invoice refunded beyond its total",
    "No delivery returned beyond what was delivered",
    "Numbers and names used once",
    "Records made from a ticket are in its chatter",
    "Every receipt has a line",
    "Every credit note has a line",
    "Full-text index agrees with the tickets",
]


@contextmanager
def raw(database: Database) -> Iterator[sqlite3.Connection]:
    """Another program writing to the file behind the desk's back (foreign keys off)."""
    connection = sqlite3.connect(database.url.database or "", isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("BEGIN IMMEDIATE")
        yield connection
        connection.execute("COMMIT")
    finally:
        connection.close()


def problems(database: Database) -> dict[str, tuple[str, ...]]:
    """The failed checks and their violations."""
    return {r.label: r.problems for r in check.run(database) if not r.ok}


def without_unique(connection: sqlite3.Connection, table: str, constraint: str) -> None:
    """Rebuild ``table`` without one of its UNIQUE constraints, to plant a duplicate."""
    (sql,) = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    assert constraint in sql
    copy = sql.replace(constraint, "").replace(f"CREATE TABLE {table} ", "CREATE TABLE copy ", 1)
    connection.execute(copy)
    connection.execute(f"INSERT INTO copy SELECT * FROM {table}")
    connection.execute(f"DROP TABLE {table}")
    connection.execute(f"ALTER TABLE copy RENAME TO {table}")


# --- a sound database ---------------------------------------------------------------------


def test_the_demo_database_passes_every_check(demo_db: Database) -> None:
    results = check.run(demo_db)
    assert [r.label for r in results] == LABELS
    assert [r.problems for r in results] == [()] * len(LABELS)
    assert check.report_line(results[0]) == "Database file integrity: OK"


def test_a_generated_database_passes_every_check(tmp_path: Path, ctx: Context) -> None:
    from aftersales_tui.services.demo.generate import generate

    database = open_database(str(tmp_path / "generated.db"))
    try:
        generate(database, ctx, 400, TODAY, seed=3)
        assert problems(database) == {}
    finally:
        database.dispose()


def test_an_in_memory_database_runs_every_check(
    db: Database,
) -> None:
    results = check.run(db)  # SQLite in memory: every check runs
    assert all(not r.skipped and r.ok for r in results)


# --- each kind of damage -------------------------------------------------------------------


def test_an_over_refunded_invoice(demo_db: Database) -> None:
    with raw(demo_db) as c:  # the draft credit note of 1,240.00 now exceeds its invoice
        c.execute("UPDATE invoice SET amount_total = 1800 WHERE name = 'RINV/2026/00002'")
    assert problems(demo_db) == {
        "No invoice refunded beyond its total": (
            "INV/2026/00034: credit notes total 1,800.00 of 1,716.00",
        )
    }


def test_a_cancelled_credit_note_does_not_count(demo_db: Database) -> None:
    with raw(demo_db) as c:
        c.execute(
            "UPDATE invoice SET amount_total = 5000, state = 'cancelled' "
            "WHERE name = 'RINV/2026/00002'"
        )
    assert problems(demo_db) == {}


def test_an_over_returned_delivery(demo_db: Database) -> None:
    with raw(demo_db) as c:
        c.execute(
            "UPDATE pickingline SET quantity = 3 WHERE picking_id = "
            "(SELECT id FROM picking WHERE name = 'WH/RET/00001')"
        )
    assert problems(demo_db) == {
        "No delivery returned beyond what was delivered": (
            "WH/OUT/00033: Large Meeting Table returned 3 of 1 delivered",
        )
    }
    with raw(demo_db) as c:  # a cancelled return gives the goods back
        c.execute("UPDATE picking SET state = 'cancelled' WHERE name = 'WH/RET/00001'")
    assert problems(demo_db) == {}


@pytest.mark.parametrize(
    ("table", "column", "name", "message"),
    [
        ("picking", "name", "WH/RET/00004", "transfer WH/RET/00004 is used 2 times"),
        (
            "invoice",
            "name",
            "INV/2026/00030",
            "invoice or credit note INV/2026/00030 is used 2 times",
        ),
        ("repairorder", "name", "RO/00002", "repair RO/00002 is used 2 times"),
    ],
)
def test_a_name_used_twice(
    demo_db: Database, table: str, column: str, name: str, message: str
) -> None:
    with raw(demo_db) as c:
        without_unique(c, table, f"UNIQUE ({column}), ")
        columns = [row[1] for row in c.execute(f"PRAGMA table_info({table})") if row[1] != "id"]
        listed = ", ".join(columns)
        c.execute(
            f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {table} WHERE {column} = ?",
            (name,),
        )
    found = problems(demo_db)
    assert found["Numbers and names used once"] == (message,)


def test_a_ticket_number_used_twice(demo_db: Database) -> None:
    with raw(demo_db) as c:
        c.execute("DROP TRIGGER ticket_fts_customer")  # it names the table rebuilt here
        without_unique(c, "ticket", "UNIQUE (number), ")
        columns = [row[1] for row in c.execute("PRAGMA table_info(ticket)") if row[1] != "id"]
        listed = ", ".join(columns)
        c.execute(f"INSERT INTO ticket ({listed}) SELECT {listed} FROM ticket WHERE number = 1038")
    found = problems(demo_db)
    assert found["Numbers and names used once"] == ("ticket number 1038 is used 2 times",)


@pytest.mark.parametrize(
    ("table", "named", "name", "number", "what"),
    [
        ("invoice", "name", "RINV/2026/00001", 1033, "credit note"),
        ("picking", "name", "WH/RET/00002", 1055, "return"),
        ("repairorder", "name", "RO/00003", 1080, "repair"),
        ("task", "title", "Office fridge not cooling", 1095, "field service task"),
        ("coupon", "code", "FQRG-6BV4-8MQY-3FCC", 1063, "coupon"),
    ],
)
def test_a_record_made_from_a_ticket_without_its_chatter_message(
    demo_db: Database, table: str, named: str, name: str, number: int, what: str
) -> None:
    with raw(demo_db) as c:
        deleted = c.execute(
            "DELETE FROM message WHERE model = 'ticket' "
            "AND res_id = (SELECT id FROM ticket WHERE number = ?) AND instr(body, ?) > 0",
            (number, name),
        ).rowcount
    assert deleted >= 1
    assert problems(demo_db) == {
        "Records made from a ticket are in its chatter": (
            f"{what} {name} has no message on ticket #{number}",
        )
    }


def test_a_message_on_another_ticket_does_not_count(demo_db: Database) -> None:
    with raw(demo_db) as c:
        c.execute(
            "UPDATE message SET res_id = (SELECT id FROM ticket WHERE number = 1038) "
            "WHERE model = 'ticket' AND instr(body, 'RO/00004') > 0"
        )
    assert problems(demo_db) == {
        "Records made from a ticket are in its chatter": (
            "repair RO/00004 has no message on ticket #1042",
        )
    }


def test_a_receipt_without_lines(demo_db: Database) -> None:
    with raw(demo_db) as c:
        c.execute(
            "DELETE FROM pickingline WHERE picking_id = "
            "(SELECT id FROM picking WHERE name = 'WH/RET/00004')"
        )
    assert problems(demo_db) == {"Every receipt has a line": ("receipt WH/RET/00004 has no line",)}


def test_a_credit_note_without_lines(demo_db: Database) -> None:
    with raw(demo_db) as c:
        c.execute(
            "DELETE FROM invoiceline WHERE invoice_id = "
            "(SELECT id FROM invoice WHERE name = 'RSHOP/2026/00001')"
        )
    assert problems(demo_db) == {
        "Every credit note has a line": ("credit note RSHOP/2026/00001 has no line",)
    }


def test_a_ticket_missing_from_the_full_text_index(demo_db: Database) -> None:
    with raw(demo_db) as c:
        c.execute("DELETE FROM ticket_fts WHERE rowid = 1038")
    assert problems(demo_db) == {
        "Full-text index agrees with the tickets": ("ticket #1038 is missing from the index",)
    }


def test_a_stale_or_extra_row_in_the_full_text_index(demo_db: Database) -> None:
    with raw(demo_db) as c:
        c.execute("UPDATE ticket_fts SET title = 'something else' WHERE rowid = 1040")
        c.execute(
            "INSERT INTO ticket_fts (rowid, number, title, customer, description) "
            "VALUES (99999, '99999', 'ghost', '', '')"
        )
    assert problems(demo_db) == {
        "Full-text index agrees with the tickets": (
            "the index holds ticket #99999, which does not exist",
            "ticket #1040 is indexed with other text than it has",
        )
    }


def test_a_broken_foreign_key(demo_db: Database) -> None:
    with raw(demo_db) as c:
        (ident,) = c.execute("SELECT id FROM ticket WHERE number = 1038").fetchone()
        c.execute("UPDATE ticket SET team_id = 9999 WHERE number = 1038")
    assert problems(demo_db) == {
        "Foreign keys": (f"ticket row {ident} refers to a missing team",),
    }


def test_a_damaged_index_fails_the_integrity_check(demo_db: Database) -> None:
    with raw(demo_db) as c:  # the index no longer matches its table
        c.execute("PRAGMA writable_schema=ON")
        c.execute(
            "UPDATE sqlite_master SET sql = replace(sql, '(partner_id)', '(location_id)') "
            "WHERE name = 'ix_picking_partner_id'"
        )
    reopened = open_database(demo_db.url.database)  # the schema as now written
    try:
        found = problems(reopened)
    finally:
        reopened.dispose()
    assert list(found) == ["Database file integrity"]
    assert any("ix_picking_partner_id" in line for line in found["Database file integrity"])


# --- the report ----------------------------------------------------------------------------


def test_report_lines() -> None:
    assert check.report_line(CheckResult("Foreign keys")) == "Foreign keys: OK"
    assert (
        check.report_line(CheckResult("Foreign keys", skipped=True))
        == "Foreign keys: skipped (not on this database)"
    )
    many = tuple(f"p{n}" for n in range(23))
    assert check.report_line(CheckResult("X", many)) == (
        "X: FAILED: " + "; ".join(many[:20]) + "; and 3 more"
    )


# --- the command line ------------------------------------------------------------------------


def test_check_on_a_sound_database_exits_0(demo_db: Database) -> None:
    path = demo_db.url.database or ""
    result = run("check", "--db", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{label}: OK" for label in LABELS] + [
        "All checks passed"
    ]


def test_check_reports_a_violation_by_name_and_exits_1(demo_db: Database) -> None:
    with raw(demo_db) as c:
        c.execute(
            "DELETE FROM invoiceline WHERE invoice_id = "
            "(SELECT id FROM invoice WHERE name = 'RSHOP/2026/00001')"
        )
    result = run("check", "--db", demo_db.url.database or "")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "Every credit note has a line: FAILED: credit note RSHOP/2026/00001 has no line" in lines
    assert lines[-1] == "1 of 9 checks failed"


def test_check_on_a_database_that_cannot_be_opened_exits_2(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 100)
    result = run("check", "--db", str(garbage))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"aftersales: Not a database file: {garbage}"]
