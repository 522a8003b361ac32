"""Hostile values for property-based tests, a demo database per example, and the
invariants that must hold whatever an agent (or a stale screen) sends."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from sqlmodel import select

from aftersales_tui.db import Database, open_database
from aftersales_tui.models import (
    Coupon,
    Invoice,
    InvoiceLine,
    InvoiceState,
    MoveType,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    RepairLine,
    RepairOrder,
    RepairTag,
    Ticket,
)
from aftersales_tui.services.context import Context, frozen_clock
from aftersales_tui.services.errors import AfterSalesError

# The default run stays quick and reproducible; AFTERSALES_LONG_TESTS=1 digs deeper.
_COMMON = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("hostile", max_examples=40, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("hostile-long", max_examples=500, **_COMMON)  # type: ignore[arg-type]
PROFILE = "hostile-long" if os.environ.get("AFTERSALES_LONG_TESTS") == "1" else "hostile"
hostile = settings.get_profile(PROFILE)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
CTX = Context(user_id=None, clock=frozen_clock(NOW), tz=UTC)

# --- hostile values ---------------------------------------------------------------------

NASTY_TEXTS = (
    "",
    " ",
    "\t\n ",
    "[bold]x[/]",
    "[link=https://evil.example]click[/link]",
    "[/]",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;SGVsbG8=\x07",
    "a\x00b",
    "\u202eevil\u202c",
    "\ud800",
    "x" * 100_000,
    "y" * 501,
    "z" * 500,
    "line\nbreak",
    "carriage\rreturn",
    "'; DROP TABLE ticket; --",
    "%s {0} {name}",
)

text = st.one_of(
    st.sampled_from(NASTY_TEXTS),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40),
)

NASTY_NUMBERS = (
    "NaN",
    "sNaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e999999",
    "-1e999999",
    "1e-999999",
    "1" * 200,
    "9" * 30,
    "99999999999",
    "999999999999",
    "123456789012.999",
    "0.0000001",
    "0.0005",
    "-0",
    "-1",
    "1,5",
    "1.000,5",
    "",
    " ",
    "abc",
    "1e3",
    "0x10",
    "１２",
    "\x00",
    "1\x1b[31m",
)

number_text = st.one_of(
    st.sampled_from(NASTY_NUMBERS),
    st.decimals(min_value=0, max_value=3, places=3).map(str),  # often within the limits
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**40), 10**40).map(str),
    text,
)

decimal = st.one_of(
    st.sampled_from(
        [Decimal(x) for x in ("NaN", "sNaN", "Infinity", "-Infinity", "1e999999", "-1", "0")]
    ),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=0, max_value=20, places=4),
)

# Real demo ids are small; negative, zero and far ones do not exist.
record_id = st.one_of(
    st.integers(1, 4),  # exists in most demo tables
    st.integers(-3, 60),
    st.sampled_from([0, -1, -(2**63), 2**63 - 1, 10**9]),
)
maybe_id = st.one_of(st.none(), record_id)
rarely_id = st.one_of(st.none(), st.none(), st.none(), record_id)  # mostly left empty
day = st.one_of(
    st.sampled_from([date(1, 1, 1), date(9999, 12, 31), TODAY, date(2027, 12, 31)]),
    st.dates(),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 1, 1)),
)
maybe_day = st.one_of(st.none(), day)

# --- one demo database per module, copied for each example ------------------------------


def build_template(directory: Path) -> Path:
    from aftersales_tui.services.demo import load_demo

    path = directory / "demo-template.db"
    database = open_database(str(path))
    load_demo(database, CTX, TODAY)
    database.dispose()
    return path


@contextmanager
def fresh_copy(template: Path) -> Iterator[Database]:
    """The demo database as it was loaded (copying a file is ~10 ms, loading ~0.5 s)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "demo.db"
        shutil.copyfile(template, path)
        database = open_database(str(path))
        try:
            yield database
            check_invariants(database)
        finally:
            database.dispose()


# --- success, or a user's error that says what and where --------------------------------

T = TypeVar("T")


def attempt(action: Callable[[], T], fields: set[str | None] | None = None) -> T | None:
    """The action's result, or None when it refused with a readable AfterSalesError.

    Any other exception fails the test (hypothesis reports the smallest example).
    """
    try:
        result = action()
    except AfterSalesError as error:
        assert error.message.strip(), "an AfterSalesError without a message"
        assert str(error) == error.message
        if fields is not None:
            assert error.field in fields, f"unknown field {error.field!r}: {error.message}"
        event(f"refused ({error.field})")
        return None
    event("accepted")
    return result


# --- the invariants ---------------------------------------------------------------------


def _unique(values: list[object], what: str) -> None:
    seen = [v for v in values if v is not None]
    assert len(seen) == len(set(seen)), f"{what} are not unique"


def check_invariants(db: Database) -> None:
    """What no request, however hostile, may break."""
    with db.read() as s:
        invoices = s.exec(select(Invoice)).all()
        lines_of: dict[int, list[InvoiceLine]] = defaultdict(list)
        for line in s.exec(select(InvoiceLine)).all():
            lines_of[line.invoice_id].append(line)
        credited: dict[int, Decimal] = defaultdict(Decimal)
        for credit in invoices:
            if credit.move_type != MoveType.CREDIT_NOTE:
                continue
            lines = lines_of[credit.id or 0]
            assert lines, f"credit note {credit.name} has no lines"
            assert any(line.quantity > 0 for line in lines), f"{credit.name} refunds nothing"
            for line in lines:
                assert line.quantity >= 0 and line.price_unit >= 0, f"{credit.name}: negative line"
            if credit.state != InvoiceState.CANCELLED and credit.reversed_entry_id:
                credited[credit.reversed_entry_id] += credit.amount_total
        totals = {i.id: i.amount_total for i in invoices}
        for invoice_id, amount in credited.items():
            assert amount <= totals[invoice_id], f"invoice {invoice_id} over-refunded"
        _unique([i.name for i in invoices], "invoice names")

        pickings = s.exec(select(Picking)).all()
        picking_lines: dict[int, list[PickingLine]] = defaultdict(list)
        for pline in s.exec(select(PickingLine)).all():
            assert pline.quantity >= 0, "a negative stock move"
            picking_lines[pline.picking_id].append(pline)
        delivered: dict[tuple[int, int, int | None], Decimal] = defaultdict(Decimal)
        returned: dict[tuple[int, int, int | None], Decimal] = defaultdict(Decimal)
        for picking in pickings:
            for pline in picking_lines[picking.id or 0]:
                if picking.kind == PickingKind.OUTGOING:
                    key = (picking.id or 0, pline.product_id, pline.lot_id)
                    delivered[key] += pline.quantity
                elif picking.return_of_id and picking.state != PickingState.CANCELLED:
                    key = (picking.return_of_id, pline.product_id, pline.lot_id)
                    returned[key] += pline.quantity
        for key, quantity in returned.items():
            assert quantity <= delivered[key], f"delivery {key} over-returned"
        _unique([p.name for p in pickings], "picking names")

        _unique([r.name for r in s.exec(select(RepairOrder)).all()], "repair names")
        _unique([t.name.casefold() for t in s.exec(select(RepairTag)).all()], "tag names")
        for rline in s.exec(select(RepairLine)).all():
            assert rline.price_unit >= 0, "a repair part with a negative price"
        _unique([c.code for c in s.exec(select(Coupon)).all()], "coupon codes")
        _unique([t.number for t in s.exec(select(Ticket)).all()], "ticket numbers")
