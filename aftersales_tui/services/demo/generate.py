"""A big, consistent demo database on demand: N tickets and everything around them.

``generate`` fills an empty database with the demo's agents, teams, projects, products, places,
journals, programs and tags (the same as ``aftersales demo``), then generated data in proportion
to N: customers (N/25), sales orders (N/2) with their lines, done deliveries and posted invoices
for the confirmed ones, the N tickets with their followers and chatter, and after-sales records
on a few of them. The same N, seed and day give the same database.

Rows are made lazily, in date order, and go in by bulk inserts (``bulk.py``), in ONE write
transaction: a failure half-way leaves the database as empty as it was. Memory stays bounded:
one batch of rows at a time, and the orders of about the last year.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select

from ...db import Database
from ...i18n import _
from ...models import Invoice, Lot, Partner, Picking, RepairOrder, SalesOrder, Ticket
from ..context import Context
from ..errors import AfterSalesError
from ..sequences import set_next, sync_name_sequences
from . import DemoLoader, _is_empty, demo_data_dir
from .bulk import BulkWriter, Stamps, table_of
from .catalogue import FUTURE_DAYS, Catalogue, Ids, Making, Names, Plan
from .generated_sales import SalesMaker, make_customers
from .generated_tickets import TicketMaker

Progress = Callable[[int, int], None]

BATCH = 5_000  # tickets per batch (with the orders, deliveries and invoices before them)
FIRST_NUMBER = 1001  # as the demo's


@dataclass(frozen=True)
class GenerateStats:
    """How many records ``generate`` wrote (``rows``: every generated row, of every table)."""

    tickets: int
    customers: int
    sales_orders: int
    deliveries: int
    invoices: int
    credit_notes: int
    coupons: int
    returns: int
    repairs: int
    tasks: int
    messages: int
    rows: int


def generate(
    db: Database,
    ctx: Context,
    tickets: int,
    today: date,
    *,
    seed: int = 0,
    progress: Progress | None = None,
) -> GenerateStats:
    """Fill an empty database with ``tickets`` tickets and what they refer to, dated up to
    the day before ``today``. ``progress(done, total)`` is called after every batch.

    ``ctx`` is taken as by every service; nothing generated depends on its clock or agent,
    so that the same ``tickets``, ``today`` and ``seed`` always give the same rows.
    """
    if tickets < 1:
        raise AfterSalesError(_("The number of tickets must be at least 1"), field="tickets")
    if db.engine.dialect.name != "sqlite":
        raise AfterSalesError(_("Generated demo data can only be written to a SQLite database"))
    plan = Plan.of(tickets, today)
    with db.bulk_write() as session:
        if not _is_empty(session):
            raise AfterSalesError(
                _("The database is not empty: demo data can only be generated into an empty one")
            )
        catalogue = _master_data(session, today)
        ids = Ids({table_of(m).name: _after_last(session, m) for m in _GENERATED})
        writer = BulkWriter(session)
        making = Making(
            writer=writer,
            catalogue=catalogue,
            plan=plan,
            stamps=Stamps(plan.first_day, plan.days + FUTURE_DAYS),
            names=Names(),
            ids=ids,
            rng=random.Random(seed),
        )
        _make(making, progress or _quiet)
        stats = _stats(writer)
        sync_name_sequences(session, making.names.highest())
        set_next(session, "ticket", FIRST_NUMBER + tickets)
        return stats


_GENERATED: tuple[type[SQLModel], ...] = (
    Partner,
    Lot,
    SalesOrder,
    Picking,
    Invoice,
    Ticket,
    RepairOrder,
)


def _quiet(done: int, total: int) -> None:
    pass


def _after_last(session: Session, model: type[SQLModel]) -> int:
    highest = session.exec(select(func.max(model.id))).one()  # type: ignore[attr-defined]
    return int(highest or 0) + 1


def _master_data(session: Session, today: date) -> Catalogue:
    """The demo's agents, teams, projects, products, places, journals, programs and tags."""
    loader = DemoLoader(session, demo_data_dir(), today)
    loader.load_setup()
    return Catalogue.read(session, loader.products)


def _make(making: Making, progress: Progress) -> None:
    plan, writer, ids = making.plan, making.writer, making.ids
    total = plan.customers + plan.orders + plan.tickets
    first_customer = ids.following["partner"]
    names = make_customers(writer, plan, making.rng, first_customer)
    done = plan.customers
    progress(done, total)
    sales = SalesMaker(making, first_customer)
    maker = TicketMaker(making, sales, FIRST_NUMBER, first_customer, names)
    for first in range(0, plan.tickets, BATCH):
        last = min(first + BATCH, plan.tickets)
        done += maker.make(first, last) + last - first
        writer.flush()
        progress(done, total)
    done += sales.make_until(plan.days)  # the orders after the last ticket
    writer.flush()
    progress(done, total)


def _stats(writer: BulkWriter) -> GenerateStats:
    w = writer.written
    return GenerateStats(
        tickets=w("tickets"),
        customers=w("customers"),
        sales_orders=w("sales_orders"),
        deliveries=w("deliveries"),
        invoices=w("invoices"),
        credit_notes=w("credit_notes"),
        coupons=w("coupons"),
        returns=w("returns"),
        repairs=w("repairs"),
        tasks=w("tasks"),
        messages=w("messages"),
        rows=writer.total,
    )
