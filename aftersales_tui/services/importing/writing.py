"""Writing checked rows: new records inserted in bulk, known ones updated in bulk.

Works on every backend: the ``ext_ref`` of a type are read into a dict, the new rows go in
with one multi-row INSERT, the known ones with one executemany UPDATE (no backend-specific
upsert). Columns a file does not have are left as they are on update.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlmodel import Session

from ...models import Invoice, InvoiceLine, Partner, TaskStage, Ticket, TicketFollower, User
from ..demo.bulk import table_of
from ..sequences import next_number, set_next, sync_name_sequences
from .checks import Row
from .types import RecordType

CHUNK = 5_000
# A field-service project imported without stages gets these (name, closed).
DEFAULT_STAGES = (("New", False), ("Planned", False), ("In Progress", False), ("Done", True))


def stored_refs(session: Session, rtype: RecordType) -> dict[str, int]:
    table = table_of(rtype.model)
    query = select(table.c.ext_ref, table.c.id).where(table.c.ext_ref.is_not(None))
    return {ref: id_ for ref, id_ in session.execute(query)}


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _defaults(rtype: RecordType) -> dict[str, Any]:
    """Every column of a new record, with the record's own default."""
    found: dict[str, Any] = {}
    for name, info in rtype.model.model_fields.items():
        if name != "id":
            found[name] = info.get_default(call_default_factory=True)
    return found


class Writer:
    """Writes the checked rows of a run, type after type, inside the caller's transaction."""

    def __init__(self, session: Session, now: datetime, refs: dict[str, dict[str, int]]) -> None:
        self.session = session
        self.conn = session.connection()
        self.now = now
        self.refs = refs
        self.names: list[str] = []

    def write(self, rtype: RecordType, rows: list[Row]) -> tuple[int, int]:
        """Insert the new rows and update the known ones; (created, updated)."""
        table = table_of(rtype.model)
        known = self.refs.setdefault(rtype.name, {})
        new = [r for r in rows if r.ext_ref not in known]
        old = [r for r in rows if r.ext_ref in known]
        before = _BEFORE.get(rtype.name)
        if before is not None:
            before(self, new, old)
        base = _defaults(rtype) | dict(rtype.fixed) | dict.fromkeys(rtype.stamped, self.now)
        base |= {
            c.target: c.default
            for c in rtype.columns
            if c.ref is None and c.target and c.default is not None
        }
        inserts = [base | self._fields(rtype, row) | {"ext_ref": row.ext_ref} for row in new]
        for chunk in _chunks(inserts):
            self.conn.execute(insert(table), chunk)
        self.update_rows(table, [(known[r.ext_ref], self._fields(rtype, r)) for r in old])
        self.refs[rtype.name] = stored_refs(self.session, rtype)
        self._self_refs(rtype, table, rows)
        if rtype.named:
            self.names += [str(r.values[rtype.named]) for r in rows]
        after = _AFTER.get(rtype.name)
        if after is not None:
            after(self, rows)
        return len(new), len(old)

    def _fields(self, rtype: RecordType, row: Row) -> dict[str, Any]:
        fields = dict(row.values)
        for column in rtype.columns:
            if column.ref is None or column.many or column.ref == rtype.name:
                continue
            if column.name in row.header and column.target is not None:
                target = row.refs.get(column.name)
                fields[column.target] = None if target is None else self.refs[column.ref][target]
        return fields

    def update_rows(self, table: Table, changes: list[tuple[int, dict[str, Any]]]) -> None:
        """One executemany UPDATE per set of columns."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for id_, fields in changes:
            keys = tuple(sorted(fields))
            groups[keys].append({"_id": id_} | {f"v_{k}": fields[k] for k in keys})
        for keys, params in groups.items():
            if not keys:
                continue
            statement = (
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({k: bindparam(f"v_{k}") for k in keys})
            )
            for chunk in _chunks(params):
                self.conn.execute(statement, chunk)

    def _self_refs(self, rtype: RecordType, table: Table, rows: list[Row]) -> None:
        """References to records of the same type (a contact's company), once all exist."""
        for column in rtype.columns:
            if column.ref != rtype.name or column.target is None:
                continue
            known = self.refs[rtype.name]
            changes = [
                (known[r.ext_ref], {column.target: known.get(r.refs.get(column.name) or "")})
                for r in rows
                if column.name in r.header
            ]
            self.update_rows(table, changes)


# --- what some types need besides their own rows -------------------------------------------

Hook = Callable[[Writer, list[Row], list[Row]], None]
AfterHook = Callable[[Writer, list[Row]], None]


def _users_before(writer: Writer, new: list[Row], old: list[Row]) -> None:
    """Every agent has a partner (to follow tickets): created with the agent, kept in step."""
    partners = [Partner(name=r.values["name"], email=r.extra.get("email") or None) for r in new]
    writer.session.add_all(partners)
    writer.session.flush()
    for row, partner in zip(new, partners, strict=True):
        row.values["partner_id"] = partner.id
    users = table_of(User)
    ids = [writer.refs["users"][r.ext_ref] for r in old]
    owners: dict[int, int] = {}
    for chunk in _chunks(ids):
        query = select(users.c.id, users.c.partner_id).where(users.c.id.in_(chunk))
        owners.update(writer.session.execute(query).all())
    changes = []
    for row in old:
        fields: dict[str, Any] = {}
        if "name" in row.header:
            fields["name"] = row.values["name"]
        if "email" in row.header:
            fields["email"] = row.extra.get("email") or None
        changes.append((owners[writer.refs["users"][row.ext_ref]], fields))
    writer.update_rows(table_of(Partner), changes)


def _tickets_before(writer: Writer, new: list[Row], old: list[Row]) -> None:
    """New tickets without a number take the next ones; the sequence continues after all."""
    numbers = [r.values["number"] for r in new + old if r.values.get("number")]
    session = writer.session
    if numbers:
        set_next(session, "ticket", max(numbers) + 1)
    unnumbered = [r for r in new if not r.values.get("number")]
    if unnumbered:
        first = next_number(session, "ticket", start=lambda: _after_last_ticket(session))
        for offset, row in enumerate(unnumbered):
            row.values["number"] = first + offset
        set_next(session, "ticket", first + len(unnumbered))
    for row in new:
        if "created_at" in row.values and "updated_at" not in row.values:
            row.values["updated_at"] = row.values["created_at"]
    for row in new + old:
        if row.values.get("created_at") is None:
            row.values.pop("created_at", None)
        if row.values.get("updated_at") is None:
            row.values.pop("updated_at", None)


def _after_last_ticket(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(Ticket.number), 0))).scalar_one()) + 1


