"""Generated demo data: proportions, determinism, foreign keys, the services' invariants, the
desk working on it, and the command line (``generate``, ``demo --tickets``)."""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel, col, select

from aftersales_tui.cli import _prepare
from aftersales_tui.db import Database, open_database
from aftersales_tui.models import (
    Coupon,
    Invoice,
    InvoiceState,
    Message,
    MoveType,
    PaymentState,
    Picking,
    PickingKind,
    RepairOrder,
    SalesOrder,
    Stage,
    Task,
    Ticket,
)
from aftersales_tui.services import coupons, linked, refunds, tickets
from aftersales_tui.services.context import Context, frozen_clock
from aftersales_tui.services.demo import is_empty, load_demo
from aftersales_tui.services.demo.bulk import BulkWriter, Stamps, table_of
from aftersales_tui.services.demo.generate import GenerateStats, generate
from aftersales_tui.services.errors import AfterSalesError
from aftersales_tui.services.refunds import RefundMode, RefundRequest
from aftersales_tui.services.sequences import peek, split_name
from aftersales_tui.settings import Settings

from .conftest import NOW, TODAY
from .test_cli import assert_one_clear_line, run

MESSAGES_OUTSIDE_THEIR_TICKET = """
    SELECT t.number, m.body FROM message m JOIN ticket t ON t.id = m.res_id
    WHERE m.model = 'ticket' AND (m.created_at < t.created_at OR m.created_at > t.updated_at
        OR (m.author_user_id IS NULL) = (m.author_partner_id IS NULL))"""
CTX = Context(user_id=None, clock=frozen_clock(NOW), tz=UTC)
SMALL = 2_000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, GenerateStats]]:
    """2,000 generated tickets in a file database, shared by the tests that only read."""
    database = open_database(str(tmp_path_factory.mktemp("generated") / "big.db"))
    stats = generate(database, CTX, SMALL, TODAY, seed=7)
    yield database, stats
    database.dispose()


@pytest.fixture
def gdb(generated: tuple[Database, GenerateStats]) -> Database:
    return generated[0]


def _rows(session: Session, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in session.execute(text(sql), params).all()]


def _one(session: Session, sql: str, **params: Any) -> Any:
    return session.execute(text(sql), params).scalar_one()


def _nothing(session: Session, sql: str, **params: Any) -> None:
    """The query finds no row (each row it finds breaks a rule)."""
    assert _rows(session, sql, **params) == []


def _fingerprint(db: Database) -> str:
    """A hash of every generated table, row by row in id order."""
    digest = hashlib.sha256()
    with db.read() as session:
        for table in ("partner", "salesorder", "picking", "invoice", "ticket", "message"):
            for row in session.execute(text(f"SELECT * FROM {table} ORDER BY id")):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


# --- proportions --------------------------------------------------------------------------


def test_counts_are_in_proportion(generated: tuple[Database, GenerateStats]) -> None:
    db, stats = generated
    assert stats.tickets == SMALL
    assert stats.customers == 80  # N/25
    assert stats.sales_orders == 1_000  # N/2
    assert stats.deliveries == stats.invoices  # one of each per confirmed order
    assert 0.85 * stats.sales_orders < stats.deliveries < 0.95 * stats.sales_orders
    assert stats.messages >= stats.tickets
    for small_share in (stats.credit_notes, stats.coupons, stats.returns, stats.repairs):
        assert 0 < small_share < stats.tickets // 20
    assert 0 < stats.tasks < stats.tickets // 20
    with db.read() as session:
        assert _one(session, "SELECT count(*) FROM ticket") == SMALL
        assert _one(session, "SELECT count(*) FROM salesorder") == stats.sales_orders
        agents = _one(session, "SELECT count(*) FROM user")
        assert agents == 8
        partners = _one(session, "SELECT count(*) FROM partner")
        assert partners == stats.customers + agents
        credit = "SELECT count(*) FROM invoice WHERE move_type = 'out_refund'"
        assert _one(session, credit) == stats.credit_notes
        assert _one(session, "SELECT count(*) FROM message") == stats.messages
        total = sum(
            _one(session, f"SELECT count(*) FROM {name}")
            for name in (
                "partner", "lot", "salesorder", "salesorderline", "picking", "pickingline",
                "invoice", "invoiceline", "ticket", "ticketfollower", "message", "coupon",
                "repairorder", "repairline", "repairtaglink", "task",
            )
        )  # fmt: skip
        assert total == stats.rows + agents  # the agents' own partners come from the demo


