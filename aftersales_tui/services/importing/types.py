"""The record types an import file can hold: their columns, which are required, what they
refer to. The README's tables are this one, written out.

Every type has an ``ext_ref`` column (required): the record's reference in the other system.
Importing a record whose ``ext_ref`` is known updates that record; otherwise it is created.
A column that refers to another record holds that record's ``ext_ref``. The order of
``TYPES`` is the order records are written in: every type comes after those it refers to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlmodel import SQLModel

from ...models import (
    CouponProgram,
    Invoice,
    InvoiceLine,
    InvoiceState,
    Journal,
    JournalType,
    Location,
    LocationUsage,
    Lot,
    MoveType,
    OrderState,
    Partner,
    PaymentState,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    Priority,
    Product,
    ProductType,
    ProgramType,
    Project,
    SalesOrder,
    SalesOrderLine,
    Stage,
    Team,
    Ticket,
    Tracking,
    User,
    WorksheetTemplate,
)
from . import values as v
from .names import TYPE_NAMES
from .values import Reader

EXT_REF_LENGTH = 64


@dataclass(frozen=True)
class Column:
    """One column of a file. ``attr`` is the record's attribute it fills (``None``: not
    stored on the record itself); ``ref`` the type whose ``ext_ref`` it holds."""

    name: str
    read: Reader = field(default_factory=v.text)
    required: bool = False
    attr: str | None = ""
    ref: str | None = None
    many: bool = False  # several references separated by ";" (a JSON list)
    default: Any = None
    example: str = ""

    @property
    def target(self) -> str | None:
        return self.name if self.attr == "" else self.attr


def ref(name: str, to: str, attr: str, required: bool = False) -> Column:
    return Column(name, required=required, attr=attr, ref=to)


def flag(name: str, default: bool = False, example: str = "true") -> Column:
    return Column(name, v.boolean, default=default, example=example)


@dataclass(frozen=True, eq=False)  # each type is one object (hashed by identity)
class RecordType:
    name: str
    model: type[SQLModel]
    columns: tuple[Column, ...]
    # file columns whose values no two records may share (checked before writing)
    unique: tuple[tuple[str, ...], ...] = ()
    fixed: Mapping[str, Any] = field(default_factory=dict)  # always set on the record
    stamped: tuple[str, ...] = ()  # set to the import's time on creation when not given
    named: str | None = None  # attribute holding a document name that sequences continue
    title: str = ""
    example: str = ""  # an ext_ref of this type (the samples')

    @cached_property
    def all_columns(self) -> tuple[Column, ...]:
        ext_ref = Column("ext_ref", v.text(EXT_REF_LENGTH), required=True, example=self.example)
        return (ext_ref, *self.columns)

    @cached_property
    def _by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.all_columns}

    def column(self, name: str) -> Column | None:
        return self._by_name.get(name)


def _t(n: int) -> Reader:
    return v.text(n)


TYPES: tuple[RecordType, ...] = (
    RecordType(
        "users", User,
        (
            Column("login", _t(64), required=True, example="mia"),
            Column("name", _t(200), required=True, example="Mia Jensen"),
            Column("email", _t(200), attr=None, example="mia@example.com"),
        ),
        unique=(("login",),), title="Agents", example="U-001",
    ),
    RecordType(
        "worksheet_templates", WorksheetTemplate,
        (Column("name", _t(120), required=True, example="Device Checklist"),),
        unique=(("name",),), title="Worksheet templates", example="WT-001",
    ),
    RecordType(
        "projects", Project,
        (
            Column("name", _t(120), required=True, example="Field Service"),
            flag("allow_worksheets"),
            ref("worksheet_template", "worksheet_templates", "worksheet_template_id"),
        ),
        unique=(("name",),), fixed={"is_fsm": True}, title="Field-service projects",
        example="P-001",
    ),
    RecordType(
        "teams", Team,
        (
            Column("name", _t(120), required=True, example="Customer Care"),
            flag("use_refunds"), flag("use_coupons"), flag("use_returns"),
            flag("use_repairs"), flag("use_field_service"),
            ref("fsm_project", "projects", "fsm_project_id"),
        ),
        unique=(("name",),), title="Teams", example="T-001",
    ),
    RecordType(
        "customers", Partner,
        (
            Column("name", _t(200), required=True, example="Azure Interior"),
            Column("email", _t(200), example="info@azure.example.com"),
            Column("phone", _t(64), example="+32 2 555 01 01"),
            ref("company", "customers", "company_id"),
        ),
        title="Customers and their contacts", example="C-001",
    ),
    RecordType(
        "products", Product,
        (
            Column("name", _t(200), required=True, example="Espresso Machine"),
            Column("default_code", _t(64), example="ESP-100"),
            Column("list_price", v.positive, default=v.Decimal(0), example="499.00"),
            Column("product_type", v.choice(ProductType), default=ProductType.GOODS,
                   example="goods"),
            Column("tracking", v.choice(Tracking), default=Tracking.NONE, example="serial"),
        ),
        unique=(("default_code",),), title="Products", example="PR-001",
    ),
    RecordType(
        "lots", Lot,
        (
            Column("name", _t(64), required=True, example="SN-0001"),
            ref("product", "products", "product_id", required=True),
        ),
        unique=(("product", "name"),), title="Lots and serial numbers", example="LOT-001",
    ),
    RecordType(
        "journals", Journal,
        (
            Column("name", _t(120), required=True, example="Customer Invoices"),
            Column("code", _t(16), required=True, example="INV"),
            Column("journal_type", v.choice(JournalType), required=True, example="sale"),
            Column("refund_code", _t(16), default="", example="RINV"),
        ),
        unique=(("code",),), title="Journals", example="J-001",
    ),
    RecordType(
        "locations", Location,
        (
            Column("name", _t(120), required=True, example="WH/Stock"),
            Column("usage", v.choice(LocationUsage), required=True, example="internal"),
            flag("is_return_location"),
            flag("is_default_return"),
        ),
        unique=(("name",),), title="Locations", example="L-001",
    ),
    RecordType(
        "coupon_programs", CouponProgram,
        (
            Column("name", _t(200), required=True, example="10% on the next order"),
            Column("program_type", v.choice(ProgramType), required=True, example="coupons"),
            Column("reward", _t(500), default="", example="10% discount"),
            Column("code", _t(64), example="WELCOME10"),
            flag("active", default=True),
        ),
        unique=(("code",),), title="Coupon programs", example="CP-001",
    ),
    RecordType(
        "sales_orders", SalesOrder,
        (
            Column("name", _t(64), required=True, example="S00042"),
            ref("customer", "customers", "partner_id", required=True),
            Column("date_order", v.day, required=True, example="2026-10-02"),
            Column("state", v.choice(OrderState), default=OrderState.CONFIRMED, example="sale"),
        ),
        unique=(("name",),), named="name", title="Sales orders", example="SO-001",
    ),
    RecordType(
        "sales_order_lines", SalesOrderLine,
        (
            ref("order", "sales_orders", "order_id", required=True),
            ref("product", "products", "product_id", required=True),
            Column("quantity", v.number, required=True, example="2"),
            Column("price_unit", v.positive, default=v.Decimal(0), example="499.00"),
        ),
        title="Sales order lines", example="SOL-001-1",
    ),
    RecordType(
        "deliveries", Picking,
        (
            Column("name", _t(64), required=True, example="WH/OUT/00042"),
            ref("customer", "customers", "partner_id", required=True),
            ref("sales_order", "sales_orders", "sale_order_id"),
            Column("state", v.choice(PickingState), default=PickingState.DONE, example="done"),
            Column("origin", _t(200), default="", example="S00042"),
            ref("from", "locations", "location_id", required=True),
            ref("to", "locations", "location_dest_id", required=True),
            Column("created", v.moment, attr="created_at", example="2026-10-03T09:30:00Z"),
            Column("done", v.moment, attr="date_done", example="2026-10-04T15:00:00Z"),
        ),
        unique=(("name",),), fixed={"kind": PickingKind.OUTGOING}, stamped=("created_at",),
        named="name", title="Deliveries", example="D-001",
    ),
    RecordType(
        "delivery_lines", PickingLine,
        (
            ref("delivery", "deliveries", "picking_id", required=True),
            ref("product", "products", "product_id", required=True),
            ref("lot", "lots", "lot_id"),
            Column("quantity", v.positive, required=True, example="1"),
        ),
        title="Delivery lines", example="DL-001-1",
    ),
    RecordType(
        "invoices", Invoice,
        (
            Column("name", _t(64), required=True, example="INV/2026/00042"),
            ref("customer", "customers", "partner_id", required=True),
            ref("journal", "journals", "journal_id", required=True),
            ref("sales_order", "sales_orders", "sale_order_id"),
            Column("invoice_date", v.day, example="2026-10-04"),
            Column("state", v.choice(InvoiceState), default=InvoiceState.POSTED,
                   example="posted"),
            Column("payment_state", v.choice(PaymentState), default=PaymentState.NOT_PAID,
                   example="paid"),
            Column("reference", _t(500), attr="ref", default="", example="PO 7781"),
        ),
        unique=(("name",),), fixed={"move_type": MoveType.INVOICE}, stamped=("created_at",),
        named="name", title="Invoices", example="I-001",
    ),
    RecordType(
        "invoice_lines", InvoiceLine,
        (
            ref("invoice", "invoices", "invoice_id", required=True),
            ref("product", "products", "product_id"),
            ref("lot", "lots", "lot_id"),
            Column("label", _t(500), default="", example="Espresso Machine"),
            Column("quantity", v.number, required=True, example="1"),
            Column("price_unit", v.number, required=True, example="499.00"),
        ),
        title="Invoice lines", example="IL-001-1",
    ),
    RecordType(
        "tickets", Ticket,
        (
            Column("title", _t(500), required=True, example="Machine leaks water"),
            ref("team", "teams", "team_id", required=True),
            Column("number", v.integer, example="1042"),
            Column("description", v.text(), default="", example="Since Monday..."),
            ref("customer", "customers", "partner_id"),
            ref("product", "products", "product_id"),
            ref("lot", "lots", "lot_id"),
            ref("sales_order", "sales_orders", "sale_order_id"),
            Column("stage", v.choice(Stage), default=Stage.NEW, example="in_progress"),
            Column("priority", v.choice(Priority), default=Priority.LOW, example="2"),
            ref("assignee", "users", "user_id"),
            Column("followers", attr=None, ref="customers", many=True,
                   example="C-0002;C-0003"),
            Column("created", v.moment, attr="created_at", example="2026-11-20T08:15:00Z"),
            Column("updated", v.moment, attr="updated_at", example="2026-11-21T16:40:00Z"),
        ),
        unique=(("number",),), stamped=("created_at", "updated_at"), title="Tickets",
        example="TK-001",
    ),
)  # fmt: skip
if tuple(t.name for t in TYPES) != TYPE_NAMES:  # a programming error, caught by any test
    raise RuntimeError("importing.names.TYPE_NAMES differs from the types of importing.types")

BY_NAME: dict[str, RecordType] = {t.name: t for t in TYPES}


def example_of(column: Column) -> str:
    """An example value of a column (a reference's: an ext_ref of the type it names)."""
    if column.ref is None:
        return column.example
    target = BY_NAME[column.ref].example
    return f"{target};{target[:-1]}2" if column.many else target


def recognise(stem: str, columns: tuple[str, ...]) -> RecordType | None:
    """The type of a file: by its name (``customers.csv``), else by its columns (the only
    type that has every column of the file and whose required columns are all there)."""
    if stem in BY_NAME:
        return BY_NAME[stem]
    present = set(columns)
    fits = [
        t
        for t in TYPES
        if present <= {c.name for c in t.all_columns}
        and {c.name for c in t.all_columns if c.required} <= present
    ]
    return fits[0] if len(fits) == 1 else None
