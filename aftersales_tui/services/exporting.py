"""Exporting what the desk creates, for the ERP to book: credit notes with their lines,
coupons, return receipts with their lines, repair orders with their parts, tasks.

Every document carries its desk id, its ``ext_ref`` (when it has one), the ticket it came
from (number and ``ext_ref``) and, for every record it refers to, that record's name and
``ext_ref``. CSV gives one file per document type and one per line type; JSON one file per
document type, lines nested. ``since`` keeps the documents created or changed from then on.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select
from sqlmodel import Session, SQLModel, col

from ..db import Database
from ..i18n import _
from ..models import (
    Coupon,
    CouponProgram,
    Invoice,
    InvoiceLine,
    Journal,
    Location,
    Lot,
    MoveType,
    Partner,
    Picking,
    PickingKind,
    PickingLine,
    Product,
    Project,
    RepairLine,
    RepairOrder,
    SalesOrder,
    Task,
    TaskStage,
    Ticket,
    User,
    WorksheetTemplate,
)
from .context import Context
from .errors import AfterSalesError

CHUNK = 500


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True)
class Link:
    """A reference to another record: exported as its name (``name``) and ``name_ref``."""

    name: str
    attr: str
    model: type[SQLModel]
    label: str = "name"


Field = str | Link


@dataclass(frozen=True)
class Lines:
    name: str  # the CSV file's name; JSON nests the lines under ``key``
    key: str
    model: type[SQLModel]
    parent: str  # the attribute pointing at the document
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Document:
    name: str
    singular: str  # the lines' column naming their document
    model: type[SQLModel]
    where: tuple[Any, ...]
    fields: tuple[Field, ...]
    lines: Lines | None = None


_TICKET = Link("ticket", "ticket_id", Ticket, "number")
_CUSTOMER = Link("customer", "partner_id", Partner)
_PRODUCT = Link("product", "product_id", Product)
_LOT = Link("lot", "lot_id", Lot)

DOCUMENTS: tuple[Document, ...] = (
    Document(
        "credit_notes", "credit_note", Invoice,
        (col(Invoice.move_type) == MoveType.CREDIT_NOTE,),
        (
            "id", "ext_ref", "name", "state", "payment_state", _CUSTOMER,
            Link("journal", "journal_id", Journal, "code"), "invoice_date",
            Link("reversed_invoice", "reversed_entry_id", Invoice), "ref", "amount_total",
            _TICKET, "created_at", "updated_at",
        ),
        Lines(
            "credit_note_lines", "lines", InvoiceLine, "invoice_id",
            (_PRODUCT, _LOT, "label", "quantity", "price_unit"),
        ),
    ),
    Document(
        "coupons", "coupon", Coupon, (),
        (
            "id", "ext_ref", "code", Link("program", "program_id", CouponProgram), _CUSTOMER,
            "expiration_date", "state", _TICKET, "created_at", "updated_at",
        ),
    ),
    Document(
        "returns", "return", Picking, (col(Picking.kind) == PickingKind.INCOMING,),
        (
            "id", "ext_ref", "name", "state", "origin", Link("return_of", "return_of_id", Picking),
            _CUSTOMER, Link("sales_order", "sale_order_id", SalesOrder),
            Link("from", "location_id", Location), Link("to", "location_dest_id", Location),
            _TICKET, "created_at", "date_done", "updated_at",
        ),
        Lines("return_lines", "lines", PickingLine, "picking_id", (_PRODUCT, _LOT, "quantity")),
    ),
    Document(
        "repairs", "repair", RepairOrder, (),
        (
            "id", "ext_ref", "name", "state", "description", _CUSTOMER, _PRODUCT, _LOT,
            Link("return", "return_picking_id", Picking), "under_warranty", "schedule_date",
            Link("responsible", "user_id", User, "login"), "invoice_method", _TICKET,
            "created_at", "updated_at",
        ),
        Lines(
            "repair_parts", "parts", RepairLine, "repair_id", (_PRODUCT, "quantity", "price_unit")
        ),
    ),
    Document(
        "tasks", "task", Task, (),
        (
            "id", "ext_ref", "title", Link("project", "project_id", Project),
            Link("stage", "stage_id", TaskStage), _CUSTOMER,
            Link("worksheet_template", "worksheet_template_id", WorksheetTemplate),
            Link("responsible", "user_id", User, "login"), "planned_date", _TICKET,
            "created_at", "updated_at",
        ),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class ExportReport:
    counts: dict[str, int]  # document type -> documents exported
    files: tuple[Path, ...]
    until: datetime  # give it as the next export's ``since``


def columns(fields: Iterable[Field]) -> list[str]:
    names: list[str] = []
    for f in fields:
        if isinstance(f, Link):
            has_ref = "ext_ref" in f.model.model_fields
            names += [f.name, f"{f.name}_ref"] if has_ref else [f.name]
        else:
            names.append(f)
    return names


class _Names:
    """The name and ext_ref of referenced records, read in chunks."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[tuple[str, str], dict[int, tuple[Any, Any]]] = {}

    def load(self, link: Link, ids: set[int]) -> dict[int, tuple[Any, Any]]:
        table = link.model.__table__  # type: ignore[attr-defined]
        found = self.cache.setdefault((table.name, link.label), {})
        wanted = sorted(i for i in ids if i not in found)
        ref = table.c.ext_ref if "ext_ref" in table.c else table.c.id
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            query = select(table.c.id, table.c[link.label], ref).where(table.c.id.in_(chunk))
            for id_, label, ext_ref in self.session.execute(query):
                found[id_] = (label, ext_ref if "ext_ref" in table.c else None)
        return found


