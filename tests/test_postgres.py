"""The desk on a PostgreSQL server: errors in one line, the write lock, lost connections.

The tests that need a server run when ``AFTERSALES_TEST_PG`` names one (``.ci/run`` starts a
throwaway cluster); the rest of the suite runs on it too with ``AFTERSALES_TEST_BACKEND``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlmodel import select

from aftersales_tui.db import ConnectionLost, Database, DatabaseBusy, StorageError, open_database
from aftersales_tui.models import Team
from aftersales_tui.services import Context, check, ticket_list
from aftersales_tui.services.demo import load_demo

from . import factories as f
from . import pg_server
from .conftest import TODAY

LOST = "The connection to the database was lost: nothing was saved, try again"


@pytest.fixture
def server_db() -> Iterator[Database]:
    pg_server.require_server()
    with pg_server.opened() as database:
        yield database


def teams(db: Database) -> list[str]:
    with db.read() as session:
        return list(session.exec(select(Team.name).order_by(Team.name)))


def admin(db: Database, statement: str, **params: Any) -> Any:
    """Run ``statement`` on a connection of its own (another agent, or the server's admin)."""
    url = db.url
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True
    ) as conn:
        cursor = conn.execute(statement, params)  # type: ignore[call-overload]
        return cursor.fetchall() if cursor.description else None


