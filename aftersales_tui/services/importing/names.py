"""The names of the record types an import reads, in import order.

The command line lists them (``--type``) without loading the records; ``types`` checks that
its table of types has exactly these names, in this order.
"""

from __future__ import annotations

TYPE_NAMES: tuple[str, ...] = (
    "users",
    "worksheet_templates",
    "projects",
    "teams",
    "customers",
    "products",
    "lots",
    "journals",
    "locations",
    "coupon_programs",
    "sales_orders",
    "sales_order_lines",
    "deliveries",
    "delivery_lines",
    "invoices",
    "invoice_lines",
    "tickets",
)
