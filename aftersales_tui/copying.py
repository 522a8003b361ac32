"""Storage: copy a whole desk from one database to another (SQLite to PostgreSQL, say).

Every table of the records is copied row by row with its ids, in one transaction on the
target, which must be empty. Tables that refer to each other in a circle (a ticket names its
sales order, the order names the ticket) are copied with those references left empty, and
the references are filled in once every row is there. Afterwards the target's own id
counters and the desk's numbering continue after the copied rows, and its full-text index
is built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import Any

from sqlalchemy import ForeignKeyConstraint, Select, Table, bindparam, func, or_, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from . import storage_postgres
from .db import Database
from .i18n import _
from .storage_errors import StorageError

BATCH = 5_000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Plan:
    """The tables in an order that inserts parents first, and for each table the columns
    whose references must wait until every row is in (circles and self-references)."""

    tables: list[Table]
    late: dict[str, list[str]] = field(default_factory=dict)


def plan() -> Plan:
    """Required references always order the tables; an optional one does too unless it
    would close a circle, in which case it is filled in later."""
    from . import models  # noqa: F401  (every table known to the metadata)

    tables = sorted(SQLModel.metadata.tables.values(), key=lambda t: t.name)
    graph: dict[str, set[str]] = {t.name: set() for t in tables}
    optional: list[tuple[Table, ForeignKeyConstraint]] = []
    for table in tables:
        for constraint in sorted(table.foreign_key_constraints, key=_columns_of):
            referred = constraint.referred_table.name
            if referred == table.name or any(c.nullable for c in constraint.columns):
                optional.append((table, constraint))
            else:
                graph[table.name].add(referred)
    late: dict[str, list[str]] = {}
    for table, constraint in optional:
        referred = constraint.referred_table.name
        if referred != table.name and _acyclic(graph, table.name, referred):
            graph[table.name].add(referred)
        else:
            late.setdefault(table.name, []).extend(_columns_of(constraint))
    order = list(TopologicalSorter(graph).static_order())
    by_name = {t.name: t for t in tables}
    return Plan([by_name[name] for name in order], late)


def _columns_of(constraint: ForeignKeyConstraint) -> list[str]:
    return [c.name for c in constraint.columns]


def _acyclic(graph: dict[str, set[str]], table: str, referred: str) -> bool:
    trial = {name: set(edges) for name, edges in graph.items()}
    trial[table].add(referred)
    try:
        TopologicalSorter(trial).prepare()
    except CycleError:
        return False
    return True


@dataclass
class CopyStats:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def copy_database(
    source: Database, target: Database, progress: Progress | None = None
) -> CopyStats:
    """Copy every row of ``source`` into the empty ``target`` (one transaction)."""
    layout = plan()
    stats = CopyStats()
    with source.read() as reading, target.bulk_write() as writing:
        src = reading.connection()
        dst = writing.connection()
        not_empty = [t.name for t in layout.tables if _has_rows(dst, t)]
        if not_empty:
            raise StorageError(
                _("The target database is not empty (table {table} has rows)").format(
                    table=not_empty[0]
                )
            )
        total = sum(_count(src, t) for t in layout.tables)
        done = 0
        for table in layout.tables:
            late = layout.late.get(table.name, [])
            copied = 0
            for batch in _batches(src, select(table)):
                dst.execute(table.insert(), [{**row, **dict.fromkeys(late)} for row in batch])
                copied += len(batch)
                done += len(batch)
                if progress is not None:
                    progress(done, total)
            stats.rows[table.name] = copied
        for name, late in layout.late.items():
            _fill_in(src, dst, SQLModel.metadata.tables[name], late)
        if dst.dialect.name == "postgresql":
            storage_postgres.reset_id_sequences(dst, _counted_ids(layout.tables))
    return stats


def _has_rows(conn: Connection, table: Table) -> bool:
    return conn.execute(select(1).select_from(table).limit(1)).first() is not None


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _batches(conn: Connection, query: Select[Any]) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``query`` in key order, a batch at a time."""
    table = query.get_final_froms()[0]
    assert isinstance(table, Table)
    ordered = query.order_by(*table.primary_key.columns)
    result = conn.execution_options(yield_per=BATCH).execute(ordered)
    for partition in result.mappings().partitions():
        yield [dict(row) for row in partition]


def _fill_in(src: Connection, dst: Connection, table: Table, late: list[str]) -> None:
    """Set the references left empty, from the source's rows that have one."""
    keys = list(table.primary_key.columns)
    statement = table.update().values({c: bindparam(f"late_{c}") for c in late})
    for key in keys:
        statement = statement.where(key == bindparam(f"key_{key.name}"))
    query = select(*keys, *(table.c[c] for c in late)).where(
        or_(*(table.c[c].is_not(None) for c in late))
    )
    for batch in _batches(src, query):
        dst.execute(
            statement,
            [
                {f"key_{k.name}": row[k.name] for k in keys} | {f"late_{c}": row[c] for c in late}
                for row in batch
            ],
        )


def _counted_ids(tables: list[Table]) -> list[tuple[str, str]]:
    """Tables whose single integer key the database counts itself."""
    found = []
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and keys[0].autoincrement in (True, "auto"):
            if keys[0].type.python_type is int:
                found.append((table.name, keys[0].name))
    return found
