"""``aftersales check``: is the database sound, and does it keep the desk's rules?

Each check is one query that lists what breaks its rule (nothing when all is well): the
file's own integrity and foreign keys (SQLite), then the business invariants the services
keep inside their transactions, so that a crash, a bug or an edit by hand shows up here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from .. import formatting as fmt
from .. import fulltext
from ..db import Database
from ..i18n import _
from ..models import InvoiceState, MoveType, PickingKind, PickingState
from .tickets import MODEL as TICKET_MODEL

# Amounts and quantities are compared with these tolerances (stored as 2 and 3 decimals).
CENT = Decimal("0.005")
MILLI = Decimal("0.0005")


@dataclass(frozen=True)
class CheckResult:
    """One check: what it verifies and the violations found (none: it passed)."""

    label: str
    problems: tuple[str, ...] = ()
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


Finder = Callable[[Connection], list[str]]


def _rows(conn: Connection, sql: str, **params: object) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(text(sql), params).all()]


# --- the file itself (SQLite) ---------------------------------------------------------


def _integrity(conn: Connection) -> list[str]:
    found = [str(row[0]) for row in _rows(conn, "PRAGMA integrity_check")]
    return [] if found == ["ok"] else found


def _foreign_keys(conn: Connection) -> list[str]:
    return [
        _("{table} row {rowid} refers to a missing {parent}").format(
            table=table, rowid=rowid, parent=parent
        )
        for table, rowid, parent, _fk in _rows(conn, "PRAGMA foreign_key_check")
    ]


_INDEX_MESSAGES = {
    fulltext.MISSING: _("ticket {ref} is missing from the index"),
    fulltext.EXTRA: _("the index holds ticket {ref}, which does not exist"),
    fulltext.STALE: _("ticket {ref} is indexed with other text than it has"),
}


def _fulltext(conn: Connection) -> list[str]:
    return [
        _INDEX_MESSAGES[kind].format(ref=fmt.ticket_ref(number))
        for kind, number in fulltext.disagreements(conn) or []
    ]


# --- business invariants --------------------------------------------------------------


def _over_refunded(conn: Connection) -> list[str]:
    rows = _rows(
        conn,
        """
        SELECT i.name, i.id, i.amount_total, sum(c.amount_total)
        FROM invoice i JOIN invoice c ON c.reversed_entry_id = i.id
        WHERE c.move_type = :credit AND c.state != :cancelled
        GROUP BY i.id, i.name, i.amount_total
        HAVING sum(c.amount_total) > i.amount_total + :cent
        ORDER BY i.id
        """,
        credit=MoveType.CREDIT_NOTE.value,
        cancelled=InvoiceState.CANCELLED.value,
        cent=float(CENT),
    )
    return [
        _("{invoice}: credit notes total {credited} of {total}").format(
            invoice=name or f"#{ident}",
            credited=fmt.money(_decimal(credited)),
            total=fmt.money(_decimal(total)),
        )
        for name, ident, total, credited in rows
    ]


def _over_returned(conn: Connection) -> list[str]:
    rows = _rows(
        conn,
        """
        WITH returned AS (
            SELECT r.return_of_id AS delivery_id, l.product_id, l.lot_id,
                   sum(l.quantity) AS quantity
            FROM picking r JOIN pickingline l ON l.picking_id = r.id
            WHERE r.return_of_id IS NOT NULL AND r.kind = :incoming AND r.state != :cancelled
            GROUP BY r.return_of_id, l.product_id, l.lot_id
        ), delivered AS (
            SELECT picking_id AS delivery_id, product_id, lot_id, sum(quantity) AS quantity
            FROM pickingline GROUP BY picking_id, product_id, lot_id
        )
        SELECT d.name, p.name, lot.name, ret.quantity, coalesce(del.quantity, 0)
        FROM returned ret
        JOIN picking d ON d.id = ret.delivery_id
        JOIN product p ON p.id = ret.product_id
        LEFT JOIN lot ON lot.id = ret.lot_id
        LEFT JOIN delivered del ON del.delivery_id = ret.delivery_id
            AND del.product_id = ret.product_id
            AND (del.lot_id = ret.lot_id OR (del.lot_id IS NULL AND ret.lot_id IS NULL))
        WHERE ret.quantity > coalesce(del.quantity, 0) + :milli
        ORDER BY d.name, p.name
        """,
        incoming=PickingKind.INCOMING.value,
        cancelled=PickingState.CANCELLED.value,
        milli=float(MILLI),
    )
    return [
        _("{delivery}: {product} returned {returned} of {delivered} delivered").format(
            delivery=delivery,
            product=f"{product} ({lot})" if lot else product,
            returned=fmt.quantity(_decimal(returned)),
            delivered=fmt.quantity(_decimal(delivered)),
        )
        for delivery, product, lot, returned, delivered in rows
    ]


_NUMBERED = (
    ("ticket", "number", _("ticket number {name} is used {n} times")),
    ("invoice", "name", _("invoice or credit note {name} is used {n} times")),
    ("picking", "name", _("transfer {name} is used {n} times")),
    ("repairorder", "name", _("repair {name} is used {n} times")),
)


def _duplicate_numbers(conn: Connection) -> list[str]:
    problems: list[str] = []
    for table, column, message in _NUMBERED:
        rows = _rows(
            conn,
            f"SELECT {column}, count(*) FROM {table} WHERE {column} IS NOT NULL "
            f"GROUP BY {column} HAVING count(*) > 1 ORDER BY {column}",
        )
        problems += [message.format(name=name, n=n) for name, n in rows]
    return problems


# (what, table, the text its chatter message names it by, which rows are made from a ticket)
_FROM_TICKETS = (
    (_("credit note"), "invoice", "name", "r.move_type = :credit"),
    (_("return"), "picking", "name", "r.kind = :incoming"),
    (_("repair"), "repairorder", "name", "1 = 1"),
    (_("field service task"), "task", "title", "1 = 1"),
    (_("coupon"), "coupon", "code", "1 = 1"),
)


def _missing_chatter(conn: Connection) -> list[str]:
    problems: list[str] = []
    for what, table, named, made_from_ticket in _FROM_TICKETS:
        rows = _rows(
            conn,
            f"""
            SELECT r.id, r.{named}, t.number FROM {table} r JOIN ticket t ON t.id = r.ticket_id
            WHERE {made_from_ticket} AND NOT EXISTS (
                SELECT 1 FROM message m
                WHERE m.model = :ticket_model AND m.res_id = r.ticket_id
                  AND r.{named} IS NOT NULL AND m.body LIKE '%' || r.{named} || '%'
            )
            ORDER BY r.id
            """,
            ticket_model=TICKET_MODEL,
            credit=MoveType.CREDIT_NOTE.value,
            incoming=PickingKind.INCOMING.value,
        )
        problems += [
            _("{what} {name} has no message on ticket {ref}").format(
                what=what, name=name or f"#{ident}", ref=fmt.ticket_ref(number)
            )
            for ident, name, number in rows
        ]
    return problems


def _receipts_without_lines(conn: Connection) -> list[str]:
    rows = _rows(
        conn,
        """
        SELECT name FROM picking p WHERE kind = :incoming
        AND NOT EXISTS (SELECT 1 FROM pickingline l WHERE l.picking_id = p.id) ORDER BY name
        """,
        incoming=PickingKind.INCOMING.value,
    )
    return [_("receipt {name} has no line").format(name=name) for (name,) in rows]


def _credit_notes_without_lines(conn: Connection) -> list[str]:
    rows = _rows(
        conn,
        """
        SELECT id, name FROM invoice i WHERE move_type = :credit
        AND NOT EXISTS (SELECT 1 FROM invoiceline l WHERE l.invoice_id = i.id) ORDER BY id
        """,
        credit=MoveType.CREDIT_NOTE.value,
    )
    return [
        _("credit note {name} has no line").format(name=name or f"#{ident}") for ident, name in rows
    ]


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


# --- running them ---------------------------------------------------------------------


def _checks(dialect: str) -> list[tuple[str, Finder | None]]:
    sqlite = dialect == "sqlite"
    return [
        (_("Database file integrity"), _integrity if sqlite else None),
        (_("Foreign keys"), _foreign_keys if sqlite else None),
        (_("No invoice refunded beyond its total"), _over_refunded),
        (_("No delivery returned beyond what was delivered"), _over_returned),
        (_("Numbers and names used once"), _duplicate_numbers),
        (_("Records made from a ticket are in its chatter"), _missing_chatter),
        (_("Every receipt has a line"), _receipts_without_lines),
        (_("Every credit note has a line"), _credit_notes_without_lines),
        (
            _("Full-text index agrees with the tickets"),
            _fulltext if fulltext.has_index(dialect) else None,
        ),
    ]


def run(db: Database) -> list[CheckResult]:
    """Every check, in order, in one consistent read."""
    results: list[CheckResult] = []
    with db.read() as session:
        conn = session.connection()
        for label, finder in _checks(conn.dialect.name):
            if finder is None:
                results.append(CheckResult(label, skipped=True))
            else:
                results.append(CheckResult(label, tuple(finder(conn))))
    return results


SHOWN = 20  # violations listed per check; the rest are counted


def report_line(result: CheckResult) -> str:
    """``label: OK``, or the label and its violations on one line."""
    if result.skipped:
        return _("{label}: skipped (not on this database)").format(label=result.label)
    if result.ok:
        return _("{label}: OK").format(label=result.label)
    shown = "; ".join(result.problems[:SHOWN])
    more = len(result.problems) - SHOWN
    if more > 0:
        shown += "; " + _("and {n} more").format(n=more)
    return _("{label}: FAILED: {problems}").format(label=result.label, problems=shown)
