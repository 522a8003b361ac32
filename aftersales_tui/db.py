"""Storage: where the database is, how it is opened, sessions, schema version, migrations.

Everything specific to a database backend lives in the storage layer: this module, and
beside it ``storage_sqlite`` (a file in WAL mode, write transactions that start with
``BEGIN IMMEDIATE``) and ``storage_postgres`` (a server: one advisory write lock, lost
connections). On both, concurrent agents queue for the write lock instead of failing
half-way through a transaction.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
)
from sqlmodel import Session, SQLModel, create_engine

from . import fulltext, storage_postgres, storage_sqlite
from .i18n import _
from .storage_errors import ConnectionLost, DatabaseBusy, StorageError

__all__ = ["ConnectionLost", "Database", "DatabaseBusy", "StorageError", "open_database"]

APP_NAME = "aftersales-tui"
ENV_DB = "AFTERSALES_DB"
BUSY_TIMEOUT_S = 10
# When SQLite still reports the write lock busy after its busy timeout (or at once, as it
# does in a few cases without waiting), ``BEGIN IMMEDIATE`` is tried again this many times,
# after these pauses. Only the BEGIN is retried: nothing of the transaction has run yet.
# An agent waits about 30 s at worst (3 x 10 s) before being told the database is busy
# (on PostgreSQL: one wait of as long for the write lock).
WRITE_RETRIES = 2
RETRY_PAUSE_S = 0.1


# --- where the database is -------------------------------------------------------------


def default_database_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "aftersales.db"


def resolve_url(db: str | None, environ: dict[str, str] | None = None) -> URL:
    """The database URL from ``--db``, else ``AFTERSALES_DB``, else the personal default.

    A plain path means a SQLite file.
    """
    env = os.environ if environ is None else environ
    value = db or env.get(ENV_DB) or str(default_database_path())
    if "://" not in value:
        return URL.create("sqlite", database=str(Path(value).expanduser()))
    try:
        return make_url(value)
    except (ArgumentError, ValueError) as exc:
        # make_url raises ValueError for a port that is not a number ("host:bad").
        # The URL may hold a password: name only its scheme.
        scheme = value.split("://", 1)[0]
        raise StorageError(
            _("Bad database URL ({scheme}://...): expected dialect+driver://user@host/name").format(
                scheme=scheme
            )
        ) from exc


# --- the engine -----------------------------------------------------------------------


def make_engine(
    url: URL,
    *,
    create_file: bool = True,
    busy_timeout_s: float = BUSY_TIMEOUT_S,
    write_retries: int = WRITE_RETRIES,
    retry_pause_s: float = RETRY_PAUSE_S,
) -> Engine:
    """An engine for ``url`` with this desk's settings for its backend.

    On SQLite, a writer waits ``busy_timeout_s`` for the write lock, then tries again
    ``write_retries`` times (pausing ``retry_pause_s``, doubled each time) before giving up
    with ``DatabaseBusy``.
    """
    backend = url.get_backend_name()
    try:
        if backend == "sqlite":
            return storage_sqlite.make_engine(
                url,
                create_file=create_file,
                personal_folder=default_database_path().parent,
                busy_timeout_s=busy_timeout_s,
                write_retries=write_retries,
                retry_pause_s=retry_pause_s,
            )
        if backend == "postgresql":
            return storage_postgres.make_engine(
                url, busy_timeout_s=busy_timeout_s, write_retries=write_retries
            )
        return create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        message = _("No driver installed for {backend} databases").format(backend=backend)
        if backend == "postgresql":
            message += ": pip install 'aftersales-tui[postgres]'"
        raise StorageError(message) from exc


# --- schema version and migrations ----------------------------------------------------


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _create_tables(conn: Connection) -> None:
    """Create every table of the records.

    On a backend that adds the foreign keys of tables in a circle afterwards (ALTER TABLE),
    SQLAlchemy marks those constraints as created, for good: a SQLite database created later
    in the same process would lack them. So the tables are created from a copy of the
    records' metadata.
    """
    metadata = SQLModel.metadata
    if conn.dialect.supports_alter:
        metadata = MetaData()
        for table in SQLModel.metadata.tables.values():
            table.to_metadata(metadata)
    metadata.create_all(conn)


def _baseline(conn: Connection) -> None:
    # Version 1 never runs on an existing database: a new one is created from the records.
    _create_tables(conn)


def _ticket_version(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("ticket")}
    if "version" not in columns:
        conn.execute(text("ALTER TABLE ticket ADD COLUMN version INTEGER NOT NULL DEFAULT 1"))


def _invoice_auto_post(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("invoice")}
    if "auto_post" not in columns:
        conn.execute(
            text("ALTER TABLE invoice ADD COLUMN auto_post BOOLEAN NOT NULL DEFAULT FALSE")
        )


def _list_indexes(conn: Connection) -> None:
    """Ticket list indexes ordered by number, then the full-text index."""
    from .models import Ticket

    for old in (
        "ix_ticket_stage_id",
        "ix_ticket_team_id",
        "ix_ticket_user_id",
        "ix_ticket_partner_id",
        "ix_ticket_created_at",
        "ix_ticket_priority",
    ):
        conn.execute(text(f"DROP INDEX IF EXISTS {old}"))
    existing = {i["name"] for i in inspect(conn).get_indexes("ticket")}
    for index in Ticket.__table__.indexes:  # type: ignore[attr-defined]
        if index.name not in existing and "ext_ref" not in index.columns:  # (migration 5's)
            index.create(conn)
    fulltext.create(conn)


# Tables that gained an external reference (imports) and, for after-sales documents, a
# "changed at" stamp (incremental exports) in version 5.
_EXT_REF_TABLES = (
    "partner", "user", "team", "product", "lot", "salesorder", "salesorderline", "location",
    "picking", "pickingline", "journal", "invoice", "invoiceline", "couponprogram", "coupon",
    "worksheettemplate", "project", "task", "ticket", "repairorder",
)  # fmt: skip
_UPDATED_AT_TABLES = ("invoice", "coupon", "picking", "repairorder", "task")


def _external_references(conn: Connection) -> None:
    """``ext_ref`` (unique where set) on imported and exported records, ``updated_at`` on
    after-sales documents."""
    from sqlalchemy.schema import CreateColumn

    quote = conn.dialect.identifier_preparer.quote
    for name, table in SQLModel.metadata.tables.items():
        wanted = [c for c in ("ext_ref", "updated_at") if c in table.c]
        if name not in _EXT_REF_TABLES + _UPDATED_AT_TABLES or not wanted:
            continue
        present = {c["name"] for c in inspect(conn).get_columns(name)}
        for column_name in wanted:
            if column_name not in present:
                column = CreateColumn(table.c[column_name]).compile(dialect=conn.dialect)
                conn.execute(text(f"ALTER TABLE {quote(name)} ADD COLUMN {column}"))
        existing = {i["name"] for i in inspect(conn).get_indexes(name)}
        for index in table.indexes:
            if index.name not in existing and "ext_ref" in index.columns:
                index.create(conn)


# Indexes of version 6, which the after-sales actions' checks seek (a repair's quotation; a
# customer's orders and invoices that hold a product), and the one-column indexes they replace.
_ACTION_INDEXES = {
    "salesorder": ("ix_salesorder_repair_id", None),
    "salesorderline": ("ix_salesorderline_order_product", "ix_salesorderline_order_id"),
    "invoiceline": ("ix_invoiceline_invoice_product", "ix_invoiceline_invoice_id"),
}


def _action_indexes(conn: Connection) -> None:
    """The indexes the refund and repair checks seek, so that they cost the same at any size."""
    for name, (wanted, replaced) in _ACTION_INDEXES.items():
        existing = {i["name"] for i in inspect(conn).get_indexes(name)}
        for index in SQLModel.metadata.tables[name].indexes:
            if index.name == wanted and wanted not in existing:
                index.create(conn)
        if replaced in existing:
            conn.execute(text(f"DROP INDEX {replaced}"))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _baseline),
    Migration(2, "ticket edit version (conflict detection)", _ticket_version),
    Migration(3, "scheduled credit notes (invoice.auto_post)", _invoice_auto_post),
    Migration(4, "ticket list indexes by number, full-text index", _list_indexes),
    Migration(5, "external references, changed-at of after-sales documents", _external_references),
    Migration(6, "indexes of the refund and repair checks", _action_indexes),
)
SCHEMA_VERSION = MIGRATIONS[-1].version

_VERSION_TABLE = "schema_info"


def _read_version(conn: Connection) -> int | None:
    if not inspect(conn).has_table(_VERSION_TABLE):
        return None
    row = conn.execute(text(f"SELECT version FROM {_VERSION_TABLE}")).first()
    return int(row[0]) if row else None


def _write_version(conn: Connection, version: int) -> None:
    conn.execute(text(f"DELETE FROM {_VERSION_TABLE}"))
    conn.execute(text(f"INSERT INTO {_VERSION_TABLE} (version) VALUES (:v)"), {"v": version})


def upgrade(engine: Engine) -> int:
    """Bring the schema to ``SCHEMA_VERSION``; returns the version found before."""
    # Import the records so that every table is known to the metadata.
    from . import models  # noqa: F401

    with engine.connect().execution_options(aftersales_write=True) as conn, conn.begin():
        found = _read_version(conn)
        if found is None:
            user_tables = set(inspect(conn).get_table_names())
            if user_tables:
                raise StorageError(_("This database was not created by the after-sales desk"))
            conn.execute(text(f"CREATE TABLE {_VERSION_TABLE} (version INTEGER NOT NULL)"))
            _create_tables(conn)
            fulltext.create(conn)
            _write_version(conn, SCHEMA_VERSION)
            return 0
        if found > SCHEMA_VERSION:
            raise StorageError(
                _(
                    "This database has schema version {found}, newer than this program "
                    "knows ({known}): upgrade aftersales-tui"
                ).format(found=found, known=SCHEMA_VERSION)
            )
        for migration in MIGRATIONS:
            if migration.version > found:
                migration.apply(conn)
                _write_version(conn, migration.version)
        return found


# --- the database handle and its sessions --------------------------------------------


class ReadCancelled(Exception):
    """A read was stopped by its ``Cancel`` (its answer is no longer wanted)."""


class Cancel:
    """Stops the read it is given to, from any thread: the query in progress is interrupted
    (on SQLite), and the read ends with ``ReadCancelled``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._driver: Any = None
        self.cancelled = False

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            if self._driver is not None:
                _interrupt(self._driver)

    def _attach(self, driver: Any) -> None:
        with self._lock:
            self._driver = driver
            if self.cancelled:
                _interrupt(driver)

    def _detach(self) -> None:
        with self._lock:
            self._driver = None


