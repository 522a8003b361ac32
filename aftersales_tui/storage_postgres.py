"""Storage, PostgreSQL: the engine, the write lock, lost connections, errors in one line.

Several hosts share one server database. The guarantees are those of SQLite's
``BEGIN IMMEDIATE``: write transactions take one transaction-scoped advisory lock before
their first statement, so writers queue and every rule a service checks inside its
transaction still holds at its commit; readers never wait for it. Numbering takes the row
lock of its sequence as well (``UPDATE ... RETURNING``).

A write whose connection breaks is never run twice by the desk: the transaction's id is
read when it starts, and if the COMMIT itself is cut off, a new connection asks the server
whether that transaction committed.
"""

from __future__ import annotations

import time

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import DBAPIError
from sqlmodel import create_engine

from .i18n import _
from .storage_errors import DatabaseBusy

# The advisory lock every write transaction of the desk takes ("ASD1" in ASCII).
WRITE_LOCK_KEY = 0x41534431
CONNECT_TIMEOUT_S = 10
# Connecting again after the server went away: this many tries, after these pauses.
RECONNECT_TRIES = 3
RECONNECT_PAUSE_S = 0.5
XID_KEY = "aftersales_xid"

# SQLSTATE classes and codes that mean the connection, not the statement, failed.
_CONNECTION_CLASSES = ("08",)
_CONNECTION_CODES = {"57P01", "57P02", "57P03"}  # admin shutdown, crash shutdown, starting up
_LOCK_TIMEOUT = "55P03"


def make_engine(url: URL, *, busy_timeout_s: float, write_retries: int) -> Engine:
    """A PostgreSQL engine. A writer waits for the write lock as long as a SQLite writer
    would in all (its busy timeout, once per try) before ``DatabaseBusy``."""
    engine = create_engine(
        url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "aftersales"},
    )
    wait_ms = round(busy_timeout_s * (write_retries + 1) * 1000)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("aftersales_write"):
            _take_write_lock(conn, wait_ms)
        elif options.get("aftersales_read"):
            # A read sees one snapshot, as a SQLite read transaction does.
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    return engine


def _take_write_lock(conn: Connection, wait_ms: int) -> None:
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(wait_ms)}")
    try:
        xid = conn.execute(
            text("SELECT txid_current() FROM (SELECT pg_advisory_xact_lock(:key)) AS locked"),
            {"key": WRITE_LOCK_KEY},
        ).scalar_one()
    except DBAPIError as exc:
        if _sqlstate(exc) == _LOCK_TIMEOUT:
            raise DatabaseBusy from exc
        raise
    conn.info[XID_KEY] = int(xid)


def transaction_id(conn: Connection) -> int | None:
    """The id of the write transaction running on ``conn`` (read when it began)."""
    value = conn.info.get(XID_KEY)
    return int(value) if value is not None else None


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None)


def is_disconnect(exc: BaseException) -> bool:
    """Did ``exc`` come from a broken or unobtainable connection (not from a statement)?"""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    state = _sqlstate(exc)
    if state is None:
        orig = getattr(exc, "orig", None)
        # psycopg reports a failed connect or a closed socket without a SQLSTATE.
        return orig is not None and type(orig).__name__ == "OperationalError"
    return state.startswith(_CONNECTION_CLASSES) or state in _CONNECTION_CODES


def committed(engine: Engine, xid: int) -> bool | None:
    """Ask the server, on a new connection, whether transaction ``xid`` committed.

    ``None`` when it cannot tell (the server is unreachable, or still finishing it).
    """
    for attempt in range(RECONNECT_TRIES):
        try:
            with engine.connect() as conn:
                status = conn.execute(
                    text("SELECT txid_status(:xid)"), {"xid": xid}
                ).scalar_one_or_none()
        except DBAPIError as exc:
            if not is_disconnect(exc):
                return None
        else:
            if status == "committed":
                return True
            if status == "aborted":
                return False
            if status is None:  # too old to be known: never the case right after a commit
                return None
        time.sleep(RECONNECT_PAUSE_S * 2**attempt)
    return None


def describe(exc: BaseException, url: URL) -> str | None:
    """One line for a server that cannot be used, or None when ``exc`` is no such case."""
    orig = getattr(exc, "orig", exc)
    detail = (str(orig).strip().splitlines() or [type(orig).__name__])[-1].strip()
    lowered = str(orig).lower()
    state = _sqlstate(exc)
    host = url.host or "localhost"
    server = f"{host}:{url.port}" if url.port else host
    user = url.username or "?"
    name = url.database or "?"
    if state == "3D000" or ("database" in lowered and "does not exist" in lowered):
        return _(
            "The database {name} does not exist on {server}: create it first (createdb {name})"
        ).format(name=name, server=server)
    refused = (
        "password authentication failed",
        "no password supplied",
        "no pg_hba.conf entry",
    )
    if (
        state in ("28P01", "28000")
        or any(words in lowered for words in refused)
        or ('role "' in lowered and "does not exist" in lowered)
    ):
        return _("The database server {server} refused the login of {user}: {detail}").format(
            server=server, user=user, detail=detail
        )
    if is_disconnect(exc):
        return _("Cannot reach the database server {server}: {detail}").format(
            server=server, detail=detail
        )
    return None


def reset_id_sequences(conn: Connection, tables: list[tuple[str, str]]) -> None:
    """After rows were copied in with their ids: each ``(table, id column)``'s sequence
    continues after the highest id."""
    for table, column in tables:
        quoted = conn.dialect.identifier_preparer.quote(table)
        conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, :column), "
                f"coalesce((SELECT max({column}) FROM {quoted}), 0) + 1, false)"
            ),
            {"table": quoted, "column": column},
        )
