"""Storage: the schema version of a database and the numbered migrations that bring an older
one up to date.

A new database is created from the records; an older one runs every migration above its
version, in one write transaction. Each migration works on every backend (SQLAlchemy
constructs, or SQL both SQLite and PostgreSQL accept).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, MetaData, inspect, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from . import fulltext
from .i18n import _
from .schema_version import SCHEMA_VERSION, VERSION_TABLE
from .storage_errors import StorageError


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
if MIGRATIONS[-1].version != SCHEMA_VERSION:  # a programming error, caught by any test
    raise RuntimeError("schema_version.SCHEMA_VERSION is not the last migration's version")


def _read_version(conn: Connection) -> int | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    row = conn.execute(text(f"SELECT version FROM {VERSION_TABLE}")).first()
    return int(row[0]) if row else None


def _write_version(conn: Connection, version: int) -> None:
    conn.execute(text(f"DELETE FROM {VERSION_TABLE}"))
    conn.execute(text(f"INSERT INTO {VERSION_TABLE} (version) VALUES (:v)"), {"v": version})


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
            conn.execute(text(f"CREATE TABLE {VERSION_TABLE} (version INTEGER NOT NULL)"))
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
