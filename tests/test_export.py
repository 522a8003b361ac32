"""Round trip: import the samples, perform every action, export, read the documents back."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from aftersales_tui.db import Database
from aftersales_tui.services import Context, field_service, repairs, returns
from aftersales_tui.services.context import frozen_clock
from aftersales_tui.services.exporting import ExportFormat, export
from aftersales_tui.services.repair_steps import Step

from .conftest import NOW
from .io_actions import every_action
from .io_builders import import_samples, read_csv


def test_the_round_trip_in_csv(db: Database, ctx: Context, tmp_path: Path) -> None:
    import_samples(db, ctx)
    done = every_action(db, ctx)
    report = export(db, ctx, tmp_path / "out")
    assert report.counts == {
        "credit_notes": 1,
        "coupons": 1,
        "returns": 1,
        "repairs": 1,
        "tasks": 1,
    }
    assert report.until == NOW
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "coupons.csv",
        "credit_note_lines.csv",
        "credit_notes.csv",
        "repair_parts.csv",
        "repairs.csv",
        "return_lines.csv",
        "returns.csv",
        "tasks.csv",
    ]
    [credit] = read_csv(out / "credit_notes.csv")
    assert {k: credit[k] for k in credit if k not in ("id",)} == {
        "ext_ref": "",
        "name": done.credit_note,
        "state": "draft",
        "payment_state": "not_paid",
        "customer": "Azure Interior",
        "customer_ref": "C-001",
        "journal": "INV",
        "journal_ref": "J-001",
        "invoice_date": "2026-11-23",
        "reversed_invoice": "INV/2026/00001",
        "reversed_invoice_ref": "I-001",
        "ref": "Reversal of: INV/2026/00001, Helpdesk Ticket #101",
        "amount_total": "1018.80",  # 899 + 2 x 59.90
        "ticket": "101",
        "ticket_ref": "TK-001",
        "created_at": "2026-11-23T10:00:00+00:00",
        "updated_at": "",
    }
    line, frother = read_csv(out / "credit_note_lines.csv")
    assert (frother["product_ref"], frother["lot"], frother["quantity"]) == ("PR-003", "", "2.000")
    assert (line["credit_note"], line["product_ref"], line["lot"], line["lot_ref"]) == (
        done.credit_note,
        "PR-001",
        "SN-1001",
        "LOT-001",
    )
    assert (line["quantity"], line["price_unit"]) == ("1.000", "899.00")
    [coupon] = read_csv(out / "coupons.csv")
    assert (coupon["code"], coupon["program_ref"], coupon["customer_ref"]) == (
        done.coupon,
        "CP-001",
        "C-001",
    )
    assert (coupon["expiration_date"], coupon["ticket_ref"]) == ("2026-12-23", "TK-001")
    [receipt] = read_csv(out / "returns.csv")
    assert (receipt["name"], receipt["return_of"], receipt["return_of_ref"]) == (
        done.receipt,
        "WH/OUT/00001",
        "D-001",
    )
    assert (receipt["to"], receipt["to_ref"], receipt["state"]) == ("WH/Returns", "L-003", "ready")
    [returned] = read_csv(out / "return_lines.csv")
    assert (returned["return"], returned["product_ref"], returned["lot_ref"]) == (
        done.receipt,
        "PR-001",
        "LOT-001",
    )
    [repair] = read_csv(out / "repairs.csv")
    assert (repair["name"], repair["state"], repair["lot_ref"], repair["ticket"]) == (
        done.repair,
        "confirmed",
        "LOT-001",
        "101",
    )
    [part] = read_csv(out / "repair_parts.csv")
    assert (part["repair"], part["product_ref"], part["quantity"]) == (
        done.repair,
        "PR-006",
        "1.000",
    )
    [task] = read_csv(out / "tasks.csv")
    assert (task["project_ref"], task["stage"], task["worksheet_template_ref"]) == (
        "P-001",
        "New",
        "WT-001",
    )
    assert (task["customer_ref"], task["ticket_ref"]) == ("C-001", "TK-001")


def test_the_round_trip_in_json_nests_the_lines(db: Database, ctx: Context, tmp_path: Path) -> None:
    import_samples(db, ctx)
    done = every_action(db, ctx)
    export(db, ctx, tmp_path, ExportFormat.JSON)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "coupons.json",
        "credit_notes.json",
        "repairs.json",
        "returns.json",
        "tasks.json",
    ]
    [credit] = json.loads((tmp_path / "credit_notes.json").read_text())
    assert credit["name"] == done.credit_note
    assert credit["ticket"] == 101 and credit["ticket_ref"] == "TK-001"
    assert [(ln["product_ref"], ln["quantity"]) for ln in credit["lines"]] == [
        ("PR-001", "1.000"),
        ("PR-003", "2.000"),
    ]
    [repair] = json.loads((tmp_path / "repairs.json").read_text())
    assert [(p["product_ref"], p["price_unit"]) for p in repair["parts"]] == [("PR-006", "45.00")]
    assert repair["under_warranty"] is False
    [receipt] = json.loads((tmp_path / "returns.json").read_text())
    assert [ln["lot"] for ln in receipt["lines"]] == ["SN-1001"]


def test_since_exports_only_what_changed(db: Database, ctx: Context, tmp_path: Path) -> None:
    import_samples(db, ctx)
    done = every_action(db, ctx)
    first = export(db, ctx, tmp_path / "first")
    later = Context(user_id=None, clock=frozen_clock(NOW + timedelta(hours=2)), tz=ctx.tz)
    nothing = export(db, later, tmp_path / "none", since=first.until + timedelta(seconds=1))
    assert set(nothing.counts.values()) == {0}
    returns.validate(db, later, done.receipt_id)
    repairs.transition(db, later, done.repair_id, Step.START)
    stages = field_service.stages(db, done.task_id)
    field_service.move_stage(db, later, done.task_id, stages[1].id)
    second = export(db, later, tmp_path / "second", since=first.until + timedelta(seconds=1))
    assert second.counts == {
        "credit_notes": 0,
        "coupons": 0,
        "returns": 1,
        "repairs": 1,
        "tasks": 1,
    }
    [receipt] = read_csv(tmp_path / "second" / "returns.csv")
    assert (receipt["state"], receipt["updated_at"]) == ("done", "2026-11-23T12:00:00+00:00")
    [repair] = read_csv(tmp_path / "second" / "repairs.csv")
    assert repair["state"] == "under_repair"
    assert read_csv(tmp_path / "second" / "return_lines.csv")[0]["return"] == done.receipt
    assert read_csv(tmp_path / "second" / "credit_note_lines.csv") == []
