"""Every statement an after-sales commit runs seeks an index: none reads a table that grows
with the tickets from end to end, nor gathers every row of a product, so that a commit costs
the same at 10,000 tickets and at 1,000,000 (README, "Performance").

The plans are SQLite's (EXPLAIN QUERY PLAN) on a small generated database. The desk never
gathers statistics (ANALYZE), so SQLite plans these statements alike at any size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from aftersales_tui import bench_actions
from aftersales_tui.db import Database, open_database
from aftersales_tui.models import User
from aftersales_tui.services import refunds
from aftersales_tui.services.context import Context
from aftersales_tui.services.demo.generate import generate

from .conftest import TODAY

# The tables of a fixed size (settings, catalogue): reading them whole costs the same at any size.
REFERENCE_TABLES = {
    "journal",
    "location",
    "product",
    "project",
    "repairtag",
    "taskstage",
    "team",
    "user",
    "worksheettemplate",
    "couponprogram",
}


@pytest.fixture(scope="module")
def commits(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Any]]:
    """A generated database, and the benchmark's commits of each action on it."""
    database = open_database(str(tmp_path_factory.mktemp("plans") / "generated.db"))
    generate(database, Context(), 600, TODAY, seed=3)
    with database.read() as s:
        agent = s.exec(select(User.id).order_by(col(User.id))).first()
    ready = bench_actions.attempts(database, Context().as_user(agent))
    yield database, ready
    database.dispose()


def plans(database: Database, attempt: Callable[[], object]) -> dict[str, str]:
    """The plan of every statement the attempt runs, by statement."""
    statements: dict[str, Any] = {}

    def note(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, many: bool) -> None:
        if not many and statement.split()[0] in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            statements.setdefault(" ".join(statement.split()), params)

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        attempt()
    finally:
        event.remove(database.engine, "before_cursor_execute", note)
    found = {}
    with database.engine.connect() as conn:
        for statement, params in statements.items():
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
            found[statement] = "\n".join(str(row[3]) for row in rows)
    return found


@pytest.mark.parametrize("action", ["refund", "repair", "return", "coupon", "task"])
def test_no_statement_of_a_commit_reads_a_growing_table_whole(
    commits: tuple[Database, Any], action: str
) -> None:
    database, ready = commits
    assert len(ready[action]) >= 3
    for attempt in ready[action][:3]:
        for statement, plan in plans(database, attempt).items():
            for line in plan.splitlines():
                if line.startswith("SCAN "):
                    assert line.split()[1] in REFERENCE_TABLES, f"{statement}\n{plan}"
                assert "LIST SUBQUERY" not in line, f"{statement}\n{plan}"


def _plans_of(found: dict[str, str], start: str, reading: str) -> list[str]:
    """The plans of the statements that start with ``start`` and read table ``reading``."""
    chosen = [p for s, p in found.items() if s.startswith(start) and f"FROM {reading} " in s]
    assert chosen, list(found)
    return chosen


def test_the_refund_looks_up_the_customers_invoices_line_by_index(
    commits: tuple[Database, Any],
) -> None:
    database, ready = commits
    found = plans(database, ready["refund"][0])
    for plan in _plans_of(found, "SELECT invoice.id, invoice.ext_ref", "invoiceline"):
        assert (
            "SEARCH invoiceline USING INDEX ix_invoiceline_invoice_product "
            "(invoice_id=? AND product_id=?)" in plan
        ), plan


def test_the_refund_modal_looks_up_the_customers_orders_line_by_index(
    commits: tuple[Database, Any],
) -> None:
    database, _ready = commits
    ticket_id = bench_actions._tickets(database, "use_refunds")[0]  # noqa: SLF001
    found = plans(database, lambda: refunds.defaults(database, Context(), ticket_id))
    for plan in _plans_of(found, "SELECT salesorder.id", "salesorderline"):
        assert (
            "SEARCH salesorderline USING INDEX ix_salesorderline_order_product "
            "(order_id=? AND product_id=?)" in plan
        ), plan


def test_the_repair_looks_up_its_quotation_by_index(commits: tuple[Database, Any]) -> None:
    database, ready = commits
    found = plans(database, ready["repair"][0])
    (quotation,) = _plans_of(found, "SELECT salesorder.name FROM salesorder WHERE", "salesorder")
    assert quotation == "SEARCH salesorder USING INDEX ix_salesorder_repair_id (repair_id=?)"


def test_the_refund_commit_does_not_read_the_lists_the_modal_offers(
    commits: tuple[Database, Any],
) -> None:
    """Products and lots to choose from (tens of thousands of lots of a product at 1,000,000
    tickets): the checks need none of them."""
    database, ready = commits
    read = [s for attempt in ready["refund"] for s in plans(database, attempt)]
    assert not [
        s for s in read if "FROM lot WHERE lot.product_id" in s or "FROM product ORDER" in s
    ]