def test_twenty_thousand_tickets_stay_in_proportion_and_consistent(db: Database) -> None:
    stats = generate(db, CTX, 20_000, TODAY)
    assert (stats.tickets, stats.customers, stats.sales_orders) == (20_000, 800, 10_000)
    with db.read() as session:
        assert _rows(session, "PRAGMA foreign_key_check") == []
        teams = _rows(session, "SELECT team_id, count(*) FROM ticket GROUP BY team_id")
        assert len(teams) == 4 and all(n > 2_000 for _team, n in teams)
        _nothing(session, MESSAGES_OUTSIDE_THEIR_TICKET)


def test_master_data_is_the_demos(gdb: Database, db: Database) -> None:
    load_demo(db, CTX, TODAY)
    queries = [
        "SELECT id, login, name FROM user ORDER BY id",
        *(
            f"SELECT * FROM {table} ORDER BY id"
            for table in (
                "team", "project", "taskstage", "worksheettemplate", "product", "location",
                "journal", "couponprogram", "repairtag",
            )
        ),
    ]  # fmt: skip
    with gdb.read() as generated_session, db.read() as demo_session:
        for sql in queries:
            assert _rows(generated_session, sql) == _rows(demo_session, sql), sql


# --- determinism --------------------------------------------------------------------------


def test_same_seed_same_database(gdb: Database) -> None:
    again = open_database("sqlite://")
    other = open_database("sqlite://")
    try:
        generate(again, CTX, SMALL, TODAY, seed=7)
        generate(other, CTX, SMALL, TODAY, seed=8)
        assert _fingerprint(again) == _fingerprint(gdb)
        assert _fingerprint(other) != _fingerprint(gdb)
    finally:
        again.dispose()
        other.dispose()


# --- foreign keys and invariants ---------------------------------------------------------


def test_every_foreign_key_is_valid(gdb: Database) -> None:
    with gdb.read() as session:
        assert _rows(session, "PRAGMA foreign_key_check") == []
        assert _rows(session, "PRAGMA integrity_check") == [("ok",)]


def test_every_row_reads_back_through_the_records(gdb: Database) -> None:
    """Values were written as SQLite stores them: enums, dates, UTC timestamps, money."""
    with gdb.read() as session:
        for model in SQLModel.__subclasses__():
            if hasattr(model, "__table__"):
                session.exec(select(model)).all()
        ticket = session.get(Ticket, 1)
        assert ticket is not None and ticket.created_at.tzinfo is UTC
        invoice = session.exec(select(Invoice).where(Invoice.id == 1)).one()
        assert isinstance(invoice.amount_total, Decimal) and invoice.invoice_date is not None


def test_stamps_are_what_the_records_store(db: Database) -> None:
    stamps = Stamps(TODAY, 2)
    moment = datetime.combine(TODAY + timedelta(days=1), time(9, 5, 7), UTC)
    with db.write() as session:
        session.add(Message(model="ticket", res_id=1, created_at=moment, body="x"))
    with db.read() as session:
        stored = _one(session, "SELECT created_at FROM message")
    assert stored == stamps.at(86_400 + 9 * 3600 + 5 * 60 + 7) == stamps.moment(1, 32_707)
    assert stamps.day(2) == (TODAY + timedelta(days=2)).isoformat()


