"""Importing records: the samples, upserts by ext_ref, references across files, bulk."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlmodel import select

from aftersales_tui.db import Database
from aftersales_tui.models import (
    Invoice,
    Partner,
    Product,
    SalesOrder,
    TaskStage,
    Team,
    Ticket,
    TicketFollower,
    User,
)
from aftersales_tui.services import Context, check, linked
from aftersales_tui.services.sequences import next_name, peek

from .io_builders import (
    by_ref,
    count,
    counts,
    csv_file,
    import_samples,
    json_file,
    run,
    sample_paths,
)

SAMPLE_COUNTS = {
    "users": 3,
    "worksheet_templates": 1,
    "projects": 1,
    "teams": 2,
    "customers": 12,
    "products": 6,
    "lots": 10,
    "journals": 2,
    "locations": 3,
    "coupon_programs": 2,
    "sales_orders": 8,
    "sales_order_lines": 16,
    "deliveries": 8,
    "delivery_lines": 16,
    "invoices": 8,
    "invoice_lines": 16,
    "tickets": 10,
}


def test_the_samples_import_cleanly_into_an_empty_database(db: Database, ctx: Context) -> None:
    report = import_samples(db, ctx)
    assert counts(report) == {name: (n, 0, 0) for name, n in SAMPLE_COUNTS.items()}
    assert report.written
    assert all(result.ok for result in check.run(db))
    ticket = by_ref(db, Ticket, "TK-001")
    with db.read() as session:
        actions = {a.value for a in linked.available_actions(session, ticket)}
    assert len(actions) == 5  # every after-sales action is offered on the first ticket


def test_the_desk_numbers_after_the_imported_documents(db: Database, ctx: Context) -> None:
    import_samples(db, ctx)
    with db.write() as session:
        assert peek(session, "ticket") == 111
        assert next_name(session, "INV/2026/") == "INV/2026/00009"
        assert next_name(session, "WH/OUT/") == "WH/OUT/00009"
        assert next_name(session, "S") == "S00009"


def test_invoices_total_their_lines_and_keep_state_payment_and_journal(
    db: Database, ctx: Context
) -> None:
    import_samples(db, ctx)
    invoice = by_ref(db, Invoice, "I-003")
    assert invoice.amount_total == Decimal("1397.00")  # 899 + 2 x 249
    assert (invoice.state.value, invoice.payment_state.value) == ("posted", "paid")
    assert invoice.name == "INV/2026/00003"
    assert invoice.move_type.value == "out_invoice"


def test_import_again_updates_instead_of_duplicating(
    db: Database, ctx: Context, tmp_path: Path
) -> None:
    import_samples(db, ctx)
    before = {m: count(db, m) for m in (Partner, Product, Ticket, Invoice, TicketFollower, User)}
    again = run(db, ctx, *sample_paths())
    assert counts(again) == {name: (0, n, 0) for name, n in SAMPLE_COUNTS.items()}
    assert {m: count(db, m) for m in before} == before
    changed = csv_file(
        tmp_path, "customers.csv", ["ext_ref", "name", "email"], ["C-001", "Azure Interior SA", ""]
    )
    prices = csv_file(tmp_path, "products.csv", ["ext_ref", "name", "list_price"])
    prices.write_text(prices.read_text() + "PR-003,Milk Frother XL,64.50\n")
    report = run(db, ctx, changed, prices)
    assert counts(report) == {"customers": (0, 1, 0), "products": (0, 1, 0)}
    customer = by_ref(db, Partner, "C-001")
    assert (customer.name, customer.email, customer.phone) == (
        "Azure Interior SA",
        None,
        "+32 2 555 01 07",  # a column the file does not have stays as it was
    )
    product = by_ref(db, Product, "PR-003")
    assert (product.name, product.list_price, product.default_code) == (
        "Milk Frother XL",
        Decimal("64.50"),
        "FRO-20",
    )


def test_references_resolve_across_files_in_either_order(
    db: Database, ctx: Context, tmp_path: Path
) -> None:
    orders = csv_file(
        tmp_path,
        "sales_orders.csv",
        ["ext_ref", "name", "customer", "date_order"],
        ["SO-1", "S00100", "C-2", "2026-11-02"],
    )
    contacts = csv_file(
        tmp_path,
        "customers.csv",
        ["ext_ref", "name", "company"],
        ["C-2", "Ann Lee", "C-1"],  # the company comes later in the same file
        ["C-1", "Lee & Co", ""],
    )
    report = run(db, ctx, orders, contacts)
    assert report.problems == []
    assert counts(report) == {"customers": (2, 0, 0), "sales_orders": (1, 0, 0)}
    ann = by_ref(db, Partner, "C-2")
    assert ann.company_id == by_ref(db, Partner, "C-1").id
    assert by_ref(db, SalesOrder, "SO-1").partner_id == ann.id
    # and the other way round, in a second database state: the order file again, last
    report = run(db, ctx, contacts, orders)
    assert counts(report) == {"customers": (0, 2, 0), "sales_orders": (0, 1, 0)}


def test_tickets_get_numbers_followers_and_timestamps(
    db: Database, ctx: Context, tmp_path: Path
) -> None:
    import_samples(db, ctx)
    new = json_file(
        tmp_path,
        "tickets.json",
        [
            {
                "ext_ref": "TK-900",
                "title": "Call me back",
                "team": "T-002",
                "customer": "C-005",
                "followers": ["C-011", "C-012"],
            }
        ],
    )
    assert run(db, ctx, new).problems == []
    ticket = by_ref(db, Ticket, "TK-900")
    assert ticket.number == 111
    assert ticket.created_at == ticket.updated_at == ctx.now()
    with db.read() as session:
        followers = set(
            session.exec(
                select(TicketFollower.partner_id).where(TicketFollower.ticket_id == ticket.id)
            ).all()
        )
    assert followers == {by_ref(db, Partner, r).id for r in ("C-005", "C-011", "C-012")}
    sample = by_ref(db, Ticket, "TK-002")
    assert (sample.number, sample.stage.value, sample.priority.value) == (102, "in_progress", "2")
    assert sample.created_at.isoformat() == "2026-11-12T08:10:00+00:00"


def test_agents_projects_and_teams(db: Database, ctx: Context, tmp_path: Path) -> None:
    import_samples(db, ctx)
    mia = by_ref(db, User, "U-001")
    with db.read() as session:
        assert session.get(Partner, mia.partner_id).email == "mia@brewline.example.com"  # type: ignore[union-attr]
        stages = session.exec(select(TaskStage.name).order_by(TaskStage.sequence)).all()
    assert stages == ["New", "Planned", "In Progress", "Done"]
    team = by_ref(db, Team, "T-001")
    assert team.use_field_service and team.fsm_project_id is not None
    moved = csv_file(tmp_path, "users.csv", ["ext_ref", "email"], ["U-001", "mia@new.example.com"])
    assert run(db, ctx, moved).problems == []
    with db.read() as session:
        assert session.get(Partner, mia.partner_id).email == "mia@new.example.com"  # type: ignore[union-attr]
    assert by_ref(db, User, "U-001").name == "Mia Jensen"


def test_a_dry_run_counts_and_writes_nothing(db: Database, ctx: Context) -> None:
    report = run(db, ctx, *sample_paths(), dry_run=True)
    assert counts(report) == {name: (n, 0, 0) for name, n in SAMPLE_COUNTS.items()}
    assert not report.written
    assert count(db, Partner) == count(db, Ticket) == 0


def test_a_bulk_import_of_several_thousand_rows(db: Database, ctx: Context, tmp_path: Path) -> None:
    """The 100,000-row import, scaled down to 5,000 rows (bulk writes, the full-text index
    rebuilt once)."""
    from tests.io_bulk import bulk_files

    paths = bulk_files(tmp_path, customers=1_000, orders=1_000, tickets=2_500)
    report = run(db, ctx, *paths)
    assert report.problems == []
    assert counts(report) == {
        "teams": (1, 0, 0),
        "customers": (1_000, 0, 0),
        "products": (10, 0, 0),
        "sales_orders": (1_000, 0, 0),
        "sales_order_lines": (1_000, 0, 0),
        "tickets": (2_500, 0, 0),
    }
    assert all(result.ok for result in check.run(db))
    again = run(db, ctx, *paths)
    assert counts(again)["tickets"] == (0, 2_500, 0)
    assert count(db, Ticket) == 2_500
