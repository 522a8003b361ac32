"""Enumerations stored as plain strings (portable across backends)."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CANCELLED = "cancelled"


CLOSED_STAGES = frozenset({Stage.SOLVED, Stage.CANCELLED})


class Priority(StrEnum):
    LOW = "0"
    MEDIUM = "1"
    HIGH = "2"
    URGENT = "3"


class Tracking(StrEnum):
    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"


class ProductType(StrEnum):
    GOODS = "goods"
    SERVICE = "service"


class OrderState(StrEnum):
    QUOTATION = "draft"
    CONFIRMED = "sale"
    CANCELLED = "cancel"


class LocationUsage(StrEnum):
    INTERNAL = "internal"
    CUSTOMER = "customer"
    SUPPLIER = "supplier"


class PickingKind(StrEnum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"


class PickingState(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    DONE = "done"
    CANCELLED = "cancelled"


class JournalType(StrEnum):
    SALE = "sale"
    PURCHASE = "purchase"
    GENERAL = "general"


class MoveType(StrEnum):
    INVOICE = "out_invoice"
    CREDIT_NOTE = "out_refund"


class InvoiceState(StrEnum):
    DRAFT = "draft"
    POSTED = "posted"
    CANCELLED = "cancelled"


class PaymentState(StrEnum):
    NOT_PAID = "not_paid"
    PARTIAL = "partial"
    PAID = "paid"
    REVERSED = "reversed"


class ProgramType(StrEnum):
    COUPONS = "coupons"
    PROMOTION = "promotion"
    GIFT_CARD = "gift_card"
    LOYALTY = "loyalty"


class CouponState(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"


class RepairState(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    UNDER_REPAIR = "under_repair"
    DONE = "done"
    CANCELLED = "cancelled"


class InvoiceMethod(StrEnum):
    BEFORE = "before"
    AFTER = "after"
    NONE = "none"


class MessageKind(StrEnum):
    NOTE = "note"
    EVENT = "event"
    EMAIL = "email"


class MailState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
