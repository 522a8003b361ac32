"""The storage layer: where the database is, how it is opened, locks, errors, migrations."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from aftersales_tui import db as storage
from aftersales_tui.db import Database, DatabaseBusy, StorageError, open_database, resolve_url
from aftersales_tui.models import Ticket
from aftersales_tui.services import sequences

from . import factories as f
from .conftest import NOW

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def file_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(str(tmp_path / "desk.db"))
    yield database
    database.dispose()


def quick_engine_database(path: Path, busy_timeout_ms: int = 50) -> Database:
    """A second handle on ``path`` that gives up on a lock after ``busy_timeout_ms``."""
    return open_database(str(path), busy_timeout_s=busy_timeout_ms / 1000, write_retries=0)


# --- resolve_url --------------------------------------------------------------------------


def test_db_option_wins_over_environment_which_wins_over_default(tmp_path: Path) -> None:
    env = {"AFTERSALES_DB": str(tmp_path / "from-env.db")}
    assert resolve_url(str(tmp_path / "from-option.db"), env).database == str(
        tmp_path / "from-option.db"
    )
    assert resolve_url(None, env).database == str(tmp_path / "from-env.db")
    default = tmp_path / "xdg-data" / "aftersales-tui" / "aftersales.db"
    assert resolve_url(None, {}).database == str(default)
    assert storage.default_database_path() == default


def test_resolve_url_reads_the_process_environment_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AFTERSALES_DB", str(tmp_path / "env.db"))
    assert resolve_url(None).database == str(tmp_path / "env.db")
    monkeypatch.delenv("AFTERSALES_DB")
    assert resolve_url(None).database == str(storage.default_database_path())


def test_a_plain_path_becomes_a_sqlite_url_and_urls_pass_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = resolve_url(str(tmp_path / "plain.db"), {})
    assert url.get_backend_name() == "sqlite"
    assert url.database == str(tmp_path / "plain.db")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_url("~/home.db", {}).database == str(tmp_path / "home.db")
    given = resolve_url("postgresql+psycopg://agent@dbhost:5433/desk", {})
    assert (given.get_backend_name(), given.host, given.port, given.database) == (
        "postgresql",
        "dbhost",
        5433,
        "desk",
    )


@pytest.mark.parametrize(
    "bad", ["postgresql+psycopg://::bad", "mysql://u@h:notaport/d", "://nothing"]
)
def test_a_malformed_url_is_a_storage_error(bad: str) -> None:
    with pytest.raises(StorageError, match="Bad database URL") as err:
        resolve_url(bad, {})
    assert "\n" not in str(err.value)
    with pytest.raises(StorageError):
        open_database(bad)


def test_a_malformed_url_never_echoes_its_password() -> None:
    with pytest.raises(StorageError) as err:
        resolve_url("postgresql://agent:s3cret@db:notaport/desk", {})
    assert "s3cret" not in str(err.value)
    assert "postgresql://" in str(err.value)


def test_an_unknown_dialect_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match="notadialect") as err:
        open_database("notadialect://x")
    assert "\n" not in str(err.value)


# --- file permissions ---------------------------------------------------------------------


def test_the_personal_default_database_is_owner_only(tmp_path: Path) -> None:
    database = open_database(None, environ={})
    try:
        path = tmp_path / "xdg-data" / "aftersales-tui" / "aftersales.db"
        assert Path(database.url.database or "") == path
        assert mode_of(path.parent) == 0o700
        assert mode_of(path) == 0o600
        f.team(database)
        for suffix in ("-wal", "-shm"):  # made by SQLite at the first write
            side = Path(f"{path}{suffix}")
            assert side.exists(), suffix
            assert mode_of(side) == 0o600, (suffix, oct(mode_of(side)))
    finally:
        database.dispose()


def test_the_demo_database_beside_it_is_owner_only_too(tmp_path: Path) -> None:
    from aftersales_tui.db import default_database_path

    path = default_database_path().with_name("demo.db")
    database = open_database(str(path), environ={})
    try:
        assert path.parent == tmp_path / "xdg-data" / "aftersales-tui"
        assert mode_of(path.parent) == 0o700
        assert mode_of(path) == 0o600
    finally:
        database.dispose()


def test_a_database_in_a_group_directory_is_group_writable_with_its_wal_and_shm(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    if IS_ROOT:
        os.chown(shared, -1, 4242)  # a group that is not ours, to see it is kept
    os.chmod(shared, 0o2775)
    path = shared / "desk.db"
    database = open_database(str(path))
    try:
        assert mode_of(path) == 0o660
        assert path.stat().st_gid == shared.stat().st_gid
        f.team(database)  # a write: SQLite creates -wal and -shm like the database file
        for suffix in ("-wal", "-shm"):
            side = Path(f"{path}{suffix}")
            assert side.exists(), suffix
            assert mode_of(side) & 0o660 == 0o660, (suffix, oct(mode_of(side)))
            assert side.stat().st_gid == shared.stat().st_gid
    finally:
        database.dispose()


def test_a_database_in_a_private_directory_stays_private(tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir(mode=0o755)
    os.chmod(private, 0o755)
    database = open_database(str(private / "desk.db"))
    try:
        f.team(database)  # a write: SQLite creates -wal and -shm like the database file
        for suffix in ("-wal", "-shm"):
            assert mode_of(private / f"desk.db{suffix}") == 0o600, suffix
    finally:
        database.dispose()
    assert mode_of(private / "desk.db") == 0o600
    assert mode_of(private) == 0o755  # only the personal default's folder is changed


# --- pragmas ------------------------------------------------------------------------------


def test_file_database_pragmas(file_db: Database) -> None:
    with file_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == storage.BUSY_TIMEOUT_S * 1000


def test_a_foreign_key_violation_is_refused(file_db: Database) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        with file_db.write() as s:
            s.add(Ticket(number=1, title="t", team_id=999, created_at=NOW, updated_at=NOW))
    with file_db.read() as s:
        assert s.exec(select(func.count()).select_from(Ticket)).one() == 0


# --- transactions and locks -----------------------------------------------------------------


def test_write_sessions_begin_immediate_and_read_sessions_do_not(file_db: Database) -> None:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.strip().upper())

    event.listen(file_db.engine, "before_cursor_execute", record)
    try:
        with file_db.write() as s:
            sequences.next_number(s, "ticket")
        assert seen[0] == "BEGIN IMMEDIATE"
        seen.clear()
        with file_db.read() as s:
            sequences.peek(s, "ticket")
        assert seen[0] == "BEGIN"
    finally:
        event.remove(file_db.engine, "before_cursor_execute", record)


def test_an_open_write_session_holds_the_write_lock_but_not_readers(
    tmp_path: Path, file_db: Database
) -> None:
    other = quick_engine_database(tmp_path / "desk.db")
    try:
        f.team(file_db, "Support")
        with file_db.write() as s:
            s.connection()  # the transaction has begun; nothing written yet
            with pytest.raises(DatabaseBusy, match="The database is busy"):
                with other.write() as s2:
                    s2.connection()
            with other.read() as r:
                assert r.exec(select(func.count()).select_from(Ticket)).one() == 0
        # once the first writer is done, the second gets the lock
        with other.write() as s2:
            assert sequences.next_number(s2, "ticket") == 1
    finally:
        other.dispose()


def test_a_writer_in_another_thread_waits_for_the_lock(tmp_path: Path, file_db: Database) -> None:
    """With the normal busy timeout, a second writer queues instead of failing."""
    other = open_database(str(tmp_path / "desk.db"))
    started = threading.Event()
    results: list[int] = []
    errors: list[BaseException] = []

    def second_writer() -> None:
        try:
            with other.write() as s2:
                results.append(sequences.next_number(s2, "ticket"))
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)

    def on_begin_attempt(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            started.set()

    event.listen(other.engine, "before_cursor_execute", on_begin_attempt)
    thread = threading.Thread(target=second_writer)
    try:
        with file_db.write() as s:
            first = sequences.next_number(s, "ticket")
            thread.start()
            assert started.wait(10)
            # the second writer is blocked in BEGIN IMMEDIATE while this one is open
            assert results == []
            assert thread.is_alive()
        thread.join(20)
        assert not thread.is_alive()
        assert errors == []
        assert (first, results) == (1, [2])
    finally:
        thread.join(20)
        other.dispose()


def take_numbers(path: str, rounds: int) -> tuple[list[int], list[str]]:
    """One agent's process: ``rounds`` read-then-write transactions taking ticket numbers."""
    database = open_database(path)
    numbers: list[int] = []
    failures: list[str] = []
    try:
        for _ in range(rounds):
            try:
                with database.write() as s:
                    sequences.peek(s, "ticket")  # read first: a deferred BEGIN would deadlock
                    numbers.append(sequences.next_number(s, "ticket"))
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        database.dispose()
    return numbers, failures


