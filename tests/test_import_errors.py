"""Bad input: every problem names the file, the line and the field; nothing of a file with
problems is written unless bad rows are skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftersales_tui.db import Database
from aftersales_tui.models import Partner, Product, SalesOrder
from aftersales_tui.services import Context
from aftersales_tui.services.importing.files import ImportFileError

from .io_builders import by_ref, count, counts, csv_file, import_samples, json_file, run

PRODUCT = ["ext_ref", "name", "default_code", "list_price", "tracking"]


def problems_of(db: Database, ctx: Context, path: Path) -> list[str]:
    return run(db, ctx, path).problems


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["P-1", "", "", "", ""], "products.csv line 2: name is required"),
        (["", "Desk", "", "", ""], "products.csv line 2: ext_ref is required"),
        (["P-1", "Desk", "", "abc", ""], "products.csv line 2: list_price 'abc' is not a number"),
        (["P-1", "Desk", "", "-3", ""], "products.csv line 2: list_price '-3' cannot be negative"),
        (
            ["P-1", "Desk", "", "1e12", ""],
            "products.csv line 2: list_price '1e12' is too large",
        ),
        (
            ["P-1", "Desk", "", "", "batch"],
            "products.csv line 2: tracking 'batch' is not one of: none, lot, serial",
        ),
        (
            ["P-1", "D" * 201, "", "", ""],
            "products.csv line 2: name is longer than 200 characters",
        ),
        (
            ["P" * 65, "Desk", "", "", ""],
            "products.csv line 2: ext_ref is longer than 64 characters",
        ),
    ],
)
def test_a_bad_value(
    db: Database, ctx: Context, tmp_path: Path, row: list[str], expected: str
) -> None:
    path = csv_file(tmp_path, "products.csv", PRODUCT, row)
    assert problems_of(db, ctx, path) == [expected]
    assert count(db, Product) == 0


def test_dates_timestamps_flags_and_numbers(db: Database, ctx: Context, tmp_path: Path) -> None:
    import_samples(db, ctx)
    orders = csv_file(
        tmp_path,
        "sales_orders.csv",
        ["ext_ref", "name", "customer", "date_order"],
        ["SO-9", "S00090", "C-001", "2026-13-01"],
    )
    assert problems_of(db, ctx, orders) == [
        "sales_orders.csv line 2: date_order '2026-13-01' is not a date (YYYY-MM-DD)"
    ]
    deliveries = csv_file(
        tmp_path,
        "deliveries.csv",
        ["ext_ref", "name", "customer", "from", "to", "done"],
        ["D-9", "WH/OUT/00090", "C-001", "L-001", "L-002", "yesterday"],
    )
    assert problems_of(db, ctx, deliveries) == [
        "deliveries.csv line 2: done 'yesterday' is not a timestamp "
        "(YYYY-MM-DDTHH:MM:SS, UTC unless an offset)"
    ]
    teams = csv_file(tmp_path, "teams.csv", ["ext_ref", "name", "use_refunds"], ["T-9", "X", "si"])
    assert problems_of(db, ctx, teams) == [
        "teams.csv line 2: use_refunds 'si' is not true or false"
    ]
    tickets = csv_file(
        tmp_path, "tickets.csv", ["ext_ref", "title", "team", "number"], ["TK-9", "X", "T-001", "0"]
    )
    assert problems_of(db, ctx, tickets) == [
        "tickets.csv line 2: number '0' is not a whole number above zero"
    ]


def test_a_reference_not_found(db: Database, ctx: Context, tmp_path: Path) -> None:
    import_samples(db, ctx)
    invoices = csv_file(
        tmp_path,
        "invoices.csv",
        ["ext_ref", "name", "customer", "journal"],
        ["I-90", "INV/2026/00090", "C-001", "J-001"],
        ["I-91", "INV/2026/00091", "C-0091", "J-001"],
    )
    assert problems_of(db, ctx, invoices) == ["invoices.csv line 3: customer 'C-0091' not found"]
    assert count(db, Partner) == 15  # nothing of the file is written
    tickets = json_file(
        tmp_path,
        "tickets.json",
        [
            {"ext_ref": "TK-90", "title": "A", "team": "T-001"},
            {"ext_ref": "TK-91", "title": "B", "team": "T-001", "followers": ["C-001", "C-404"]},
        ],
    )
    assert problems_of(db, ctx, tickets) == ["tickets.json line 7: followers 'C-404' not found"]


def test_a_file_with_problems_leaves_out_what_refers_to_it(
    db: Database, ctx: Context, tmp_path: Path
) -> None:
    customers = csv_file(
        tmp_path, "customers.csv", ["ext_ref", "name"], ["C-1", "Good"], ["C-2", ""]
    )
    orders = csv_file(
        tmp_path,
        "sales_orders.csv",
        ["ext_ref", "name", "customer", "date_order"],
        ["SO-1", "S00001", "C-1", "2026-11-01"],
    )
    report = run(db, ctx, orders, customers)
    assert report.problems == [
        "customers.csv line 3: name is required",
        "sales_orders.csv line 2: customer 'C-1' not found",
    ]
    assert counts(report) == {"customers": (0, 0, 2), "sales_orders": (0, 0, 1)}
    assert not report.written
    assert count(db, Partner) == count(db, SalesOrder) == 0


def test_skip_bad_rows_writes_the_good_ones(db: Database, ctx: Context, tmp_path: Path) -> None:
    customers = csv_file(
        tmp_path, "customers.csv", ["ext_ref", "name"], ["C-1", "Good"], ["C-2", ""]
    )
    orders = csv_file(
        tmp_path,
        "sales_orders.csv",
        ["ext_ref", "name", "customer", "date_order"],
        ["SO-1", "S00001", "C-1", "2026-11-01"],
        ["SO-2", "S00002", "C-2", "2026-11-01"],
    )
    report = run(db, ctx, customers, orders, skip_bad_rows=True)
    assert report.problems == [
        "customers.csv line 3: name is required",
        "sales_orders.csv line 3: customer 'C-2' not found",
    ]
    assert counts(report) == {"customers": (1, 0, 1), "sales_orders": (1, 0, 1)}
    assert by_ref(db, SalesOrder, "SO-1").name == "S00001"


def test_an_ext_ref_twice_and_a_unique_value_taken(
    db: Database, ctx: Context, tmp_path: Path
) -> None:
    twice = csv_file(tmp_path, "customers.csv", ["ext_ref", "name"], ["C-1", "A"], ["C-1", "B"])
    assert problems_of(db, ctx, twice) == [
        "customers.csv line 3: ext_ref 'C-1' is also on customers.csv line 2"
    ]
    import_samples(db, ctx)
    taken = csv_file(
        tmp_path,
        "products.csv",
        ["ext_ref", "name", "default_code"],
        ["PR-100", "Copy", "ESP-PRO"],  # the code of PR-001
        ["PR-101", "New", "NEW-1"],
        ["PR-102", "New too", "NEW-1"],
    )
    assert problems_of(db, ctx, taken) == [
        "products.csv line 2: default_code 'ESP-PRO' is already used by another record",
        "products.csv line 4: default_code 'NEW-1' is already used by another record",
    ]
    lots = csv_file(
        tmp_path, "lots.csv", ["ext_ref", "name", "product"], ["L-9", "SN-1001", "PR-001"]
    )
    assert problems_of(db, ctx, lots) == [
        "lots.csv line 2: name 'SN-1001' is already used by another record"
    ]


def test_more_values_than_columns(db: Database, ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text('ext_ref,name\nC-1,"Lee,\nand Co"\nC-2,Ann,x,y\n', encoding="utf-8")
    assert problems_of(db, ctx, path) == [
        "customers.csv line 4: 2 more values than the header has columns"
    ]


def test_columns_unknown_or_missing(db: Database, ctx: Context, tmp_path: Path) -> None:
    unknown = csv_file(tmp_path, "customers.csv", ["ext_ref", "name", "fax"], ["C-1", "A", "1"])
    assert problems_of(db, ctx, unknown) == ["customers.csv line 1: unknown column 'fax'"]
    no_name = csv_file(tmp_path, "customers.csv", ["ext_ref", "email"], ["C-1", "a@example.com"])
    assert problems_of(db, ctx, no_name) == ["customers.csv line 2: name is required"]
    records = json_file(tmp_path, "customers.json", [{"ext_ref": "C-1"}, {"ext_ref": "C-2"}])
    assert problems_of(db, ctx, records) == [
        "customers.json line 2: name is required",
        "customers.json line 5: name is required",
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notes.txt", "hello", "notes.txt: not a CSV or JSON file (expected .csv or .json)"),
        ("customers.csv", "", "customers.csv: empty file (no header line)"),
        (
            "customers.json",
            '[{"ext_ref": "C-1",\n "name": }]',
            "customers.json line 2: not valid JSON: Expecting value",
        ),
        (
            "customers.json",
            '{"ext_ref": "C-1"}',
            "customers.json: expected a list of records ([{...}, ...])",
        ),
        (
            "export.csv",
            "ext_ref,name\nX-1,A\n",
            "export.csv: cannot tell which records it holds: name it after its type "
            "(customers.csv, ...) or give --type",
        ),
    ],
)
def test_a_file_that_cannot_be_used(
    db: Database, ctx: Context, tmp_path: Path, name: str, content: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFileError) as refused:
        run(db, ctx, path)
    assert str(refused.value) == expected


def test_a_missing_file(db: Database, ctx: Context, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as refused:
        run(db, ctx, tmp_path / "customers.csv")
    assert str(refused.value) == "customers.csv: cannot be read: No such file or directory"


def test_the_type_told_by_the_columns_or_given(db: Database, ctx: Context, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "crm-dump.csv", ["ext_ref", "name", "phone"], ["C-1", "A", "1"])
    assert counts(run(db, ctx, path)) == {"customers": (1, 0, 0)}
    other = csv_file(tmp_path, "dump.csv", ["ext_ref", "name"], ["W-1", "Checklist"])
    assert counts(run(db, ctx, other, type_name="worksheet_templates")) == {
        "worksheet_templates": (1, 0, 0)
    }


def test_a_lot_of_another_product(db: Database, ctx: Context, tmp_path: Path) -> None:
    import_samples(db, ctx)
    lines = csv_file(
        tmp_path,
        "delivery_lines.csv",
        ["ext_ref", "delivery", "product", "lot", "quantity"],
        ["DL-9", "D-001", "PR-001", "LOT-101", "1"],  # a grinder's lot
    )
    assert problems_of(db, ctx, lines) == [
        "delivery_lines.csv line 2: lot 'LOT-101' is not a lot of product 'PR-001'"
    ]
    lots = csv_file(
        tmp_path, "lots.csv", ["ext_ref", "name", "product"], ["LOT-9", "G-9", "PR-002"]
    )
    tickets = csv_file(
        tmp_path,
        "tickets.csv",
        ["ext_ref", "title", "team", "product", "lot"],
        ["TK-9", "Noise", "T-001", "PR-001", "LOT-9"],  # a lot of this run, of the grinder
    )
    assert run(db, ctx, tickets, lots).problems == [
        "tickets.csv line 2: lot 'LOT-9' is not a lot of product 'PR-001'"
    ]