def test_documents_follow_their_order(gdb: Database) -> None:
    with gdb.read() as session:
        states = dict(_rows(session, "SELECT state, count(*) FROM salesorder GROUP BY state"))
        assert states.keys() == {"sale", "draft", "cancel"}
        assert states["sale"] > 0.85 * sum(states.values())
        for table in ("picking", "invoice"):
            unconfirmed = _one(
                session,
                f"""SELECT count(*) FROM {table} d JOIN salesorder o ON o.id = d.sale_order_id
                    WHERE o.state != 'sale' OR o.partner_id != d.partner_id""",
            )
            assert unconfirmed == 0, table
        _nothing(
            session,
            """SELECT o.id FROM salesorder o WHERE o.state = 'sale' AND (
                   (SELECT count(*) FROM picking WHERE sale_order_id = o.id
                    AND kind = 'outgoing' AND state = 'done') != 1
                   OR (SELECT count(*) FROM invoice WHERE sale_order_id = o.id
                       AND move_type = 'out_invoice' AND state = 'posted') != 1)""",
        )


def test_credit_notes_never_exceed_their_invoice(gdb: Database) -> None:
    with gdb.read() as session:
        _nothing(
            session,
            """SELECT i.name FROM invoice i JOIN invoice c ON c.reversed_entry_id = i.id
               WHERE c.move_type = 'out_refund' AND c.state != 'cancelled'
               GROUP BY i.id HAVING sum(c.amount_total) > i.amount_total""",
        )
        notes = session.exec(select(Invoice).where(Invoice.move_type == MoveType.CREDIT_NOTE))
        notes_list = notes.all()
        assert {n.state for n in notes_list} == {InvoiceState.DRAFT, InvoiceState.POSTED}
        for note in notes_list:
            invoice = session.get(Invoice, note.reversed_entry_id)
            ticket = session.get(Ticket, note.ticket_id)
            assert invoice is not None and ticket is not None
            assert invoice.move_type == MoveType.INVOICE and invoice.state == InvoiceState.POSTED
            assert note.partner_id == invoice.partner_id == ticket.partner_id
            assert note.ref == f"Reversal of: {invoice.name}, Helpdesk Ticket #{ticket.number}"
            assert note.invoice_date and invoice.invoice_date
            assert note.invoice_date >= invoice.invoice_date
            if note.state == InvoiceState.POSTED:  # posting keeps a paid invoice paid
                assert invoice.payment_state == PaymentState.PAID
                assert ticket.stage in (Stage.SOLVED, Stage.CANCELLED)
            lines = _one(
                session,
                "SELECT sum(quantity * price_unit) FROM invoiceline WHERE invoice_id = :i",
                i=note.id,
            )
            assert Decimal(str(lines)).quantize(Decimal("0.01")) == note.amount_total


def test_invoice_totals_are_their_lines(gdb: Database) -> None:
    with gdb.read() as session:
        _nothing(
            session,
            """SELECT i.name FROM invoice i JOIN invoiceline l ON l.invoice_id = i.id
               GROUP BY i.id HAVING abs(sum(l.quantity * l.price_unit) - i.amount_total) > 0.005""",
        )


def test_returns_never_exceed_their_delivery(gdb: Database) -> None:
    with gdb.read() as session:
        _nothing(
            session,
            """SELECT r.name FROM picking r JOIN pickingline rl ON rl.picking_id = r.id
               WHERE r.kind = 'incoming' AND r.state != 'cancelled'
               GROUP BY r.return_of_id, rl.product_id, rl.lot_id
               HAVING sum(rl.quantity) > (
                   SELECT coalesce(sum(dl.quantity), 0) FROM pickingline dl
                   WHERE dl.picking_id = r.return_of_id AND dl.product_id = rl.product_id
                     AND dl.lot_id IS rl.lot_id)""",
        )
        returns = session.exec(select(Picking).where(Picking.kind == PickingKind.INCOMING)).all()
        assert returns
        for ret in returns:
            origin = session.get(Picking, ret.return_of_id)
            assert origin is not None and origin.kind == PickingKind.OUTGOING
            assert ret.origin == f"Return of {origin.name}"
            assert ret.partner_id == origin.partner_id
            assert (ret.date_done is not None) == (ret.state == "done")
        _nothing(
            session,
            """SELECT dl.lot_id FROM pickingline dl JOIN picking d ON d.id = dl.picking_id
               JOIN product p ON p.id = dl.product_id
               WHERE d.kind = 'outgoing' AND p.tracking = 'serial'
               GROUP BY dl.lot_id HAVING count(*) > 1 OR sum(dl.quantity) != 1""",
        )


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("salesorder", "name"),
        ("picking", "name"),
        ("invoice", "name"),
        ("repairorder", "name"),
        ("coupon", "code"),
        ("ticket", "number"),
    ],
)
def test_names_are_unique(gdb: Database, table: str, column: str) -> None:
    with gdb.read() as session:
        total, distinct = session.execute(
            text(f"SELECT count({column}), count(DISTINCT {column}) FROM {table}")
        ).one()
        assert total == distinct > 0


