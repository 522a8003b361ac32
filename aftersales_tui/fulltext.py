"""Storage: the full-text index of tickets (number, title, customer, description).

On SQLite it is an FTS5 table whose rowid is the ticket NUMBER, kept in sync by triggers on
``ticket`` and ``partner``, so that every writer (services, imports, generators, another
program) keeps it right without knowing it exists. Ordering matches by rowid is ordering
tickets by number, which lets the list stop after one window even when a word is in a third of
the tickets.

On PostgreSQL it is a table of (ticket number, ``tsvector``) with a GIN index, kept in sync by
triggers the same way, searched with the ``simple`` configuration (no stemming: an agent types
the beginnings of words, names and numbers). Other backends have no index: the list falls back
to plain comparisons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    TableClause,
    and_,
    column,
    func,
    literal_column,
    or_,
    table,
)
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


PG_TABLE = "ticket_search"
_search = table(PG_TABLE, column("number"), column("doc"))

_PG_SCHEMA = (
    f"""
    CREATE TABLE IF NOT EXISTS {PG_TABLE} (number integer PRIMARY KEY, doc tsvector NOT NULL)
    """,
    f"CREATE INDEX IF NOT EXISTS ix_{PG_TABLE}_doc ON {PG_TABLE} USING gin (doc)",
    """
    CREATE OR REPLACE FUNCTION ticket_search_doc(
        number integer, title text, customer text, description text
    ) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
        SELECT to_tsvector('simple', number::text || ' ' || coalesce(title, '') || ' '
            || coalesce(customer, '') || ' ' || coalesce(description, ''))
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION ticket_search_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM {PG_TABLE} WHERE number = OLD.number;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO {PG_TABLE} (number, doc) VALUES (NEW.number, ticket_search_doc(
                NEW.number, NEW.title,
                (SELECT name FROM partner WHERE id = NEW.partner_id), NEW.description));
        END IF;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION ticket_search_customer() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {PG_TABLE} s
        SET doc = ticket_search_doc(t.number, t.title, NEW.name, t.description)
        FROM ticket t WHERE t.partner_id = NEW.id AND s.number = t.number;
        RETURN NULL;
    END $$
    """,
    "DROP TRIGGER IF EXISTS ticket_search_ticket ON ticket",
    """
    CREATE TRIGGER ticket_search_ticket
    AFTER INSERT OR DELETE OR UPDATE OF number, title, description, partner_id ON ticket
    FOR EACH ROW EXECUTE FUNCTION ticket_search_ticket()
    """,
    "DROP TRIGGER IF EXISTS ticket_search_customer ON partner",
    """
    CREATE TRIGGER ticket_search_customer AFTER UPDATE OF name ON partner
    FOR EACH ROW EXECUTE FUNCTION ticket_search_customer()
    """,
)


def create(conn: Connection) -> None:
    """Create the index (and its triggers) and fill it from the tickets already there."""
    if conn.dialect.name == "postgresql":
        _create_postgres(conn)
        return
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


def _create_postgres(conn: Connection) -> None:
    for statement in _PG_SCHEMA:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f"DELETE FROM {PG_TABLE}")
    conn.exec_driver_sql(
        f"""
        INSERT INTO {PG_TABLE} (number, doc)
        SELECT t.number, ticket_search_doc(t.number, t.title, p.name, t.description)
        FROM ticket t LEFT JOIN partner p ON p.id = t.partner_id
        """
    )


_TRIGGERS = ("ticket_fts_insert", "ticket_fts_update", "ticket_fts_delete", "ticket_fts_customer")


@contextmanager
def rebuilt_after(conn: Connection) -> Iterator[None]:
    """For a bulk load: no trigger per row; the whole index is built once at the end."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS ticket_search_ticket ON ticket")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS ticket_search_customer ON partner")
    elif conn.dialect.name == "sqlite":
        for trigger in _TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    else:
        yield
        return
    yield
    create(conn)
    optimize(conn)


def optimize(conn: Connection) -> None:
    """Merge the index's segments (after a bulk load)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")


# What ``disagreements`` finds: a ticket missing from the index, an index row of no
# ticket, a ticket indexed with other text than it has now.
MISSING, EXTRA, STALE = "missing", "extra", "stale"

_DISAGREEMENTS = {
    "sqlite": (
        (MISSING, f"SELECT number FROM ticket WHERE number NOT IN (SELECT rowid FROM {FTS_TABLE})"),
        (EXTRA, f"SELECT rowid FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT number FROM ticket)"),
        (
            STALE,
            f"SELECT t.number FROM ticket t JOIN {FTS_TABLE} f ON f.rowid = t.number "
            "LEFT JOIN partner p ON p.id = t.partner_id "
            "WHERE f.title IS NOT t.title OR f.description IS NOT t.description "
            "OR f.customer IS NOT coalesce(p.name, '')",
        ),
    ),
    "postgresql": (
        (MISSING, f"SELECT number FROM ticket WHERE number NOT IN (SELECT number FROM {PG_TABLE})"),
        (EXTRA, f"SELECT number FROM {PG_TABLE} WHERE number NOT IN (SELECT number FROM ticket)"),
        (
            STALE,
            f"SELECT t.number FROM ticket t JOIN {PG_TABLE} s ON s.number = t.number "
            "LEFT JOIN partner p ON p.id = t.partner_id "
            "WHERE s.doc <> ticket_search_doc(t.number, t.title, p.name, t.description)",
        ),
    ),
}


def disagreements(conn: Connection) -> list[tuple[str, int]] | None:
    """Where the index and the tickets disagree, as (kind, ticket number), in number order;
    ``None`` on a backend without an index."""
    queries = _DISAGREEMENTS.get(conn.dialect.name)
    if queries is None:
        return None
    found = [
        (kind, int(number))
        for kind, sql in queries
        for (number,) in conn.exec_driver_sql(f"{sql} ORDER BY 1")
    ]
    return found


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
    return dialect in ("sqlite", "postgresql")


def _tsquery(query: str) -> str:
    """Every word must appear, each as the start of a word (a single digit: exactly)."""
    return " & ".join(
        f"'{word}':*" if len(word) >= MIN_PREFIX else f"'{word}'" for word in words(query)
    )


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
    if dialect == "postgresql":
        return Match(
            source=_search,
            number=_search.c.number,
            condition=_search.c.doc.op("@@", is_comparison=True)(
                func.to_tsquery(literal_column("'simple'"), _tsquery(query))
            ),
        )
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
