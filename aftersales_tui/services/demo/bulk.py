"""Bulk inserts for generated data: plain rows (tuples), many per statement.

Generated rows skip the ORM: values arrive already in the form SQLite stores (text for dates and
timestamps, as SQLAlchemy writes them), which is several times faster for millions of rows. Each
``Channel`` is one kind of row (a table and its columns); ``BulkWriter.flush`` inserts the
waiting rows of every channel in the order the channels were opened, parents first, so that
every foreign key already points at an inserted row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel

Row = tuple[Any, ...]
Insert = Callable[[Connection, str, list[Row]], None]


def table_of(model: type[SQLModel]) -> Table:
    """The table of a record type."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def execute_many(conn: Connection, sql: str, rows: list[Row]) -> None:
    """One INSERT statement, executed for every row (the driver's executemany)."""
    conn.exec_driver_sql(sql, rows)


@dataclass
class Channel:
    """Rows waiting to be inserted into one table, in the order of ``columns``."""

    name: str
    table: Table
    columns: tuple[str, ...]
    sql: str
    insert: Insert
    rows: list[Row] = field(default_factory=list)
    written: int = 0


class BulkWriter:
    """Channels of rows, inserted inside the caller's write transaction."""

    def __init__(self, session: Session) -> None:
        self.conn = session.connection()
        self.channels: list[Channel] = []

    def channel(
        self,
        name: str,
        model: type[SQLModel],
        columns: tuple[str, ...],
        insert: Insert = execute_many,
    ) -> list[Row]:
        """Open a channel; returns the list that collects its rows (append tuples to it).

        Every column that cannot be NULL and has no server default must be listed: a value
        left out would otherwise fail only later, on the first insert.
        """
        table = table_of(model)
        missing = [
            c.name
            for c in table.columns
            if c.name not in columns
            and not c.nullable
            and c.server_default is None
            and not (c.primary_key and c.autoincrement in (True, "auto"))
        ]
        if missing:
            raise ValueError(f"{name}: columns {missing} of {table.name} need a value")
        quote = self.conn.dialect.identifier_preparer.quote
        sql = "INSERT INTO {table} ({columns}) VALUES ({marks})".format(
            table=quote(table.name),
            columns=", ".join(quote(c) for c in columns),
            marks=", ".join("?" for _ in columns),
        )
        found = Channel(name, table, columns, sql, insert)
        self.channels.append(found)
        return found.rows

    def flush(self) -> None:
        """Insert every waiting row, channel after channel (parents first), and empty the
        channels."""
        for channel in self.channels:
            if channel.rows:
                channel.insert(self.conn, channel.sql, channel.rows)
                channel.written += len(channel.rows)
                channel.rows.clear()

    def written(self, name: str) -> int:
        return sum(c.written for c in self.channels if c.name == name)

    @property
    def total(self) -> int:
        return sum(c.written for c in self.channels)


class Stamps:
    """Dates and UTC timestamps as SQLite stores them, counted from a first day.

    ``day(n)`` is ``YYYY-MM-DD`` of the n-th day; ``moment(n, seconds)`` that day at a time
    given in seconds after midnight. Both come from small tables built once (formatting a
    datetime a million times costs more than every insert of it).
    """

    def __init__(self, first: date, days: int) -> None:
        self.first = first
        self.days = [(first + timedelta(days=n)).isoformat() for n in range(days + 1)]
        self.minutes = [f" {m // 60:02d}:{m % 60:02d}:" for m in range(24 * 60)]
        self.seconds = [f"{s:02d}.000000" for s in range(60)]

    def day(self, n: int) -> str:
        return self.days[n]

    def moment(self, n: int, seconds: int) -> str:
        return self.days[n] + self.minutes[seconds // 60] + self.seconds[seconds % 60]

    def at(self, offset: int) -> str:
        """The moment ``offset`` seconds after midnight of the first day."""
        n, seconds = divmod(offset, 86_400)
        return self.days[n] + self.minutes[seconds // 60] + self.seconds[seconds % 60]
