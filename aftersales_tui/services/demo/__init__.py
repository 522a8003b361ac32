"""The demo dataset: load ``data/*.json`` into an empty database, or empty a database.

The JSON files are the source of truth (one file per record type); ``demo_loader`` reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import Table, delete, func, update
from sqlmodel import Session, SQLModel, select

from ...db import Database
from ...i18n import _
from ...models import Partner, Ticket, User
from ..context import Context
from ..errors import AfterSalesError
from ..sequences import set_next, sync_name_sequences
from .documents import DocumentLoader
from .master_data import MasterDataLoader
from .reader import DemoSummary

__all__ = ["DemoSummary", "demo_data_dir", "is_empty", "load_demo", "reset_database"]


def demo_data_dir() -> Path:
    """The folder of the demo JSON files: the repository's ``data/``, else the packaged copy."""
    here = Path(__file__).resolve()
    for folder in (here.parents[3] / "data", here.parents[2] / "demo_data"):
        if (folder / "tickets.json").is_file():
            return folder
    raise AfterSalesError(
        _("The demo data files are missing (looked in {first} and {second})").format(
            first=here.parents[3] / "data", second=here.parents[2] / "demo_data"
        )
    )


def _is_empty(session: Session) -> bool:
    for model in (Ticket, Partner, User):
        if session.exec(select(func.count()).select_from(model)).one():
            return False
    return True


def is_empty(db: Database) -> bool:
    """True when the database holds no tickets, no partners and no agents."""
    with db.read() as session:
        return _is_empty(session)


def load_demo(db: Database, ctx: Context, reference: date | None = None) -> DemoSummary:
    """Load the demo dataset into an empty database, in one write transaction.

    Dates are placed relative to ``reference`` (default: the agent's today).
    """
    folder = demo_data_dir()
    with db.write() as session:
        if not _is_empty(session):
            raise AfterSalesError(
                _("The database is not empty: the demo can only be loaded into an empty one")
            )
        return DemoLoader(session, folder, reference or ctx.today()).load()


def _deletion_order() -> list[Table]:
    """Every table, children before parents (foreign keys that cannot be NULL decide)."""
    tables = list(SQLModel.metadata.tables.values())
    parents: dict[str, set[str]] = {
        t.name: {
            fk.column.table.name
            for column in t.columns
            if not column.nullable
            for fk in column.foreign_keys
            if fk.column.table.name != t.name
        }
        for t in tables
    }
    ordered: list[Table] = []
    placed: set[str] = set()
    while len(ordered) < len(tables):
        ready = [t for t in tables if t.name not in placed and parents[t.name] <= placed]
        if not ready:  # pragma: no cover - the records never make such a cycle
            raise RuntimeError("cycle of NOT NULL foreign keys")
        ordered.extend(ready)
        placed.update(t.name for t in ready)
    return ordered[::-1]


def reset_database(db: Database) -> None:
    """Delete every row of every table (the schema version stays), in one write transaction.

    Some optional links go round in a circle (ticket -> sales order -> ticket, ...), so they are
    cleared first; the mandatory ones then give an order where children go before parents.
    """
    with db.write() as session:
        for table in SQLModel.metadata.tables.values():
            optional = {c.name: None for c in table.columns if c.foreign_keys and c.nullable}
            if optional:
                session.execute(update(table).values(optional))
        for table in _deletion_order():
            session.execute(delete(table))


class DemoLoader(MasterDataLoader, DocumentLoader):
    """Loads every demo file, parents first."""

    def load_setup(self) -> None:
        """Agents, projects, teams, products, places, journals, programs and tags: what the
        documents refer to, customers and lots aside (generated data builds on them too)."""
        steps: list[Callable[[], None]] = [
            self.load_users,
            self.load_worksheet_templates,
            self.load_projects,
            self.load_teams,
            self.load_products,
            self.load_locations,
            self.load_journals,
            self.load_coupon_programs,
            self.load_repair_tags,
        ]
        for step in steps:
            step()

    def load(self) -> DemoSummary:
        self.load_partners()
        self.load_setup()
        steps: list[Callable[[], None]] = [
            self.load_lots,
            self.load_sales_orders,
            self.load_deliveries,
            self.load_invoices,
            self.load_tickets,
            self.load_credit_notes,
            self.load_coupons,
            self.load_returns,
            self.load_repairs,
            self.load_tasks,
        ]
        for step in steps:
            step()
        sync_name_sequences(self.session, self.names)
        set_next(self.session, "ticket", max(self.tickets, default=0) + 1)
        c = self.counts
        return DemoSummary(
            partners=c["partners"],
            users=c["users"],
            teams=c["teams"],
            products=c["products"],
            lots=c["lots"],
            sales_orders=c["sales_orders"],
            deliveries=c["deliveries"],
            invoices=c["invoices"],
            credit_notes=c["credit_notes"],
            coupon_programs=c["coupon_programs"],
            coupons=c["coupons"],
            returns=c["returns"],
            repairs=c["repairs"],
            projects=c["projects"],
            tasks=c["tasks"],
            tickets=c["tickets"],
            messages=c["messages"],
        )
