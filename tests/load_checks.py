"""What must hold on a database after many agents worked on it at once, or were killed.

Each check returns the problems it found (empty: all is well), so that a failing test names
every broken record at once.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, col, select

from aftersales_tui.copying import copy_database
from aftersales_tui.db import Database, open_database
from aftersales_tui.models import (
    Coupon,
    Invoice,
    InvoiceLine,
    InvoiceState,
    Message,
    MoveType,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    RepairOrder,
    Sequence,
    Task,
    Ticket,
)
from aftersales_tui.services import sequences
from aftersales_tui.services.context import Context
from aftersales_tui.services.demo.generate import generate

from . import pg_server
from .conftest import TODAY

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def shared_database(tmp_path: Path, ctx: Context, tickets: int) -> Iterator[Database]:
    """A database of ``tickets`` generated tickets for agents in other processes: a SQLite
    file, or a PostgreSQL database (generated into a file, then copied there) when the
    tests run on PostgreSQL."""
    path = tmp_path / "shared.db"
    db = open_database(str(path))
    try:
        generate(db, ctx, tickets, TODAY)
        if not pg_server.on_postgres():
            yield db
            return
        with pg_server.opened("empty") as server:
            copy_database(db, server)
            yield server
    finally:
        db.dispose()


def url_of(db: Database) -> str:
    """What to give another process to open ``db``."""
    return db.url.render_as_string(hide_password=False)


def start_worker(db_url: str, log: Path, seed: int, ops: int) -> subprocess.Popen[str]:
    """An agent in its own process (see tests/load_worker.py)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.load_worker", db_url, str(log)]
        + ["--seed", str(seed), "--ops", str(ops)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def integrity(db: Database) -> list[str]:
    """SQLite's own checks of the file and its foreign keys (a server keeps both itself)."""
    if db.engine.dialect.name != "sqlite":
        return []
    with db.read() as session:
        conn = session.connection()
        rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        keys = list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
    return ([] if rows == ["ok"] else rows) + [f"foreign key: {k}" for k in keys]


@dataclass(frozen=True)
class Baseline:
    """The highest ids before the agents started: what is above was written by them."""

    invoice: int
    picking: int
    repair: int
    task: int
    coupon: int
    ticket: int
    message: int


def _top(session: Session, column: object) -> int:
    return max((i for i in session.exec(select(column)).all() if i is not None), default=0)  # type: ignore[call-overload]


def baseline(db: Database) -> Baseline:
    with db.read() as session:
        return Baseline(
            invoice=_top(session, Invoice.id),
            picking=_top(session, Picking.id),
            repair=_top(session, RepairOrder.id),
            task=_top(session, Task.id),
            coupon=_top(session, Coupon.id),
            ticket=_top(session, Ticket.id),
            message=_top(session, Message.id),
        )


# --- invariants on the whole database -----------------------------------------------------


def _repeated(kind: str, values: Iterable[object]) -> list[str]:
    counts = Counter(v for v in values if v is not None)  # a draft invoice has no name yet
    return [f"{kind} {v} used {n} times" for v, n in counts.items() if n > 1]


def duplicate_numbers(db: Database) -> list[str]:
    with db.read() as session:
        return (
            _repeated("ticket number", session.exec(select(Ticket.number)).all())
            + _repeated("invoice name", session.exec(select(Invoice.name)).all())
            + _repeated("picking name", session.exec(select(Picking.name)).all())
            + _repeated("repair name", session.exec(select(RepairOrder.name)).all())
            + _repeated("coupon code", session.exec(select(Coupon.code)).all())
        )


def sequences_ahead(db: Database) -> list[str]:
    """Every sequence hands out a number above the highest name or number already used."""
    problems: list[str] = []
    with db.read() as session:
        following = {s.code: s.next_number for s in session.exec(select(Sequence)).all()}
        highest: dict[str, int] = defaultdict(int)
        names = (
            list(session.exec(select(Invoice.name)).all())
            + list(session.exec(select(Picking.name)).all())
            + list(session.exec(select(RepairOrder.name)).all())
        )
        for name in names:
            parts = sequences.split_name(name or "")
            if parts is not None:
                highest["name:" + parts[0]] = max(highest["name:" + parts[0]], parts[1])
        highest["ticket"] = max(session.exec(select(Ticket.number)).all())
    for code, top in highest.items():
        if code in following and following[code] <= top:
            problems.append(f"sequence {code} would hand out {following[code]} again (<= {top})")
    return problems


def over_refunded(db: Database) -> list[str]:
    """Credit notes (not cancelled) of an invoice never total more than the invoice."""
    with db.read() as session:
        invoices = {
            i.id: i
            for i in session.exec(select(Invoice).where(Invoice.move_type == MoveType.INVOICE))
        }
        credited: dict[int, Decimal] = defaultdict(Decimal)
        for credit in session.exec(
            select(Invoice).where(
                Invoice.move_type == MoveType.CREDIT_NOTE,
                Invoice.state != InvoiceState.CANCELLED,
                col(Invoice.reversed_entry_id).is_not(None),
            )
        ):
            credited[credit.reversed_entry_id or 0] += credit.amount_total
    return [
        f"{invoices[i].name}: {total} credited for {invoices[i].amount_total}"
        for i, total in credited.items()
        if i in invoices and total > invoices[i].amount_total
    ]


def over_returned(db: Database) -> list[str]:
    """Returns (not cancelled) of a delivery never hold more than it delivered, per product
    and lot."""
    delivered: dict[tuple[int, int, int | None], Decimal] = defaultdict(Decimal)
    returned: dict[tuple[int, int, int | None], Decimal] = defaultdict(Decimal)
    with db.read() as session:
        rows = session.exec(
            select(Picking, PickingLine).join(
                PickingLine, col(PickingLine.picking_id) == Picking.id
            )
        ).all()
        names = {p.id: p.name for p, _line in rows}
    for picking, line in rows:
        if picking.kind == PickingKind.OUTGOING:
            delivered[(picking.id or 0, line.product_id, line.lot_id)] += line.quantity
        elif picking.return_of_id is not None and picking.state != PickingState.CANCELLED:
            returned[(picking.return_of_id, line.product_id, line.lot_id)] += line.quantity
    return [
        f"{names.get(key[0])} product {key[1]} lot {key[2]}: {qty} returned of {delivered[key]}"
        for key, qty in returned.items()
        if qty > delivered[key]
    ]


# --- every action all or nothing ------------------------------------------------------------

PATTERNS = {
    "refund": re.compile(r"^Refund (\S+) created \("),
    "return": re.compile(r"^Return (\S+) created for "),
    "repair": re.compile(r"^Repair (\S+) created \("),
    "coupon": re.compile(r"^Coupon (\S+) generated \("),
    "task": re.compile(r"^Field service task created: (.*) \([^()]*\)$", re.DOTALL),
}


def ticket_messages(db: Database, since: int) -> dict[str, Counter[tuple[int, str]]]:
    """Per action, the (ticket, record name) of the ticket messages posted after ``since``."""
    found: dict[str, Counter[tuple[int, str]]] = {kind: Counter() for kind in PATTERNS}
    with db.read() as session:
        for message in session.exec(
            select(Message).where(col(Message.id) > since, Message.model == "ticket")
        ):
            for kind, pattern in PATTERNS.items():
                match = pattern.match(message.body)
                if match:
                    found[kind][(message.res_id, match.group(1))] += 1
    return found


def written_records(db: Database, base: Baseline) -> dict[str, Counter[tuple[int, str]]]:
    """Per action, the (ticket, name) of the records written after ``base``."""
    with db.read() as session:
        credit_notes = session.exec(
            select(Invoice.ticket_id, Invoice.name).where(
                col(Invoice.id) > base.invoice, Invoice.move_type == MoveType.CREDIT_NOTE
            )
        ).all()
        receipts = session.exec(
            select(Picking.ticket_id, Picking.name).where(
                col(Picking.id) > base.picking, Picking.kind == PickingKind.INCOMING
            )
        ).all()
        repairs = session.exec(
            select(RepairOrder.ticket_id, RepairOrder.name).where(col(RepairOrder.id) > base.repair)
        ).all()
        coupons = session.exec(
            select(Coupon.ticket_id, Coupon.code).where(col(Coupon.id) > base.coupon)
        ).all()
        tasks = session.exec(select(Task.ticket_id, Task.title).where(col(Task.id) > base.task))
        return {
            "refund": Counter((t or 0, n or "") for t, n in credit_notes),
            "return": Counter((t or 0, n) for t, n in receipts),
            "repair": Counter((t or 0, n) for t, n in repairs),
            "coupon": Counter((t or 0, n) for t, n in coupons),
            "task": Counter((t or 0, n) for t, n in tasks.all()),
        }


def all_or_nothing(db: Database, base: Baseline) -> list[str]:
    """Each record written after ``base`` has its ticket message, and each message its record
    (exactly once); credit notes and returns have lines; new tickets their first message."""
    problems: list[str] = []
    records = written_records(db, base)
    messages = ticket_messages(db, base.message)
    for kind in PATTERNS:
        for key in records[kind] | messages[kind]:
            if records[kind][key] != 1 or messages[kind][key] != 1:
                problems.append(
                    f"{kind} {key}: {records[kind][key]} record(s), "
                    f"{messages[kind][key]} message(s) on the ticket"
                )
    with db.read() as session:
        bare_invoices = session.exec(
            select(Invoice.name).where(
                col(Invoice.id) > base.invoice,
                ~select(InvoiceLine.id).where(InvoiceLine.invoice_id == Invoice.id).exists(),
            )
        ).all()
        bare_receipts = session.exec(
            select(Picking.name).where(
                col(Picking.id) > base.picking,
                ~select(PickingLine.id).where(PickingLine.picking_id == Picking.id).exists(),
            )
        ).all()
        silent_tickets = session.exec(
            select(Ticket.number).where(
                col(Ticket.id) > base.ticket,
                ~select(Message.id)
                .where(
                    Message.model == "ticket",
                    Message.res_id == Ticket.id,
                    Message.body == "Ticket created",
                )
                .exists(),
            )
        ).all()
        reversals = Counter(
            (m.res_id, m.body.split(" ")[2])
            for m in session.exec(
                select(Message).where(
                    col(Message.id) > base.message,
                    Message.model == "invoice",
                    col(Message.body).startswith("Reversed by "),
                )
            )
        )
        credit_notes = session.exec(
            select(Invoice.reversed_entry_id, Invoice.name).where(
                col(Invoice.id) > base.invoice, Invoice.move_type == MoveType.CREDIT_NOTE
            )
        ).all()
    problems += [f"{name} has no lines" for name in bare_invoices + bare_receipts]
    problems += [f"ticket #{n} has no 'Ticket created' message" for n in silent_tickets]
    expected = Counter((i or 0, name or "") for i, name in credit_notes)
    problems += [
        f"invoice {key[0]}: {expected[key]} credit note(s) {key[1]}, {n} 'Reversed by' message(s)"
        for key, n in (expected | reversals).items()
        if expected[key] != 1 or reversals[key] != 1
    ]
    return problems


def invariants(db: Database, base: Baseline) -> list[str]:
    return (
        integrity(db)
        + duplicate_numbers(db)
        + sequences_ahead(db)
        + over_refunded(db)
        + over_returned(db)
        + all_or_nothing(db, base)
    )
