"""Storage, SQLite: the database file, its permissions, WAL, and the write lock.

Write transactions start with ``BEGIN IMMEDIATE`` so that concurrent agents queue for the
write lock instead of failing half-way through a transaction.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

from .i18n import _
from .storage_errors import DatabaseBusy, StorageError


def _is_busy(exc: OperationalError) -> bool:
    detail = str(exc.orig).lower()
    return "database is locked" in detail or "database is busy" in detail


def prepare_file(path: Path, personal: bool) -> None:
    """Create the database file with the right permissions before SQLite opens it.

    The personal default is owner-only (directory 0700, file 0600). A database in a
    group-writable directory (a team's shared folder) keeps the directory's group and
    gives the group write access; SQLite creates ``-wal`` and ``-shm`` with the same mode.
    """
    directory = path.parent
    if not directory.exists():
        if not personal:
            raise StorageError(_("Database folder does not exist: {path}").format(path=directory))
        try:
            directory.mkdir(mode=0o700, parents=True)
            os.chmod(directory, 0o700)
        except OSError as exc:
            raise StorageError(
                _("Cannot create the database folder {path}: {reason}").format(
                    path=directory, reason=exc.strerror
                )
            ) from exc
    if path.exists():
        if not os.access(path, os.R_OK):
            raise StorageError(_("Cannot read the database file: {path}").format(path=path))
        return
    dir_mode = directory.stat().st_mode
    shared = bool(dir_mode & stat.S_IWGRP) and not personal
    mode = 0o660 if shared else 0o600
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    except OSError as exc:
        raise StorageError(
            _("Cannot create the database file {path}: {reason}").format(
                path=path, reason=exc.strerror
            )
        ) from exc
    os.close(fd)
    os.chmod(path, mode)
    if shared:
        gid = directory.stat().st_gid
        try:
            os.chown(path, -1, gid)
        except PermissionError:
            pass


def _install_events(
    engine: Engine, busy_timeout_s: float, write_retries: int, retry_pause_s: float
) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={round(busy_timeout_s * 1000)}")
            mode = cursor.execute("PRAGMA journal_mode").fetchone()
            if mode and mode[0] != "memory":
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("aftersales_write"):
            _begin_immediate(conn, write_retries, retry_pause_s)
        else:
            conn.exec_driver_sql("BEGIN")


def _begin_immediate(conn: Connection, retries: int, pause_s: float) -> None:
    """Take the write lock, trying again ``retries`` times while the database is busy.

    Nothing else is retried: a failed BEGIN has run no statement of the transaction.
    """
    for attempt in range(retries + 1):
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if not _is_busy(exc):
                raise
            if attempt == retries:
                raise DatabaseBusy from exc
        time.sleep(pause_s * 2**attempt)


def is_in_memory(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or database.startswith("file::memory:")


def make_engine(
    url: URL,
    *,
    create_file: bool,
    personal_folder: Path,
    busy_timeout_s: float,
    write_retries: int,
    retry_pause_s: float,
) -> Engine:
    """A SQLite engine: the file made first with the right mode (see ``prepare_file``)."""
    in_memory = is_in_memory(url)
    if not in_memory and create_file:
        path = Path(url.database or "")
        prepare_file(path, personal=path.parent == personal_folder)
    kwargs: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": busy_timeout_s}
    }
    if in_memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    _install_events(engine, busy_timeout_s, write_retries, retry_pause_s)
    return engine