def _interrupt(driver: Any) -> None:
    """Stop the statement running on a driver's connection (sqlite3 or psycopg)."""
    stop = getattr(driver, "interrupt", None) or getattr(driver, "cancel_safe", None)
    if stop is not None:
        stop()


class Database:
    """An open, up-to-date database and the two kinds of session on it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(aftersales_write=True)
        self._reader = engine.execution_options(aftersales_read=True)
        self._server = engine.dialect.name == "postgresql"

    @property
    def url(self) -> URL:
        return self.engine.url

    @contextmanager
    def read(self, cancel: Cancel | None = None) -> Iterator[Session]:
        """A short read-only session (a consistent snapshot; never takes the write lock).

        With ``cancel``, another thread can stop it (``ReadCancelled`` is raised here).
        """
        with Session(self._reader, expire_on_commit=False) as session:
            try:
                if cancel is not None:
                    cancel._attach(session.connection().connection.driver_connection)
                yield session
            except OperationalError as exc:
                if cancel is not None and cancel.cancelled:
                    raise ReadCancelled from exc
                raise
            finally:
                if cancel is not None:
                    cancel._detach()
                # Detach what was read first: a rollback alone would expire it, and callers
                # use the records they read after the block (DetachedInstanceError otherwise).
                session.expunge_all()
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on error.

        The write lock is taken before the block runs (``DatabaseBusy`` if it cannot be),
        so a busy database never leaves a block half done. On a server, a connection that
        breaks is reported as ``ConnectionLost``, saying whether the write was saved.
        """
        with self._begin_write() as session:
            try:
                yield session
            except DBAPIError as exc:
                session.rollback()
                if self._server and storage_postgres.is_disconnect(exc):
                    raise ConnectionLost(saved=False) from exc
                raise
            except BaseException:
                session.rollback()
                raise
            self._commit(session)

    def _begin_write(self) -> Session:
        """A session whose write transaction has begun and holds the write lock.

        A server that cannot be reached is tried again a few times first (nothing of the
        transaction has run yet).
        """
        tries = storage_postgres.RECONNECT_TRIES if self._server else 1
        for attempt in range(tries):
            session = Session(self._writer, expire_on_commit=False)
            try:
                session.begin()
                session.connection()  # the write lock now, not at the first statement
                return session
            except DBAPIError as exc:
                session.close()
                if not (self._server and storage_postgres.is_disconnect(exc)):
                    raise
                if attempt == tries - 1:
                    raise ConnectionLost(saved=False) from exc
            except BaseException:
                session.close()
                raise
            time.sleep(storage_postgres.RECONNECT_PAUSE_S * 2**attempt)
        raise AssertionError("unreachable")

    def _commit(self, session: Session) -> None:
        xid = storage_postgres.transaction_id(session.connection()) if self._server else None
        try:
            session.commit()
        except DBAPIError as exc:
            if xid is None or not storage_postgres.is_disconnect(exc):
                raise
            saved = storage_postgres.committed(self.engine, xid)
            if saved:
                return
            raise ConnectionLost(saved) from exc

    @contextmanager
    def bulk_write(self, cache_mib: int = 128) -> Iterator[Session]:
        """A write transaction that loads many rows at once (otherwise as ``write``).

        On SQLite the connection's page cache grows to ``cache_mib`` MiB for the transaction,
        so that indexes filled in random order (the customer of each new ticket...) stay in
        memory until the commit instead of being written out again and again; it is set back
        at the end. The full-text index is built once at the end rather than row by row.
        """
        with self.write() as session:
            conn = session.connection()
            if conn.dialect.name != "sqlite":
                yield session
                return
            before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
            conn.exec_driver_sql(f"PRAGMA cache_size={-1024 * int(cache_mib)}")
            try:
                with fulltext.rebuilt_after(conn):
                    yield session
            finally:
                conn.exec_driver_sql(f"PRAGMA cache_size={before}")

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(
    db: str | URL | None = None,
    *,
    environ: dict[str, str] | None = None,
    busy_timeout_s: float = BUSY_TIMEOUT_S,
    write_retries: int = WRITE_RETRIES,
    retry_pause_s: float = RETRY_PAUSE_S,
) -> Database:
    """Open (creating or upgrading as needed) the desk's database.

    Raises ``StorageError`` with one clear line for anything that makes it unusable
    (``DatabaseBusy`` when another agent holds the write lock too long). The lock
    settings are those of ``make_engine``.
    """
    url = db if isinstance(db, URL) else resolve_url(db, environ)
    engine = make_engine(
        url,
        busy_timeout_s=busy_timeout_s,
        write_retries=write_retries,
        retry_pause_s=retry_pause_s,
    )
    try:
        upgrade(engine)
    except StorageError:
        engine.dispose()
        raise
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        raise StorageError(_describe(exc, url)) from exc
    return Database(engine)


def _describe(exc: Exception, url: URL) -> str:
    if url.get_backend_name() == "postgresql":
        server = storage_postgres.describe(exc, url)
        if server is not None:
            return server
    where = url.render_as_string(hide_password=True)
    detail = str(getattr(exc, "orig", exc)).splitlines()[0] if str(exc) else type(exc).__name__
    if "file is not a database" in detail:
        return _("Not a database file: {where}").format(where=url.database or where)
    if "unable to open database file" in detail or "readonly" in detail:
        return _("Cannot open the database {where}: {detail}").format(where=where, detail=detail)
    return _("Database error on {where}: {detail}").format(where=where, detail=detail)