def test_numbers_increase_with_id_and_creation(gdb: Database) -> None:
    with gdb.read() as session:
        rows = _rows(session, "SELECT id, number, created_at FROM ticket ORDER BY id")
        assert [number for _id, number, _at in rows] == list(range(1001, 1001 + SMALL))
        assert [row[2] for row in rows] == sorted(row[2] for row in rows)
        first = session.get(Ticket, rows[0][0])
        last = session.get(Ticket, rows[-1][0])
        assert first is not None and last is not None
        assert timedelta(days=5 * 365 - 10) < NOW - first.created_at < timedelta(days=5 * 366)
        assert last.created_at < NOW.replace(hour=0) <= last.created_at + timedelta(days=3)


def test_tickets_agree_with_what_they_refer_to(gdb: Database) -> None:
    with gdb.read() as session:
        _nothing(
            session,
            """SELECT t.number FROM ticket t JOIN salesorder o ON o.id = t.sale_order_id
               WHERE o.partner_id IS NOT t.partner_id OR o.state != 'sale'
                  OR o.date_order > date(t.created_at, '-4 days')
                  OR t.product_id NOT IN (SELECT product_id FROM salesorderline
                                          WHERE order_id = o.id)""",
        )
        wrong_lot = _rows(
            session,
            """SELECT t.number FROM ticket t JOIN lot l ON l.id = t.lot_id
               WHERE l.product_id != t.product_id""",
        )
        assert wrong_lot == []
        _nothing(
            session,
            """SELECT t.number FROM ticket t WHERE t.partner_id IS NOT NULL AND NOT EXISTS (
                   SELECT 1 FROM ticketfollower f
                   WHERE f.ticket_id = t.id AND f.partner_id = t.partner_id)""",
        )
        closed_unassigned = "SELECT count(*) FROM ticket WHERE stage != 'new' AND user_id IS NULL"
        assert _one(session, closed_unassigned) == 0


def test_chatter_tells_the_story(gdb: Database) -> None:
    with gdb.read() as session:
        silent = """SELECT count(*) FROM ticket t WHERE NOT EXISTS (
                        SELECT 1 FROM message m WHERE m.model = 'ticket'
                        AND m.res_id = t.id AND m.created_at = t.created_at)"""
        assert _one(session, silent) == 0
        _nothing(session, MESSAGES_OUTSIDE_THEIR_TICKET)
        emails = _one(
            session,
            """SELECT count(*) FROM message m JOIN ticket t ON t.id = m.res_id
               WHERE m.kind = 'email' AND m.author_partner_id = t.partner_id""",
        )
        with_customer = _one(session, "SELECT count(*) FROM ticket WHERE partner_id IS NOT NULL")
        assert emails == with_customer
        created = "SELECT count(*) FROM message WHERE body = 'Ticket created'"
        assert _one(session, created) == SMALL - with_customer


def test_stages_follow_age(gdb: Database) -> None:
    with gdb.read() as session:
        old = _rows(
            session,
            """SELECT stage, count(*) FROM ticket WHERE created_at < :before GROUP BY stage""",
            before=(NOW - timedelta(days=90)).replace(tzinfo=None).isoformat(" "),
        )
        counts = dict(old)
        assert counts.get("new", 0) == 0
        assert counts["solved"] > 0.9 * sum(counts.values())
        recent = _rows(
            session,
            "SELECT DISTINCT stage FROM ticket WHERE created_at >= :since",
            since=(NOW - timedelta(days=3)).replace(tzinfo=None).isoformat(" "),
        )
        assert ("new",) in recent


