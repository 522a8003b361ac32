"""The demo dataset: minimum content, business rules, determinism, refusal, reset, sequences."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, SQLModel, col, select

from aftersales_tui.db import Database, open_database
from aftersales_tui.models import (
    Coupon,
    CouponProgram,
    Invoice,
    InvoiceLine,
    InvoiceState,
    Journal,
    JournalType,
    Location,
    LocationUsage,
    Lot,
    Message,
    MessageKind,
    MoveType,
    OrderState,
    Partner,
    PaymentState,
    Picking,
    PickingKind,
    PickingLine,
    PickingState,
    Priority,
    Product,
    ProductType,
    ProgramType,
    Project,
    RepairLine,
    RepairOrder,
    RepairState,
    RepairTag,
    RepairTagLink,
    SalesOrder,
    SalesOrderLine,
    Stage,
    Task,
    TaskStage,
    Team,
    Ticket,
    TicketFollower,
    Tracking,
    User,
    WorksheetTemplate,
)
from aftersales_tui.services.context import Context
from aftersales_tui.services.demo import (
    DemoSummary,
    demo_data_dir,
    is_empty,
    load_demo,
    reset_database,
)
from aftersales_tui.services.errors import AfterSalesError
from aftersales_tui.services.sequences import next_name, next_number, split_name

from .conftest import NOW, TODAY


@pytest.fixture
def demo(db: Database, ctx: Context) -> Database:
    load_demo(db, ctx)
    return db


def _count(session: Session, model: Any) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def _dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.read() as session:
        for table in SQLModel.metadata.tables.values():
            rows = session.execute(table.select().order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(row) for row in rows]
    return out


# --- where the files are -------------------------------------------------------------------


def test_data_dir_is_the_repository_data_folder() -> None:
    folder = demo_data_dir()
    assert folder.name == "data"
    assert (folder / "tickets.json").is_file()


# --- minimum content -------------------------------------------------------------------------


def test_summary_counts(db: Database, ctx: Context) -> None:
    summary = load_demo(db, ctx)
    assert isinstance(summary, DemoSummary)
    assert summary.tickets == 120
    assert summary.users == 8
    assert summary.sales_orders >= 60
    assert summary.coupon_programs == 3
    assert summary.messages >= summary.tickets
    with db.read() as session:
        assert _count(session, Ticket) == summary.tickets
        assert _count(session, Message) == summary.messages
        # every user has a partner of their own besides the listed partners
        assert _count(session, Partner) == summary.partners + summary.users


def test_teams_and_agents(demo: Database) -> None:
    with demo.read() as session:
        teams = session.exec(select(Team)).all()
        assert len(teams) >= 3
        switches = {
            (t.use_refunds, t.use_coupons, t.use_returns, t.use_repairs, t.use_field_service)
            for t in teams
        }
        assert len(switches) == len(teams), "every team has its own set of switches"
        full = [
            t
            for t in teams
            if t.use_refunds
            and t.use_coupons
            and t.use_returns
            and t.use_repairs
            and t.use_field_service
        ]
        assert [t.name for t in full] == ["Support EU"]
        project = session.get(Project, full[0].fsm_project_id)
        assert project is not None and project.allow_worksheets
        for team in teams:
            assert team.use_field_service == (team.fsm_project_id is not None)

        users = session.exec(select(User).order_by(col(User.id))).all()
        assert len(users) == 8
        assert (users[0].login, users[0].name) == ("mia", "Mia Lopez")
        assert all(session.get(Partner, u.partner_id) is not None for u in users)


def test_customers_products_and_orders(demo: Database) -> None:
    with demo.read() as session:
        agent_partners = set(session.exec(select(User.partner_id)).all())
        customers = [
            p
            for p in session.exec(select(Partner)).all()
            if p.id not in agent_partners and p.company_id is None
        ]
        assert len(customers) >= 40
        contacts = session.exec(select(Partner).where(col(Partner.company_id).is_not(None)))
        assert len(contacts.all()) >= 5

        products = session.exec(select(Product)).all()
        assert len(products) >= 30
        assert any(p.tracking == Tracking.LOT for p in products)
        assert any(p.tracking == Tracking.SERIAL for p in products)
        services = [p for p in products if p.product_type == ProductType.SERVICE]
        assert services and all(p.tracking == Tracking.NONE for p in services)

        orders = session.exec(select(SalesOrder)).all()
        assert len(orders) >= 60
        states = {o.state for o in orders}
        assert {OrderState.CONFIRMED, OrderState.QUOTATION} <= states
        with_lines = set(session.exec(select(SalesOrderLine.order_id)).all())
        assert all(o.id in with_lines for o in orders)

        names = {loc.name: loc for loc in session.exec(select(Location)).all()}
        assert names["WH/Stock"].usage == LocationUsage.INTERNAL
        assert names["Partners/Customers"].usage == LocationUsage.CUSTOMER
        assert names["WH/Returns"].is_return_location and names["WH/Returns"].is_default_return
        assert names["WH/Repair"].is_return_location
        assert not names["WH/Repair"].is_default_return


def test_invoices(demo: Database) -> None:
    with demo.read() as session:
        invoices = session.exec(select(Invoice).where(Invoice.move_type == MoveType.INVOICE)).all()
        journals = {j.id: j for j in session.exec(select(Journal)).all()}
        used = {journals[i.journal_id].code for i in invoices}
        assert {"INV", "SHOP"} <= used
        assert all(journals[i.journal_id].journal_type == JournalType.SALE for i in invoices)
        by_code = {j.code: j for j in journals.values()}
        assert by_code["INV"].refund_code == "RINV"
        assert by_code["SHOP"].refund_code == "RSHOP"

        posted = [i for i in invoices if i.state == InvoiceState.POSTED]
        payment = {i.payment_state for i in posted}
        assert {PaymentState.NOT_PAID, PaymentState.PAID, PaymentState.PARTIAL} <= payment
        drafts = [i for i in invoices if i.state == InvoiceState.DRAFT]
        assert len(drafts) == 1 and drafts[0].name is None
        assert all(i.name and i.name.startswith(("INV/2026/", "SHOP/2026/")) for i in posted)

        totals: dict[int, Decimal] = defaultdict(Decimal)
        for line in session.exec(select(InvoiceLine)).all():
            totals[line.invoice_id] += line.quantity * line.price_unit
        for move in session.exec(select(Invoice)).all():
            assert move.id is not None
            assert move.amount_total == totals[move.id].quantize(Decimal("0.01")), move.name
            assert totals[move.id] > 0, "at least one line"


def test_programs_projects_templates_tags(demo: Database) -> None:
    with demo.read() as session:
        programs = session.exec(select(CouponProgram)).all()
        kinds = sorted(p.program_type for p in programs)
        assert kinds == sorted([ProgramType.COUPONS, ProgramType.COUPONS, ProgramType.PROMOTION])
        assert all(p.active for p in programs if p.program_type == ProgramType.COUPONS)

        projects = session.exec(select(Project)).all()
        assert len(projects) == 2 and all(p.is_fsm for p in projects)
        with_sheets = [p for p in projects if p.allow_worksheets]
        assert len(with_sheets) == 1 and with_sheets[0].worksheet_template_id is not None
        for project in projects:
            stages = session.exec(
                select(TaskStage)
                .where(TaskStage.project_id == project.id)
                .order_by(col(TaskStage.sequence))
            ).all()
            assert len(stages) >= 3
            assert stages[0].name == "New" and not stages[0].is_closed
            assert stages[-1].is_closed

        assert _count(session, WorksheetTemplate) == 3
        assert _count(session, RepairTag) >= 5


def test_tickets(demo: Database) -> None:
    with demo.read() as session:
        tickets = session.exec(select(Ticket).order_by(col(Ticket.number))).all()
        assert [t.number for t in tickets] == list(range(1001, 1121))
        assert {t.stage for t in tickets} == set(Stage)
        assert {t.priority for t in tickets} == set(Priority)
        assert sum(1 for t in tickets if t.partner_id) > 100
        assert sum(1 for t in tickets if t.product_id) > 40
        assert any(t.user_id is None for t in tickets)
        oldest = min(t.created_at for t in tickets)
        assert timedelta(days=100) < NOW - oldest <= timedelta(days=125)

        followers: dict[int, set[int]] = defaultdict(set)
        for f in session.exec(select(TicketFollower)).all():
            followers[f.ticket_id].add(f.partner_id)
        messages: dict[int, list[Message]] = defaultdict(list)
        for m in session.exec(select(Message).where(Message.model == "ticket")).all():
            messages[m.res_id].append(m)
        kinds = set()
        for t in tickets:
            assert t.id is not None
            assert t.created_at <= t.updated_at < NOW
            assert followers[t.id], t.number
            if t.partner_id:
                assert t.partner_id in followers[t.id]
            chatter = messages[t.id]
            assert 1 <= len(chatter) <= 6, t.number
            for m in chatter:
                assert t.created_at <= m.created_at <= t.updated_at, t.number
                assert (m.author_user_id is None) != (m.author_partner_id is None)
                if m.kind == MessageKind.EMAIL:
                    assert m.author_partner_id is not None
                kinds.add(m.kind)
        assert kinds == set(MessageKind)


def test_tickets_agree_with_orders_and_deliveries(demo: Database) -> None:
    with demo.read() as session:
        orders = {o.id: o for o in session.exec(select(SalesOrder)).all()}
        products = {p.id: p for p in session.exec(select(Product)).all()}
        lots = {lot.id: lot for lot in session.exec(select(Lot)).all()}
        ordered: dict[int | None, set[int]] = defaultdict(set)
        for line in session.exec(select(SalesOrderLine)).all():
            ordered[line.order_id].add(line.product_id)
        for t in session.exec(select(Ticket)).all():
            if t.sale_order_id is not None:
                order = orders[t.sale_order_id]
                assert order.partner_id == t.partner_id, t.number
                if t.product_id is not None:
                    assert t.product_id in ordered[order.id], t.number
            if t.lot_id is not None:
                assert t.product_id is not None
                assert lots[t.lot_id].product_id == t.product_id
                assert products[t.product_id].tracking != Tracking.NONE


def test_deliveries(demo: Database) -> None:
    with demo.read() as session:
        locations = {loc.name: loc.id for loc in session.exec(select(Location)).all()}
        products = {p.id: p for p in session.exec(select(Product)).all()}
        lots = {lot.id: lot for lot in session.exec(select(Lot)).all()}
        deliveries = session.exec(
            select(Picking).where(Picking.kind == PickingKind.OUTGOING).order_by(col(Picking.id))
        ).all()
        done = [d for d in deliveries if d.state == PickingState.DONE]
        confirmed = session.exec(
            select(SalesOrder).where(SalesOrder.state == OrderState.CONFIRMED)
        ).all()
        assert len(done) > len(confirmed) * 3 // 4
        assert [d.name for d in deliveries][:2] == ["WH/OUT/00001", "WH/OUT/00002"]
        for d in deliveries:
            assert d.location_id == locations["WH/Stock"]
            assert d.location_dest_id == locations["Partners/Customers"]
            assert d.sale_order_id is not None
            assert (d.date_done is not None) == (d.state == PickingState.DONE)
        lines = session.exec(
            select(PickingLine).where(col(PickingLine.picking_id).in_([d.id for d in deliveries]))
        ).all()
        serials = [li for li in lines if products[li.product_id].tracking == Tracking.SERIAL]
        assert serials
        for line in lines:
            product = products[line.product_id]
            assert product.product_type == ProductType.GOODS
            if product.tracking == Tracking.NONE:
                assert line.lot_id is None
            else:
                assert line.lot_id is not None
                assert lots[line.lot_id].product_id == line.product_id
            if product.tracking == Tracking.SERIAL:
                assert line.quantity == 1
        serial_ids = [li.lot_id for li in serials]
        assert len(serial_ids) == len(set(serial_ids)), "a serial number is delivered once"


# --- after-sales records already linked to tickets -----------------------------------------


def test_credit_notes_never_exceed_their_invoice(demo: Database) -> None:
    with demo.read() as session:
        moves = {m.id: m for m in session.exec(select(Invoice)).all()}
        notes = [m for m in moves.values() if m.move_type == MoveType.CREDIT_NOTE]
        assert {InvoiceState.DRAFT, InvoiceState.POSTED} <= {n.state for n in notes}
        refunded: dict[int, Decimal] = defaultdict(Decimal)
        for note in notes:
            assert note.reversed_entry_id is not None and note.ticket_id is not None
            invoice = moves[note.reversed_entry_id]
            assert invoice.move_type == MoveType.INVOICE
            assert invoice.state == InvoiceState.POSTED
            assert note.partner_id == invoice.partner_id
            assert note.name and note.name.startswith(("RINV/2026/", "RSHOP/2026/"))
            ticket = session.get(Ticket, note.ticket_id)
            assert ticket is not None
            assert note.ref == f"Reversal of: {invoice.name}, Helpdesk Ticket #{ticket.number}"
            if note.state != InvoiceState.CANCELLED:
                refunded[invoice.id or 0] += note.amount_total
        for invoice_id, amount in refunded.items():
            invoice = moves[invoice_id]
            assert amount <= invoice.amount_total, invoice.name
        for note in notes:
            if note.state == InvoiceState.POSTED and note.reversed_entry_id is not None:
                invoice = moves[note.reversed_entry_id]
                if refunded[invoice.id or 0] == invoice.amount_total:
                    assert invoice.payment_state == PaymentState.REVERSED
        reversed_ = [m for m in moves.values() if m.payment_state == PaymentState.REVERSED]
        assert all(
            any(n.reversed_entry_id == m.id and n.state == InvoiceState.POSTED for n in notes)
            for m in reversed_
        )


def test_returns_never_exceed_their_delivery(demo: Database) -> None:
    with demo.read() as session:
        locations = {loc.id: loc for loc in session.exec(select(Location)).all()}
        pickings = {p.id: p for p in session.exec(select(Picking)).all()}
        quantities: dict[tuple[int, int, int | None], Decimal] = defaultdict(Decimal)
        for line in session.exec(select(PickingLine)).all():
            quantities[(line.picking_id, line.product_id, line.lot_id)] += line.quantity
        returns = [p for p in pickings.values() if p.kind == PickingKind.INCOMING]
        assert returns
        assert {PickingState.READY, PickingState.DONE} >= {r.state for r in returns}
        returned: dict[tuple[int, int, int | None], Decimal] = defaultdict(Decimal)
        for ret in returns:
            assert ret.return_of_id is not None and ret.ticket_id is not None
            origin = pickings[ret.return_of_id]
            assert origin.kind == PickingKind.OUTGOING and origin.state == PickingState.DONE
            assert ret.origin == f"Return of {origin.name}"
            assert ret.name.startswith("WH/RET/")
            assert ret.partner_id == origin.partner_id
            assert locations[ret.location_id].usage == LocationUsage.CUSTOMER
            assert locations[ret.location_dest_id].is_return_location
            for (picking_id, product_id, lot_id), qty in list(quantities.items()):
                if picking_id == ret.id:
                    returned[(origin.id or 0, product_id, lot_id)] += qty
        for (origin_id, product_id, lot_id), qty in returned.items():
            assert 0 < qty <= quantities[(origin_id, product_id, lot_id)]


def test_repairs_coupons_and_tasks(demo: Database) -> None:
    with demo.read() as session:
        repairs = session.exec(select(RepairOrder)).all()
        assert repairs and all(r.ticket_id for r in repairs)
        assert {RepairState.CONFIRMED, RepairState.UNDER_REPAIR} <= {r.state for r in repairs}
        assert [r.name for r in repairs][0] == "RO/00001"
        with_parts = set(session.exec(select(RepairLine.repair_id)).all())
        with_tags = set(session.exec(select(RepairTagLink.repair_id)).all())
        assert all(r.id in with_parts and r.id in with_tags for r in repairs)
        for repair in repairs:
            if repair.under_warranty:
                parts = session.exec(
                    select(RepairLine).where(RepairLine.repair_id == repair.id)
                ).all()
                assert all(part.price_unit == 0 for part in parts)

        coupons = session.exec(select(Coupon)).all()
        assert coupons
        for coupon in coupons:
            program = session.get(CouponProgram, coupon.program_id)
            assert program is not None and program.program_type == ProgramType.COUPONS
            groups = coupon.code.split("-")
            assert len(groups) == 4 and all(len(g) == 4 for g in groups)
            ticket = session.get(Ticket, coupon.ticket_id)
            assert ticket is not None and coupon.partner_id == ticket.partner_id

        tasks = session.exec(select(Task)).all()
        assert tasks
        for task in tasks:
            first = session.exec(
                select(TaskStage)
                .where(TaskStage.project_id == task.project_id)
                .order_by(col(TaskStage.sequence))
            ).first()
            assert first is not None and task.stage_id == first.id
            project = session.get(Project, task.project_id)
            assert project is not None
            assert (task.worksheet_template_id is not None) == project.allow_worksheets


def test_after_sales_records_respect_the_team_switches(demo: Database) -> None:
    with demo.read() as session:
        linked = [
            ("use_refunds", session.exec(select(Invoice.ticket_id)).all()),
            ("use_coupons", session.exec(select(Coupon.ticket_id)).all()),
            ("use_returns", session.exec(select(Picking.ticket_id)).all()),
            ("use_repairs", session.exec(select(RepairOrder.ticket_id)).all()),
            ("use_field_service", session.exec(select(Task.ticket_id)).all()),
        ]
        count = 0
        for switch, ticket_ids in linked:
            for ticket_id in ticket_ids:
                if ticket_id is None:
                    continue
                ticket = session.get(Ticket, ticket_id)
                assert ticket is not None
                team = session.get(Team, ticket.team_id)
                assert team is not None and getattr(team, switch), (ticket.number, switch)
                count += 1
        assert count >= 10


def test_the_rich_example_ticket(demo: Database) -> None:
    with demo.read() as session:
        ticket = session.exec(select(Ticket).where(Ticket.number == 1042)).one()
        assert ticket.title == "Printer jams after firmware 2.1"
        customer = session.get(Partner, ticket.partner_id)
        product = session.get(Product, ticket.product_id)
        order = session.get(SalesOrder, ticket.sale_order_id)
        assert customer is not None and customer.name == "Azure Interior"
        assert product is not None and product.tracking == Tracking.SERIAL
        assert order is not None and order.name == "S00042"
        assert ticket.lot_id is not None
        notes = session.exec(select(Invoice).where(Invoice.ticket_id == ticket.id)).all()
        returns = session.exec(select(Picking).where(Picking.ticket_id == ticket.id)).all()
        repairs = session.exec(select(RepairOrder).where(RepairOrder.ticket_id == ticket.id)).all()
        assert [n.state for n in notes] == [InvoiceState.DRAFT]
        assert [r.state for r in returns] == [PickingState.READY]
        assert [r.state for r in repairs] == [RepairState.CONFIRMED]


# --- determinism, refusal, reset, sequences ----------------------------------------------


def test_loading_twice_gives_identical_rows(ctx: Context) -> None:
    first, second = open_database("sqlite://"), open_database("sqlite://")
    try:
        load_demo(first, ctx, reference=TODAY)
        load_demo(second, ctx, reference=TODAY)
        assert _dump(first) == _dump(second)
    finally:
        first.dispose()
        second.dispose()


def test_dates_follow_the_reference_date(db: Database, ctx: Context) -> None:
    reference = date(2027, 3, 1)
    load_demo(db, ctx, reference=reference)
    with db.read() as session:
        newest = session.exec(select(func.max(Ticket.updated_at))).one()
        oldest = session.exec(select(func.min(Ticket.created_at))).one()
        assert newest is not None and oldest is not None
        assert newest.date() < reference
        assert oldest.date() > reference - timedelta(days=125)


def test_a_second_load_is_refused(demo: Database, ctx: Context) -> None:
    before = _dump(demo)
    with pytest.raises(AfterSalesError, match="not empty"):
        load_demo(demo, ctx)
    assert _dump(demo) == before


def test_load_is_refused_when_only_a_partner_exists(db: Database, ctx: Context) -> None:
    with db.write() as session:
        session.add(Partner(name="Someone"))
    assert not is_empty(db)
    with pytest.raises(AfterSalesError):
        load_demo(db, ctx)
    with db.read() as session:
        assert _count(session, Ticket) == 0


def test_reset_empties_everything_and_allows_a_reload(demo: Database, ctx: Context) -> None:
    assert not is_empty(demo)
    reset_database(demo)
    assert is_empty(demo)
    assert all(rows == [] for rows in _dump(demo).values())
    with demo.read() as session:
        assert session.execute(text("SELECT version FROM schema_info")).scalar() is not None
    summary = load_demo(demo, ctx)
    assert summary.tickets == 120


def test_sequences_continue_after_the_loaded_names(demo: Database) -> None:
    with demo.read() as session:
        names = list(session.exec(select(Picking.name)).all())
        names += [n for n in session.exec(select(Invoice.name)).all() if n]
        names += list(session.exec(select(RepairOrder.name)).all())
        names += list(session.exec(select(SalesOrder.name)).all())
    highest: dict[str, int] = {}
    for name in names:
        parts = split_name(name)
        assert parts is not None, name
        prefix, number = parts
        highest[prefix] = max(highest.get(prefix, 0), number)
    assert {"WH/OUT/", "WH/RET/", "INV/2026/", "SHOP/2026/", "RINV/2026/", "RO/", "S"} <= set(
        highest
    )
    with demo.write() as session:
        for prefix, number in highest.items():
            assert next_name(session, prefix) == f"{prefix}{number + 1:05d}"
        assert next_number(session, "ticket") == 1121


def test_demo_coupon_codes_use_the_code_alphabet(db: Database, ctx: Context) -> None:
    import re

    from sqlmodel import select

    from aftersales_tui.models import Coupon
    from aftersales_tui.services.coupons import ALPHABET

    load_demo(db, ctx, TODAY)
    group = f"[{ALPHABET}]{{4}}"
    with db.read() as session:
        codes = session.exec(select(Coupon.code)).all()
    assert codes
    for code in codes:
        assert re.fullmatch(f"{group}(-{group}){{3}}", code), code
