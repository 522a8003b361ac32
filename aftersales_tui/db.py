"""Storage: where the database is, how it is opened, sessions, schema version, migrations.

Everything specific to a database backend lives in the storage layer: this module, and
beside it ``storage_sqlite`` (a file in WAL mode, write transactions that start with
``BEGIN IMMEDIATE``) and ``storage_postgres`` (a server: one advisory write lock, lost
connections). On both, concurrent agents queue for the write lock instead of failing
half-way through a transaction.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
)
from sqlmodel import Session, create_engine

from . import fulltext, storage_postgres, storage_sqlite
from .i18n import _
from .migrations import MIGRATIONS, SCHEMA_VERSION, upgrade
from .storage_cancel import Cancel, ReadCancelled
from .storage_errors import ConnectionLost, DatabaseBusy, StorageError
from .storage_paths import APP_NAME, ENV_DB, database_value, default_database_path, sqlite_file

__all__ = [
    "APP_NAME",
    "ENV_DB",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Cancel",
    "ConnectionLost",
    "Database",
    "DatabaseBusy",
    "ReadCancelled",
    "StorageError",
    "default_database_path",
    "open_database",
    "upgrade",
]

BUSY_TIMEOUT_S = 10
# When SQLite still reports the write lock busy after its busy timeout (or at once, as it
# does in a few cases without waiting), ``BEGIN IMMEDIATE`` is tried again this many times,
# after these pauses. Only the BEGIN is retried: nothing of the transaction has run yet.
# An agent waits about 30 s at worst (3 x 10 s) before being told the database is busy
# (on PostgreSQL: one wait of as long for the write lock).
WRITE_RETRIES = 2
RETRY_PAUSE_S = 0.1


# --- where the database is -------------------------------------------------------------


def resolve_url(db: str | None, environ: dict[str, str] | None = None) -> URL:
    """The database URL from ``--db``, else ``AFTERSALES_DB``, else the personal default.

    A plain path means a SQLite file.
    """
    value = database_value(db, environ)
    path = sqlite_file(value)
    if path is not None:
        return URL.create("sqlite", database=str(path))
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


# --- the database handle and its sessions --------------------------------------------


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