def test_after_sales_records_follow_their_team(gdb: Database) -> None:
    with gdb.read() as session:
        for model, switch in (
            (Invoice, "use_refunds"),
            (Coupon, "use_coupons"),
            (Picking, "use_returns"),
            (RepairOrder, "use_repairs"),
            (Task, "use_field_service"),
        ):
            table = table_of(model).name
            off = _one(
                session,
                f"""SELECT count(*) FROM {table} r JOIN ticket t ON t.id = r.ticket_id
                    JOIN team ON team.id = t.team_id WHERE NOT team.{switch}""",
            )
            assert off == 0, table
            linked_count = _one(
                session, f"SELECT count(*) FROM {table} WHERE ticket_id IS NOT NULL"
            )
            assert linked_count > 0, table


def test_sequences_continue_after_the_generated_names(gdb: Database) -> None:
    with gdb.read() as session:
        assert peek(session, "ticket") == 1001 + SMALL
        names = [
            *session.exec(select(SalesOrder.name)).all(),
            *session.exec(select(Invoice.name)).all(),
            *session.exec(select(Picking.name)).all(),
            *session.exec(select(RepairOrder.name)).all(),
        ]
        highest: dict[str, int] = {}
        for name in names:
            parts = split_name(name or "")
            assert parts is not None
            highest[parts[0]] = max(highest.get(parts[0], 0), parts[1])
        expected = {"S", "WH/OUT/", "WH/RET/", "RO/", "INV/2026/", "SHOP/2022/", "RINV/2026/"}
        assert expected <= set(highest)
        for prefix, number in highest.items():
            assert peek(session, "name:" + prefix) == number + 1, prefix


# --- the desk works on it --------------------------------------------------------------


@pytest.fixture
def desk_db() -> Iterator[Database]:
    database = open_database("sqlite://")
    generate(database, CTX, SMALL, TODAY, seed=7)
    yield database
    database.dispose()


def test_the_desk_works_on_generated_data(desk_db: Database) -> None:
    with desk_db.read() as session:
        mia = _one(session, "SELECT id FROM user WHERE login = 'mia'")
        with_records = _one(
            session,
            """SELECT ticket_id FROM invoice WHERE move_type = 'out_refund'
               ORDER BY id LIMIT 1""",
        )
        ticket = session.exec(
            select(Ticket)
            .where(
                col(Ticket.sale_order_id).is_not(None),
                Ticket.team_id == 1,
                Ticket.stage == Stage.IN_PROGRESS,
                col(Ticket.sale_order_id).not_in(
                    select(Invoice.sale_order_id).where(Invoice.move_type == MoveType.CREDIT_NOTE)
                ),
            )
            .order_by(col(Ticket.id).desc())
        ).first()
        assert ticket is not None and ticket.id is not None
        last_refunds = dict(
            _rows(
                session,
                """SELECT substr(name, 1, instr(name, '/2026/') + 5), max(name) FROM invoice
                   WHERE move_type = 'out_refund' AND name LIKE '%/2026/%' GROUP BY 1""",
            )
        )
    ctx = CTX.as_user(mia)
    page = linked.ticket_page(desk_db, with_records, TODAY)
    assert [b.kind for b in page.buttons] == [linked.LinkKind.CREDIT_NOTES]
    assert page.history[0].body.startswith("Stage: New → ")

    offer = refunds.defaults(desk_db, ctx, ticket.id)
    assert offer.invoice_ids and offer.empty_reason is None
    result = refunds.create_refund(
        desk_db,
        ctx,
        ticket.id,
        RefundRequest(
            offer.invoice_ids,
            offer.reason,
            offer.journal_id,
            TODAY,
            RefundMode.REVERSE,
            offer.scope,
        ),
    )
    made = split_name(result.credit_note_names[0])
    last = split_name(last_refunds[made[0]] if made else "")
    assert made is not None and last is not None
    assert made == (last[0], last[1] + 1), "the credit note continues the generated ones"

    offered = coupons.defaults(desk_db, ctx, ticket.id)
    coupon = coupons.generate(
        desk_db, ctx, ticket.id, coupons.CouponRequest(offered.programs[0].id)
    )
    buttons = linked.ticket_page(desk_db, ticket.id, TODAY).buttons
    assert [(b.kind, b.total) for b in buttons] == [
        (linked.LinkKind.CREDIT_NOTES, 1),
        (linked.LinkKind.COUPONS, 1),
    ]
    assert coupon.code

    new = tickets.create(desk_db, ctx, tickets.TicketFields(title="After the big day", team_id=1))
    assert new.number == 1001 + SMALL