def test_concurrent_processes_never_share_a_number_nor_fail(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    open_database(path).dispose()
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(4) as pool:
        results = pool.starmap(take_numbers, [(path, 50)] * 4)
    numbers = [n for taken, _ in results for n in taken]
    failures = [msg for _, failed in results for msg in failed]
    assert failures == []
    assert len(numbers) == 200
    assert sorted(numbers) == list(range(1, 201))


def test_records_read_in_a_read_session_stay_usable_after_it(file_db: Database) -> None:
    team = f.team(file_db, "Support")
    f.ticket(file_db, team, 7, "Printer jams")
    with file_db.read() as s:
        ticket = s.exec(select(Ticket)).one()
    # the snapshot is over, but what was read keeps its values (services rely on it)
    assert (ticket.number, ticket.title, ticket.team_id) == (7, "Printer jams", team)


# --- errors -------------------------------------------------------------------------------


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    with pytest.raises(StorageError, match="^Not a database file: ") as err:
        open_database(str(path))
    assert str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    open_database(str(path)).dispose()
    os.chmod(path, 0)
    try:
        try:
            path.read_bytes()
            readable = True  # root (with CAP_DAC_OVERRIDE): permissions do not stop reads
        except PermissionError:
            readable = False
        if readable:
            open_database(str(path)).dispose()  # so the database opens as usual
        else:
            with pytest.raises(StorageError, match="^Cannot read the database file: "):
                open_database(str(path))
    finally:
        os.chmod(path, 0o600)


def test_an_unreadable_file_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same check seen without privileges (root reads anything, so simulate the denial)."""
    path = tmp_path / "locked.db"
    open_database(str(path)).dispose()
    real_access = os.access

    def access(p: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if Path(p) == path:
            return False
        return real_access(p, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    with pytest.raises(StorageError, match="^Cannot read the database file: ") as err:
        open_database(str(path))
    assert str(path) in str(err.value)


def test_a_path_sqlite_cannot_open(tmp_path: Path) -> None:
    path = tmp_path / "folder.db"
    path.mkdir()
    with pytest.raises(StorageError, match="Cannot open the database") as err:
        open_database(str(path))
    assert "\n" not in str(err.value)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_database(str(path)).dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE schema_info SET version = ?", (storage.SCHEMA_VERSION + 1,))
    raw.close()
    with pytest.raises(StorageError, match="newer") as err:
        open_database(str(path))
    assert "\n" not in str(err.value)


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other-app.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE contacts (name TEXT)")
    raw.close()
    with pytest.raises(StorageError, match="not created by the after-sales desk"):
        open_database(str(path))
    with sqlite3.connect(path) as raw:  # and it was left alone
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    raw.close()
    assert tables == {"contacts"}


def test_a_missing_folder_is_not_created_for_a_chosen_path(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "folder" / "desk.db"
    with pytest.raises(StorageError, match="does not exist") as err:
        open_database(str(path))
    assert "\n" not in str(err.value)
    assert not (tmp_path / "no").exists()


def test_an_impossible_default_folder_is_a_storage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))
    with pytest.raises(StorageError, match="Cannot create the database folder") as err:
        open_database(None, environ={})
    assert "\n" not in str(err.value)


# --- schema version and migrations --------------------------------------------------------


def test_migrations_are_numbered_one_to_n() -> None:
    versions = [m.version for m in storage.MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))
    assert storage.SCHEMA_VERSION == versions[-1]


def test_a_new_database_is_at_the_current_version(file_db: Database) -> None:
    with file_db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM schema_info").all() == [
            (storage.SCHEMA_VERSION,)
        ]


def test_a_database_at_the_previous_version_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    database = open_database(str(path))
    team = f.team(database, "Support")
    for number in (1, 2, 3):
        f.ticket(database, team, number, f"Ticket {number}")
    database.dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("ALTER TABLE ticket DROP COLUMN version")
        raw.execute("ALTER TABLE invoice DROP COLUMN auto_post")
        raw.execute("UPDATE schema_info SET version = 1")
    raw.close()

    upgraded = open_database(str(path))
    try:
        with upgraded.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version FROM schema_info").all() == [
                (storage.SCHEMA_VERSION,)
            ]
        with upgraded.read() as s:
            rows = s.exec(select(Ticket).order_by(col(Ticket.number))).all()
            assert [(t.number, t.title, t.team_id, t.version) for t in rows] == [
                (1, "Ticket 1", team, 1),
                (2, "Ticket 2", team, 1),
                (3, "Ticket 3", team, 1),
            ]
    finally:
        upgraded.dispose()
    again = open_database(str(path))
    try:  # nothing left to do the second time
        assert storage.upgrade(again.engine) == storage.SCHEMA_VERSION
    finally:
        again.dispose()


def test_version_2_gains_scheduled_credit_notes_and_keeps_its_invoices(tmp_path: Path) -> None:
    from datetime import date
    from decimal import Decimal

    from aftersales_tui.models import Invoice, Journal, JournalType, MoveType

    path = tmp_path / "v2.db"
    database = open_database(str(path))
    customer = f.partner(database)
    with database.write() as s:
        journal = Journal(name="Customer Invoices", code="INV", journal_type=JournalType.SALE)
        s.add(journal)
        s.flush()
        s.add(
            Invoice(
                name="INV/2026/00001",
                move_type=MoveType.INVOICE,
                partner_id=customer,
                journal_id=journal.id or 0,
                invoice_date=date(2026, 11, 1),
                amount_total=Decimal("120.50"),
                created_at=NOW,
            )
        )
    database.dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("ALTER TABLE invoice DROP COLUMN auto_post")
        raw.execute("UPDATE schema_info SET version = 2")
    raw.close()

    upgraded = open_database(str(path))
    try:
        with upgraded.read() as s:
            invoice = s.exec(select(Invoice)).one()
            assert (invoice.name, invoice.amount_total, invoice.auto_post) == (
                "INV/2026/00001",
                Decimal("120.50"),
                False,
            )
    finally:
        upgraded.dispose()


def test_storage_error_messages_are_single_line(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00\x01 not sqlite \n second line \n" * 100)
    attempts = [
        "postgresql+psycopg://::bad",
        "notadialect://x",
        str(tmp_path / "missing" / "x.db"),
        str(garbage),
    ]
    for attempt in attempts:
        with pytest.raises(StorageError) as err:
            open_database(attempt)
        message = str(err.value)
        assert message and "\n" not in message, (attempt, message)
