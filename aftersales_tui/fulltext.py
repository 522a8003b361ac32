"""Storage: the full-text index of tickets (number, title, customer, description).

On SQLite it is an FTS5 table whose rowid is the ticket NUMBER, kept in sync by triggers on
``ticket`` and ``partner``, so that every writer (services, imports, generators, another
program) keeps it right without knowing it exists. Ordering matches by rowid is ordering
tickets by number, which lets the list stop after one window even when a word is in a third of
the tickets. Other backends bring their own index behind the same two functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, TableClause, and_, column, literal_column, or_, table
from sqlalchemy.engine import Connection

FTS_TABLE = "ticket_fts"
_fts = table(FTS_TABLE, column("rowid"))

# The row of the ticket just written (``new``), as the index holds it.
_INDEX_NEW = f"""
        INSERT INTO {FTS_TABLE} (rowid, number, title, customer, description)
        VALUES (
            new.number, new.number, new.title,
            coalesce((SELECT name FROM partner WHERE id = new.partner_id), ''),
            new.description
        )"""

_SQLITE_SCHEMA = (
    f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        number, title, customer, description,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
    )
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS ticket_fts_insert AFTER INSERT ON ticket BEGIN
        {_INDEX_NEW};
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS ticket_fts_update
    AFTER UPDATE OF number, title, description, partner_id ON ticket BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.number;
        {_INDEX_NEW};
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS ticket_fts_delete AFTER DELETE ON ticket BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.number;
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS ticket_fts_customer AFTER UPDATE OF name ON partner BEGIN
        UPDATE {FTS_TABLE} SET customer = new.name
        WHERE rowid IN (SELECT number FROM ticket WHERE partner_id = new.id);
    END
    """,
)


def create(conn: Connection) -> None:
    """Create the index (and its triggers) and fill it from the tickets already there."""
    if conn.dialect.name != "sqlite":
        return
    for statement in _SQLITE_SCHEMA:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE}")
    conn.exec_driver_sql(
        f"""
        INSERT INTO {FTS_TABLE} (rowid, number, title, customer, description)
        SELECT t.number, t.number, t.title, coalesce(p.name, ''), t.description
        FROM ticket t LEFT JOIN partner p ON p.id = t.partner_id
        """
    )


_TRIGGERS = ("ticket_fts_insert", "ticket_fts_update", "ticket_fts_delete", "ticket_fts_customer")


@contextmanager
def rebuilt_after(conn: Connection) -> Iterator[None]:
    """For a bulk load: no trigger per row; the whole index is built once at the end."""
    if conn.dialect.name != "sqlite":
        yield
        return
    for trigger in _TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    yield
    create(conn)
    optimize(conn)


def optimize(conn: Connection) -> None:
    """Merge the index's segments (after a bulk load)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")


_WORD = re.compile(r"\w+", re.UNICODE)


# As a prefix, a single letter would match most of the index: a letter filters from the
# second one on, and a single digit matches only itself (ticket #7, not every 7...).
MIN_PREFIX = 2


def words(query: str) -> list[str]:
    """The words of what the agent typed (punctuation, ``#`` and quotes are separators),
    single letters left out."""
    return [w for w in _WORD.findall(query) if len(w) >= MIN_PREFIX or w.isdigit()]


def _match_expression(query: str) -> str:
    """Every word must appear, each as the start of a word (filter as you type)."""
    return " ".join(
        f'"{word}"*' if len(word) >= MIN_PREFIX else f'"{word}"' for word in words(query)
    )


def has_index(dialect: str) -> bool:
    return dialect == "sqlite"


@dataclass(frozen=True)
class Match:
    """Tickets whose text matches: join ``source`` on ``ticket.number == number``."""

    source: TableClause
    number: ColumnElement[int]
    condition: ColumnElement[bool]


def match(dialect: str, query: str) -> Match | None:
    """The index's answer to ``query``, or ``None`` (no words, or no index on this backend).

    Iterating ``source`` by ``number`` costs nothing more than iterating it at all, so a
    list in number order reads one window of matches and stops.
    """
    if not has_index(dialect) or not words(query):
        return None
    return Match(
        source=_fts,
        number=_fts.c.rowid,
        condition=literal_column(FTS_TABLE).op("MATCH", is_comparison=True)(
            _match_expression(query)
        ),
    )


def fallback_condition(query: str, *columns: Any) -> ColumnElement[bool]:
    """Without an index: every word somewhere in one of ``columns`` (a scan)."""
    return and_(*(or_(*(c.ilike(f"%{word}%") for c in columns)) for word in words(query)))