# --- refusals and progress -----------------------------------------------------------------


def test_a_database_that_is_not_empty_is_refused(db: Database) -> None:
    load_demo(db, CTX, TODAY)
    with pytest.raises(AfterSalesError, match="The database is not empty"):
        generate(db, CTX, 10, TODAY)


def test_at_least_one_ticket(db: Database) -> None:
    with pytest.raises(AfterSalesError, match="at least 1"):
        generate(db, CTX, 0, TODAY)
    assert is_empty(db)


def test_progress_and_a_failure_half_way_leaves_the_database_empty(db: Database) -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))

    scratch = open_database("sqlite://")
    generate(scratch, CTX, 12_000, TODAY, progress=progress)
    scratch.dispose()
    assert calls[0] == (480, 480 + 6_000 + 12_000)  # the customers first
    assert [done for done, _t in calls] == sorted(done for done, _t in calls)
    assert calls[-1] == (18_480, 18_480)

    def fail(done: int, total: int) -> None:
        if done > 480:
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        generate(db, CTX, 12_000, TODAY, progress=fail)
    assert is_empty(db)
    with db.read() as session:
        assert _one(session, "SELECT count(*) FROM salesorder") == 0


def test_the_bigger_page_cache_lasts_only_the_transaction(db: Database) -> None:
    with db.read() as session:
        before = _one(session, "PRAGMA cache_size")
    with db.bulk_write(cache_mib=64) as session:
        assert _one(session, "PRAGMA cache_size") == -64 * 1024
    with db.read() as session:
        assert _one(session, "PRAGMA cache_size") == before


def test_a_row_missing_a_required_column_is_refused_at_once(db: Database) -> None:
    with db.write() as session, pytest.raises(ValueError, match=r"\['title'"):
        BulkWriter(session).channel("tickets", Ticket, ("id", "number"))


# --- the command line ----------------------------------------------------------------------


def test_generate_command(tmp_path: Path) -> None:
    path = str(tmp_path / "bench.db")
    first = run("generate", "--tickets", "300", "--db", path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Tickets generated: 300 (")
    assert "rows/s" in first.stdout
    again = run("generate", "--tickets", "300", "--db", path)
    assert_one_clear_line(again, "The database is not empty")
    demo = run("demo", "--tickets", "300", "--db", path)
    assert_one_clear_line(demo, "The database is not empty")
    for bad in (("--tickets", "0", "--db", path), ("--tickets", "300")):
        usage = run("generate", *bad)
        assert usage.returncode == 2 and "usage:" in usage.stderr


def test_demo_with_tickets_generates_then_opens_the_desk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = open_database(str(tmp_path / "demo.db"))
    load_demo(database, CTX, TODAY)
    args = argparse.Namespace(
        command="demo", reset=True, tickets=500, seed=3, user=None, theme=None, no_mouse=False
    )
    desk = _prepare(database, args, Settings())
    assert desk.agent_name == "Mia Lopez"
    assert "Tickets generated: 500 (" in capsys.readouterr().err
    with database.read() as session:
        assert _one(session, "SELECT count(*) FROM ticket") == 500
        assert _one(session, "SELECT min(number) FROM ticket") == 1001
    database.dispose()
