"""The columns of every generated row, in the order the makers write their values."""

from __future__ import annotations

CUSTOMER = ("id", "name", "email", "phone", "company_id")
LOT = ("id", "name", "product_id")
ORDER = ("id", "name", "partner_id", "date_order", "state")
ORDER_LINE = ("order_id", "product_id", "quantity", "price_unit")
PICKING = (
    "id", "name", "kind", "state", "partner_id", "sale_order_id", "origin", "return_of_id",
    "location_id", "location_dest_id", "ticket_id", "created_at", "date_done",
)  # fmt: skip
PICKING_LINE = ("picking_id", "product_id", "lot_id", "quantity")
INVOICE = (
    "id", "name", "move_type", "partner_id", "journal_id", "sale_order_id", "invoice_date",
    "state", "payment_state", "reversed_entry_id", "ref", "amount_total", "auto_post",
    "ticket_id", "created_at",
)  # fmt: skip
INVOICE_LINE = ("invoice_id", "product_id", "lot_id", "label", "quantity", "price_unit")
TICKET = (
    "id", "number", "title", "description", "team_id", "partner_id", "product_id", "lot_id",
    "sale_order_id", "stage", "priority", "user_id", "created_at", "updated_at", "version",
)  # fmt: skip
FOLLOWER = ("ticket_id", "partner_id")
MESSAGE = ("model", "res_id", "author_user_id", "author_partner_id", "created_at", "kind", "body")
COUPON = (
    "code", "program_id", "partner_id", "expiration_date", "state", "ticket_id", "created_at",
)  # fmt: skip
REPAIR = (
    "id", "name", "description", "partner_id", "product_id", "lot_id", "return_picking_id",
    "under_warranty", "schedule_date", "user_id", "state", "internal_notes", "ticket_id",
    "created_at",
)  # fmt: skip
REPAIR_LINE = ("repair_id", "product_id", "quantity", "price_unit")
REPAIR_TAG = ("repair_id", "tag_id")
TASK = (
    "title", "description", "project_id", "stage_id", "worksheet_template_id", "partner_id",
    "user_id", "planned_date", "ticket_id", "created_at",
)  # fmt: skip
