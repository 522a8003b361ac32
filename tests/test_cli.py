"""The command line: version, help, and one clear line (exit 2) for every unusable database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from aftersales_tui import __version__
from aftersales_tui.db import SCHEMA_VERSION, open_database


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aftersales_tui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aftersales: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_version_and_help() -> None:
    version = run("--version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"aftersales {__version__}"
    usage = run("--help")
    assert usage.returncode == 0
    for option in ("--db", "--user", "--theme", "--no-mouse", "demo"):
        assert option in usage.stdout
    demo = run("demo", "--help")
    assert demo.returncode == 0 and "--reset" in demo.stdout


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are not the tables you are looking for\n" * 200)
    assert_one_clear_line(run("--db", str(path)), "Not a database file")


def test_a_database_of_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_database(str(path)).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_info SET version = ?", (SCHEMA_VERSION + 1,))
    assert_one_clear_line(run("--db", str(path)), "newer")


def test_a_missing_folder_and_a_bad_url(tmp_path: Path) -> None:
    assert_one_clear_line(run("--db", str(tmp_path / "nowhere" / "desk.db")), "does not exist")
    assert_one_clear_line(
        run(env={"AFTERSALES_DB": "postgresql://agent:s3cret@host:port/desk"}),
        "Bad database URL",
    )


def test_an_unknown_agent(tmp_path: Path) -> None:
    result = run("demo", "--db", str(tmp_path / "demo.db"), "--user", "nobody")
    assert_one_clear_line(result, "No agent with login nobody")
    assert "mia" in result.stderr


@pytest.mark.parametrize("args", [("--db",), ("demo", "--reset", "extra")])
def test_bad_arguments_exit_2(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_post_due_posts_the_scheduled_credit_notes(tmp_path: Path) -> None:
    from datetime import timedelta

    from aftersales_tui.models import Invoice, InvoiceState
    from aftersales_tui.services import demo, refunds
    from aftersales_tui.services.context import Context
    from aftersales_tui.services.refunds import RefundMode, RefundRequest

    path = tmp_path / "desk.db"
    database = open_database(str(path))
    ctx = Context()
    demo.load_demo(database, ctx)
    with database.read() as session:
        from sqlmodel import select

        from aftersales_tui.models import Ticket

        ticket = session.exec(select(Ticket).where(Ticket.number == 1120)).one()
    offer = refunds.defaults(database, ctx, ticket.id or 0)
    result = refunds.create_refund(
        database,
        ctx,
        ticket.id or 0,
        RefundRequest(
            offer.invoice_ids,
            offer.reason,
            offer.journal_id,
            ctx.today() + timedelta(days=2),
            RefundMode.REVERSE,
            offer.scope,
        ),
    )
    with database.write() as session:  # the scheduled date has come
        credit = session.get(Invoice, result.credit_note_ids[0])
        assert credit is not None
        credit.auto_post = True
        credit.invoice_date = ctx.today()
    database.dispose()
    first = run("post-due", "--db", str(path))
    assert first.returncode == 0, first.stderr
    assert result.credit_note_names[0] in first.stdout
    second = run("post-due", "--db", str(path))
    assert "No scheduled credit note is due" in second.stdout
    again = open_database(str(path))
    with again.read() as session:
        credit = session.get(Invoice, result.credit_note_ids[0])
        assert credit is not None and credit.state == InvoiceState.POSTED
    again.dispose()