def _rows(names: _Names, records: Sequence[Any], fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{} for _r in records]
    for f in fields:
        if isinstance(f, Link):
            ids = {getattr(r, f.attr) for r in records} - {None}
            found = names.load(f, ids)
            for row, record in zip(rows, records, strict=True):
                label, ext_ref = found.get(getattr(record, f.attr), (None, None))
                row[f.name] = label
                if "ext_ref" in f.model.model_fields:
                    row[f"{f.name}_ref"] = ext_ref
        else:
            for row, record in zip(rows, records, strict=True):
                row[f] = getattr(record, f)
    return rows


def _changed_since(model: Any, since: datetime) -> Any:
    return or_(
        model.updated_at >= since,
        and_(model.updated_at.is_(None), model.created_at >= since),
    )


def read_documents(
    session: Session, document: Document, since: datetime | None
) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    """The documents of one type (oldest first) and, for each, its lines."""
    model: Any = document.model
    query = select(model).where(*document.where).order_by(model.id)
    if since is not None:
        query = query.where(_changed_since(model, since))
    records = list(session.execute(query).scalars())
    names = _Names(session)
    rows = _rows(names, records, document.fields)
    lines: list[list[dict[str, Any]]] = [[] for _r in records]
    if document.lines is not None:
        spec = document.lines
        line_model: Any = spec.model
        position = {r.id: n for n, r in enumerate(records)}
        ids = sorted(position)
        for start in range(0, len(ids), CHUNK):
            parent = getattr(line_model, spec.parent)
            found = list(
                session.execute(
                    select(line_model)
                    .where(parent.in_(ids[start : start + CHUNK]))
                    .order_by(line_model.id)
                ).scalars()
            )
            for record, row in zip(found, _rows(names, found, spec.fields), strict=True):
                owner = position[getattr(record, spec.parent)]
                lines[owner].append(row)
    return rows, lines


def _plain(value: Any) -> Any:
    """A value as JSON holds it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(_plain(value))


def export(
    db: Database,
    ctx: Context,
    to: Path,
    fmt: ExportFormat = ExportFormat.CSV,
    since: datetime | None = None,
) -> ExportReport:
    """Write the documents (all, or those changed since ``since``) into the folder ``to``."""
    until = ctx.now()
    try:
        to.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AfterSalesError(
            _("Cannot create the folder {path}: {reason}").format(path=to, reason=exc.strerror)
        ) from exc
    counts: dict[str, int] = {}
    files: list[Path] = []
    with db.read() as session:
        for document in DOCUMENTS:
            rows, lines = read_documents(session, document, since)
            counts[document.name] = len(rows)
            files += _write(to, fmt, document, rows, lines)
    return ExportReport(counts=counts, files=tuple(files), until=until)


def _write(
    to: Path,
    fmt: ExportFormat,
    document: Document,
    rows: list[dict[str, Any]],
    lines: list[list[dict[str, Any]]],
) -> list[Path]:
    try:
        if fmt == ExportFormat.JSON:
            path = to / f"{document.name}.json"
            nested = [
                {k: _plain(v) for k, v in row.items()}
                | (
                    {document.lines.key: [{k: _plain(v) for k, v in ln.items()} for ln in own]}
                    if document.lines is not None
                    else {}
                )
                for row, own in zip(rows, lines, strict=True)
            ]
            path.write_text(json.dumps(nested, indent=2, ensure_ascii=False) + "\n", "utf-8")
            return [path]
        path = to / f"{document.name}.csv"
        write_csv(path, columns(document.fields), rows)
        written = [path]
        if document.lines is not None:
            spec = document.lines
            line_path = to / f"{spec.name}.csv"
            parent_columns = [f"{document.singular}_id", document.singular]
            line_rows = [
                {parent_columns[0]: row["id"], parent_columns[1]: row.get("name")} | line
                for row, own in zip(rows, lines, strict=True)
                for line in own
            ]
            write_csv(line_path, parent_columns + columns(spec.fields), line_rows)
            written.append(line_path)
        return written
    except OSError as exc:
        raise AfterSalesError(
            _("Cannot write into {path}: {reason}").format(path=to, reason=exc.strerror)
        ) from exc


def write_csv(path: Path, header: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    """A CSV file (UTF-8, a header line) of rows given as dicts."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(row.get(name)) for name in header])