def backend_pid(session: Any) -> int:
    return int(session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


# --- one clear line when the server cannot be used ---------------------------------------


def test_an_unreachable_server_is_one_line_naming_it() -> None:
    url = "postgresql+psycopg://desk@127.0.0.1:1/desk"
    with pytest.raises(StorageError) as refused:
        open_database(url)
    message = str(refused.value)
    assert message.startswith("Cannot reach the database server 127.0.0.1:1: ")
    assert "\n" not in message


def test_a_missing_database_says_how_to_create_it() -> None:
    url = pg_server.require_server().set(database="no_such_desk")
    with pytest.raises(StorageError) as refused:
        open_database(url)
    server = f"{url.host}:{url.port}"
    assert str(refused.value) == (
        f"The database no_such_desk does not exist on {server}: "
        "create it first (createdb no_such_desk)"
    )


def test_an_unknown_login_is_refused_in_one_line_without_the_password() -> None:
    url = pg_server.require_server().set(username="nobody_here", password="s3cret")
    with pytest.raises(StorageError) as refused:
        open_database(url.set(database="postgres"))
    message = str(refused.value)
    assert message.startswith(
        f"The database server {url.host}:{url.port} refused the login of nobody_here: "
    )
    assert "s3cret" not in message
    assert "\n" not in message


def test_without_the_driver_the_message_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_psycopg(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "psycopg" or name.startswith("psycopg."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(StorageError) as refused:
        open_database("postgresql+psycopg://desk@127.0.0.1:1/desk")
    assert str(refused.value) == (
        "No driver installed for postgresql databases: pip install 'aftersales-tui[postgres]'"
    )


# --- schema and migrations -------------------------------------------------------------


def test_a_new_database_gets_the_schema_once_and_opens_again_unchanged(
    server_db: Database,
) -> None:
    from aftersales_tui.db import SCHEMA_VERSION

    again = open_database(server_db.url)
    again.dispose()
    assert admin(server_db, "SELECT version FROM schema_info") == [(SCHEMA_VERSION,)]


def test_two_hosts_creating_the_schema_at_once_both_open_it() -> None:
    with pg_server.database("empty") as url:
        errors: list[BaseException] = []

        def open_it() -> None:
            try:
                open_database(url).dispose()
            except BaseException as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []


def test_a_sqlite_file_created_after_a_server_schema_keeps_every_foreign_key(
    tmp_path: Path,
) -> None:
    import sqlite3

    with pg_server.database("empty") as url:
        open_database(url).dispose()  # creates the tables, circles of references included
    open_database(str(tmp_path / "after.db")).dispose()
    with sqlite3.connect(tmp_path / "after.db") as conn:
        keys = conn.execute("SELECT \"table\" FROM pragma_foreign_key_list('ticket')").fetchall()
    assert sorted(k[0] for k in keys) == [
        "lot", "partner", "product", "salesorder", "team", "user"
    ]  # fmt: skip


def taken_back(db: Database, *statements: str) -> None:
    """A team written, the program closed, then the schema taken back by ``statements``."""
    f.team(db, "Kept")
    db.dispose()
    for statement in statements:
        admin(db, statement)


def test_an_older_schema_on_a_server_is_upgraded_in_place(server_db: Database) -> None:
    from aftersales_tui.db import SCHEMA_VERSION

    taken_back(
        server_db,  # the schema as version 1 left it
        "ALTER TABLE ticket DROP COLUMN version",
        "ALTER TABLE invoice DROP COLUMN auto_post",
        "DROP INDEX ix_ticket_title_number",
        "DROP TABLE ticket_search",
        "UPDATE schema_info SET version = 1",
    )
    upgraded = open_database(server_db.url)
    upgraded.dispose()
    assert admin(server_db, "SELECT version FROM schema_info") == [(SCHEMA_VERSION,)]
    columns = admin(
        server_db,
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE (table_name, column_name) IN (('ticket', 'version'), ('invoice', 'auto_post')) "
        "ORDER BY 1",
    )
    assert columns == [("invoice", "auto_post"), ("ticket", "version")]
    indexes = admin(server_db, "SELECT indexdef FROM pg_indexes WHERE tablename = 'ticket'")
    title_index = (
        "ix_ticket_title_number ON public.ticket USING btree (lower((title)::text), number)"
    )
    assert (f"CREATE INDEX {title_index}",) in indexes
    assert admin(server_db, "SELECT count(*) FROM ticket_search") == [(0,)]
    assert teams(server_db) == ["Kept"]


def test_version_5_on_a_server_gains_the_indexes_of_the_refund_and_repair_checks(
    server_db: Database,
) -> None:
    taken_back(
        server_db,  # the indexes as version 5 left them
        "DROP INDEX ix_salesorder_repair_id",
        "DROP INDEX ix_salesorderline_order_product",
        "DROP INDEX ix_invoiceline_invoice_product",
        "CREATE INDEX ix_salesorderline_order_id ON salesorderline (order_id)",
        "CREATE INDEX ix_invoiceline_invoice_id ON invoiceline (invoice_id)",
        "UPDATE schema_info SET version = 5",
    )
    open_database(server_db.url).dispose()
    indexes = admin(
        server_db,
        "SELECT indexname FROM pg_indexes "
        "WHERE tablename IN ('salesorder', 'salesorderline', 'invoiceline') ORDER BY 1",
    )
    assert [n for (n,) in indexes if n.startswith("ix_") and not n.endswith("_ext_ref")] == [
        "ix_invoiceline_invoice_product",
        "ix_invoiceline_product_id",
        "ix_salesorder_partner_id",
        "ix_salesorder_repair_id",
        "ix_salesorder_ticket_id",
        "ix_salesorderline_order_product",
        "ix_salesorderline_product_id",
    ]
    assert teams(server_db) == ["Kept"]


# --- the write lock ---------------------------------------------------------------------


def test_writers_queue_for_the_write_lock_and_a_long_wait_is_the_busy_message(
    server_db: Database,
) -> None:
    impatient = open_database(server_db.url, busy_timeout_s=0.1, write_retries=1)
    try:
        with server_db.write() as session:
            session.add(Team(name="Held"))
            session.flush()
            with pytest.raises(DatabaseBusy, match=r"^The database is busy"):
                with impatient.write() as other:
                    other.add(Team(name="Refused"))
        assert teams(server_db) == ["Held"]
        with impatient.write() as other:
            other.add(Team(name="Later"))
        assert teams(server_db) == ["Held", "Later"]
    finally:
        impatient.dispose()


def test_reads_do_not_wait_for_a_writer(server_db: Database) -> None:
    f.team(server_db, "Before")
    with server_db.write() as session:
        session.add(Team(name="Uncommitted"))
        session.flush()
        assert teams(server_db) == ["Before"]


# --- lost connections -------------------------------------------------------------------


def test_a_connection_killed_while_idle_is_replaced_unnoticed(server_db: Database) -> None:
    f.team(server_db, "First")
    with server_db.read() as session:
        pid = backend_pid(session)
    admin(server_db, "SELECT pg_terminate_backend(%(pid)s)", pid=pid)
    f.team(server_db, "Second")
    assert teams(server_db) == ["First", "Second"]


def test_a_connection_lost_during_a_write_reports_nothing_saved(server_db: Database) -> None:
    with pytest.raises(ConnectionLost) as lost:
        with server_db.write() as session:
            session.add(Team(name="Lost"))
            session.flush()
            admin(server_db, "SELECT pg_terminate_backend(%(pid)s)", pid=backend_pid(session))
            session.add(Team(name="Also lost"))
            session.flush()
    assert str(lost.value) == LOST
    assert lost.value.saved is False
    assert teams(server_db) == []
    f.team(server_db, "Next")  # the desk goes on with a new connection
    assert teams(server_db) == ["Next"]


@pytest.fixture
def cut_commit(server_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The next COMMIT's answer never arrives: the connection breaks just after it was sent
    (``committed``) or just before (``aborted``), as the list given says."""
    plan: list[str] = []
    dialect = server_db.engine.dialect
    real_commit = dialect.do_commit

    def do_commit(dbapi_connection: Any) -> None:
        if not plan:
            real_commit(dbapi_connection)
            return
        if plan.pop(0) == "committed":
            real_commit(dbapi_connection)
        dbapi_connection.dbapi_connection.close()  # an unfinished transaction is rolled back
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(dialect, "do_commit", do_commit)
    yield plan


def test_a_commit_whose_answer_is_lost_but_which_committed_counts_once(
    server_db: Database, cut_commit: list[str]
) -> None:
    cut_commit.append("committed")
    with server_db.write() as session:
        session.add(Team(name="Saved once"))
    assert teams(server_db) == ["Saved once"]


def test_a_commit_cut_off_before_it_arrived_reports_nothing_saved(
    server_db: Database, cut_commit: list[str]
) -> None:
    cut_commit.append("aborted")
    with pytest.raises(ConnectionLost, match=f"^{LOST}$"):
        with server_db.write() as session:
            session.add(Team(name="Never saved"))
    assert teams(server_db) == []


def test_a_server_that_is_down_when_a_write_begins_is_tried_again_then_reported(
    server_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aftersales_tui.storage_postgres as backend

    monkeypatch.setattr(backend, "RECONNECT_PAUSE_S", 0.01)
    attempts: list[int] = []

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        attempts.append(1)
        raise psycopg.OperationalError("connection refused")

    server_db.engine.dispose()
    event.listen(server_db.engine, "do_connect", refuse)
    with pytest.raises(ConnectionLost, match=f"^{LOST}$"):
        with server_db.write() as session:
            session.add(Team(name="Never saved"))
    assert len(attempts) == backend.RECONNECT_TRIES
    event.remove(server_db.engine, "do_connect", refuse)
    assert teams(server_db) == []


def test_the_server_answers_whether_a_transaction_committed(server_db: Database) -> None:
    from aftersales_tui.storage_postgres import committed, transaction_id

    with server_db.write() as session:
        session.add(Team(name="Known"))
        xid = transaction_id(session.connection())
    assert xid is not None
    assert committed(server_db.engine, xid) is True


def test_the_url_of_a_server_database_hides_its_password() -> None:
    url = URL.create("postgresql+psycopg", "desk", "s3cret", "db.example", 5432, "desk")
    from aftersales_tui.db import _describe

    message = _describe(Exception("boom"), url)
    assert "s3cret" not in message


# --- `aftersales check` on a server ------------------------------------------------------


@pytest.fixture
def server_demo(server_db: Database, ctx: Context) -> Database:
    load_demo(server_db, ctx, TODAY)
    return server_db


def problems(db: Database) -> dict[str, tuple[str, ...]]:
    return {r.label: r.problems for r in check.run(db) if not r.ok}


def test_the_demo_on_a_server_passes_every_check_it_has(server_demo: Database) -> None:
    results = check.run(server_demo)
    assert [r.label for r in results if r.skipped] == ["Database file integrity", "Foreign keys"]
    assert problems(server_demo) == {}


def test_an_over_refunded_invoice_on_a_server(server_demo: Database) -> None:
    admin(server_demo, "UPDATE invoice SET amount_total = 1800 WHERE name = 'RINV/2026/00002'")
    assert problems(server_demo) == {
        "No invoice refunded beyond its total": (
            "INV/2026/00034: credit notes total 1,800.00 of 1,716.00",
        )
    }


def test_the_full_text_index_of_a_server_is_checked_against_the_tickets(
    server_demo: Database,
) -> None:
    admin(server_demo, "DELETE FROM ticket_search WHERE number = 1038")
    admin(server_demo, "UPDATE ticket_search SET doc = to_tsvector('x') WHERE number = 1040")
    admin(server_demo, "INSERT INTO ticket_search VALUES (99999, to_tsvector('ghost'))")
    assert problems(server_demo) == {
        "Full-text index agrees with the tickets": (
            "ticket #1038 is missing from the index",
            "the index holds ticket #99999, which does not exist",
            "ticket #1040 is indexed with other text than it has",
        )
    }


def test_the_index_follows_a_ticket_and_its_customer_on_a_server(
    server_demo: Database, ctx: Context
) -> None:
    flt = ticket_list.TicketFilter
    sort = ticket_list.TicketSort()

    def found(text: str) -> list[int]:
        with server_demo.read() as session:
            return [r.number for r in ticket_list.fetch_page(session, ctx, flt(text=text), sort)]

    admin(server_demo, "UPDATE ticket SET title = 'Zanzibar lamp' WHERE number = 1038")
    assert found("zanz") == [1038]
    (partner,) = admin(server_demo, "SELECT partner_id FROM ticket WHERE number = 1038")[0]
    admin(server_demo, "UPDATE partner SET name = 'Quokka Ltd' WHERE id = %(id)s", id=partner)
    assert 1038 in found("quokka zanzibar")
    admin(
        server_demo,
        "DELETE FROM message WHERE res_id IN (SELECT id FROM ticket WHERE number = 1038)",
    )
    assert problems(server_demo) == {}


def test_the_desk_on_an_unreachable_server_exits_with_one_line() -> None:
    from .test_cli import run

    result = run("--db", "postgresql+psycopg://desk:s3cret@127.0.0.1:1/desk")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("aftersales: Cannot reach the database server 127.0.0.1:1: ")
    assert result.stderr.count("\n") == 1
    assert "s3cret" not in result.stderr