def _tickets_after(writer: Writer, rows: list[Row]) -> None:
    """The customer and the followers named follow their ticket (followers are only added)."""
    tickets = writer.refs["tickets"]
    customers = writer.refs["customers"]
    wanted: set[tuple[int, int]] = set()
    for row in rows:
        ticket_id = tickets[row.ext_ref]
        for ref in [row.refs.get("customer"), *row.many.get("followers", [])]:
            if ref:
                wanted.add((ticket_id, customers[ref]))
    if not wanted:
        return
    table = table_of(TicketFollower)
    ticket_ids = sorted({t for t, _p in wanted})
    present: set[tuple[int, int]] = set()
    for chunk in _chunks(ticket_ids):
        query = select(table.c.ticket_id, table.c.partner_id).where(table.c.ticket_id.in_(chunk))
        present.update(writer.session.execute(query))
    missing = [{"ticket_id": t, "partner_id": p} for t, p in sorted(wanted - present)]
    for chunk in _chunks(missing):
        writer.conn.execute(insert(table), chunk)


def _invoice_lines_after(writer: Writer, rows: list[Row]) -> None:
    """An invoice's total is the sum of its lines."""
    invoices = writer.refs["invoices"]
    ids = sorted({invoices[r.refs["invoice"] or ""] for r in rows if r.refs.get("invoice")})
    lines = table_of(InvoiceLine)
    table = table_of(Invoice)
    total = (
        select(func.coalesce(func.sum(func.round(lines.c.quantity * lines.c.price_unit, 2)), 0))
        .where(lines.c.invoice_id == table.c.id)
        .scalar_subquery()
    )
    for chunk in _chunks(ids):
        writer.conn.execute(update(table).where(table.c.id.in_(chunk)).values(amount_total=total))


def _projects_after(writer: Writer, rows: list[Row]) -> None:
    """A project without stages gets the usual ones, so that tasks can be planned."""
    projects = writer.refs["projects"]
    ids = {projects[r.ext_ref] for r in rows}
    stages = table_of(TaskStage)
    with_stages = set(
        writer.session.execute(
            select(stages.c.project_id).where(stages.c.project_id.in_(ids)).distinct()
        ).scalars()
    )
    new = [
        {"project_id": p, "name": name, "sequence": 10 * (n + 1), "is_closed": closed}
        for p in sorted(ids - with_stages)
        for n, (name, closed) in enumerate(DEFAULT_STAGES)
    ]
    if new:
        writer.conn.execute(insert(stages), new)


def finish(writer: Writer) -> None:
    """After every type: document sequences continue after the imported names."""
    sync_name_sequences(writer.session, writer.names)


_BEFORE: dict[str, Hook] = {"users": _users_before, "tickets": _tickets_before}
_AFTER: dict[str, AfterHook] = {
    "tickets": _tickets_after,
    "invoice_lines": _invoice_lines_after,
    "projects": _projects_after,
}
