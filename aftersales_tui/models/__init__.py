"""The records: every table of the desk, importable from one place."""

from ..enums import (
    CLOSED_STAGES,
    CouponState,
    InvoiceMethod,
    InvoiceState,
    JournalType,
    LocationUsage,
    MailState,
    MessageKind,
    MoveType,
    OrderState,
    PaymentState,
    PickingKind,
    PickingState,
    Priority,
    ProductType,
    ProgramType,
    RepairState,
    Stage,
    Tracking,
)
from .accounting import Invoice, InvoiceLine, Journal, Sequence
from .catalog import Lot, Product
from .coupons import Coupon, CouponProgram
from .field_service import Project, Task, TaskStage, WorksheetTemplate
from .messaging import Message, OutgoingMail
from .people import Partner, Team, User
from .repairs import RepairLine, RepairOrder, RepairTag, RepairTagLink
from .sales import SalesOrder, SalesOrderLine
from .stock import Location, Picking, PickingLine
from .tickets import Ticket, TicketFollower

__all__ = [
    "CLOSED_STAGES",
    "Coupon",
    "CouponProgram",
    "CouponState",
    "Invoice",
    "InvoiceLine",
    "InvoiceMethod",
    "InvoiceState",
    "Journal",
    "JournalType",
    "Location",
    "LocationUsage",
    "Lot",
    "MailState",
    "Message",
    "MessageKind",
    "MoveType",
    "OrderState",
    "OutgoingMail",
    "Partner",
    "PaymentState",
    "Picking",
    "PickingKind",
    "PickingLine",
    "PickingState",
    "Priority",
    "Product",
    "ProductType",
    "ProgramType",
    "Project",
    "RepairLine",
    "RepairOrder",
    "RepairState",
    "RepairTag",
    "RepairTagLink",
    "SalesOrder",
    "SalesOrderLine",
    "Sequence",
    "Stage",
    "Task",
    "TaskStage",
    "Team",
    "Ticket",
    "TicketFollower",
    "Tracking",
    "User",
    "WorksheetTemplate",
]
