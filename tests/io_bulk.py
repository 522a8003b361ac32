"""Large import files (the bulk import test, and the 100,000-row measure by hand)."""

from __future__ import annotations

from pathlib import Path

from .io_builders import csv_file


def bulk_files(folder: Path, customers: int, orders: int, tickets: int) -> list[Path]:
    """Customers, products, orders with a line each and tickets, every row referring to
    others; all in ``folder``."""
    return [
        csv_file(folder, "teams.csv", ["ext_ref", "name", "use_refunds"], ["T-1", "Bulk", "true"]),
        csv_file(
            folder,
            "customers.csv",
            ["ext_ref", "name", "email", "phone"],
            *(
                [f"C-{n}", f"Customer {n}", f"c{n}@example.com", f"+32 {n}"]
                for n in range(customers)
            ),
        ),
        csv_file(
            folder,
            "products.csv",
            ["ext_ref", "name", "list_price"],
            *([f"P-{n}", f"Product {n}", f"{10 + n}.50"] for n in range(10)),
        ),
        csv_file(
            folder,
            "sales_orders.csv",
            ["ext_ref", "name", "customer", "date_order"],
            *([f"O-{n}", f"SB{n:07d}", f"C-{n % customers}", "2026-10-01"] for n in range(orders)),
        ),
        csv_file(
            folder,
            "sales_order_lines.csv",
            ["ext_ref", "order", "product", "quantity", "price_unit"],
            *([f"OL-{n}", f"O-{n}", f"P-{n % 10}", "2", "10.50"] for n in range(orders)),
        ),
        csv_file(
            folder,
            "tickets.csv",
            ["ext_ref", "title", "team", "customer", "sales_order", "description"],
            *(
                [f"TK-{n}", f"Problem {n}", "T-1", f"C-{n % customers}", f"O-{n % orders}", "x"]
                for n in range(tickets)
            ),
        ),
    ]
