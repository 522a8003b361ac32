"""Hostile input on money and goods: refunds, credit note edits, returns and repairs.
Same contract as tests/test_hostile_input.py: success or a readable AfterSalesError, the
invariants hold (nothing over-refunded or over-returned), numbers stored as accepted."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import col, select

from aftersales_tui.db import Database
from aftersales_tui.models import InvoiceMethod, RepairLine, RepairOrder
from aftersales_tui.services import credit_notes, refunds, repairs, returns
from aftersales_tui.services.credit_notes import CreditNoteEdit, LineEdit
from aftersales_tui.services.errors import AfterSalesError
from aftersales_tui.services.refunds import RefundMode, RefundRequest, RefundScope
from aftersales_tui.services.repair_offer import RepairRequest
from aftersales_tui.services.repair_parts import QUANTITY_STEP, PartRequest
from aftersales_tui.services.repair_steps import NEW_STEPS, Step
from aftersales_tui.services.returns import LineQuantity, ReturnRequest, ReturnScope

from .hostile_helpers import (
    CTX,
    TODAY,
    attempt,
    build_template,
    day,
    decimal,
    fresh_copy,
    hostile,
    maybe_id,
    number_text,
    rarely_id,
    record_id,
    text,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("hostile-money"))


# --- refunds and credit notes -------------------------------------------------------------

REFUND_FIELDS = {"invoice_ids", "reason", "journal_id", "reversal_date", "lot_id", None}


@hostile
@given(
    ticket_id=record_id,
    offered=st.booleans(),
    invoice_ids=st.lists(record_id, max_size=3),
    reason=st.one_of(text, st.just("Damaged")),
    journal_id=maybe_id,
    reversal_date=day,
    mode=st.sampled_from(RefundMode),
    scope=st.builds(RefundScope, maybe_id, maybe_id, maybe_id),
)
def test_create_refund(
    template: Path,
    ticket_id: int,
    offered: bool,
    invoice_ids: list[int],
    reason: str,
    journal_id: int | None,
    reversal_date: object,
    mode: RefundMode,
    scope: RefundScope,
) -> None:
    with fresh_copy(template) as db:
        if offered:  # what the modal would send, with the hostile reason and date
            offer = attempt(lambda: refunds.defaults(db, CTX, ticket_id))
            if offer is not None:
                invoice_ids, journal_id, scope = (
                    list(offer.invoice_ids),
                    offer.journal_id,
                    offer.scope,
                )
        request = RefundRequest(tuple(invoice_ids), reason, journal_id, reversal_date, mode, scope)  # type: ignore[arg-type]
        done = attempt(lambda: refunds.create_refund(db, CTX, ticket_id, request), REFUND_FIELDS)
        for credit_id in done.credit_note_ids if done else ():
            assert credit_notes.detail(db, credit_id).ref.endswith(reason.strip())


def _draft_credit_note(db: Database) -> credit_notes.CreditNoteDetail:
    offer = refunds.defaults(db, CTX, 1)
    request = RefundRequest(offer.invoice_ids, "Damaged", offer.journal_id, TODAY)
    done = refunds.create_refund(db, CTX, 1, request)
    return credit_notes.detail(db, done.credit_note_ids[0])


# Mostly the draft's own lines (None), sometimes a line that is not there.
line_edit = st.tuples(
    st.one_of(st.none(), st.none(), st.none(), record_id), number_text, number_text
)


@hostile
@given(edits=st.lists(line_edit, max_size=4), post=st.booleans())
def test_edit_credit_note(
    template: Path, edits: list[tuple[int | None, str, str]], post: bool
) -> None:
    with fresh_copy(template) as db:
        draft = _draft_credit_note(db)
        ids = [line.id for line in draft.lines]
        lines = tuple(
            LineEdit(ids[n % len(ids)] if line_id is None else line_id, quantity, price)
            for n, (line_id, quantity, price) in enumerate(edits)
        )
        fields = {None} | {f"line-{i}-{what}" for i in ids for what in ("quantity", "price")}
        fields |= {"lines"}
        saved = attempt(
            lambda: credit_notes.save(db, CTX, draft.id, CreditNoteEdit(lines, post)), fields
        )
        if saved is None:
            return
        stored = {line.id: line for line in credit_notes.detail(db, draft.id).lines}
        for edit in lines:  # the last edit of a line wins; each stored as read
            quantity = credit_notes.parse_number(edit.quantity, "q", "q").quantize(QUANTITY_STEP)
            price = credit_notes.parse_number(edit.price_unit, "p", "p").quantize(Decimal("0.01"))
            if edit == [e for e in lines if e.line_id == edit.line_id][-1]:
                assert (stored[edit.line_id].quantity, stored[edit.line_id].price_unit) == (
                    quantity,
                    price,
                )


# --- returns --------------------------------------------------------------------------------


@hostile
@given(typed=number_text)
def test_parse_quantity(typed: str) -> None:
    quantity = attempt(lambda: returns.parse_quantity(typed), {"lines"})
    if quantity is not None:
        assert quantity.is_finite()


@hostile
@given(
    ticket_id=record_id,
    offered=st.booleans(),
    picking_id=maybe_id,
    quantities=st.lists(st.tuples(st.one_of(st.just(None), record_id), decimal), max_size=4),
    location_id=maybe_id,
)
def test_create_return(
    template: Path,
    ticket_id: int,
    offered: bool,
    picking_id: int | None,
    quantities: list[tuple[int | None, Decimal]],
    location_id: int | None,
) -> None:
    with fresh_copy(template) as db:
        line_ids: list[int] = [1]
        scope = ReturnScope(picking_id=picking_id)
        offer = attempt(lambda: returns.defaults(db, CTX, ticket_id))
        if offer is not None and offered:
            scope, location_id = offer.scope, offer.location_id
            line_ids = [line.id for line in offer.lines] or line_ids
        lines = tuple(
            LineQuantity(line_ids[n % len(line_ids)] if line_id is None else line_id, quantity)
            for n, (line_id, quantity) in enumerate(quantities)
        )
        request = ReturnRequest(scope, lines, location_id)
        made = attempt(
            lambda: returns.create_return(db, CTX, ticket_id, request),
            {"picking_id", "lines", "location_id", None},
        )
        if made is not None:
            rounded = (q.quantity.quantize(Decimal("0.001")) for q in lines)
            asked = sorted(q for q in rounded if q > 0)
            assert sorted(item.quantity for item in made.items) == asked


# --- repairs --------------------------------------------------------------------------------

part = st.builds(PartRequest, st.one_of(st.integers(1, 10), maybe_id), number_text, number_text)


def repair_request(steps: st.SearchStrategy[Step]) -> st.SearchStrategy[RepairRequest]:
    return st.builds(
        RepairRequest,
        partner_id=rarely_id,
        product_id=rarely_id,
        lot_id=rarely_id,
        return_id=rarely_id,
        under_warranty=st.booleans(),
        schedule_date=day,
        user_id=rarely_id,
        tags=st.lists(text, max_size=3).map(tuple),
        invoice_method=st.one_of(st.none(), st.sampled_from(InvoiceMethod)),
        description=text,
        internal_notes=text,
        parts=st.lists(part, max_size=3).map(tuple),
        step=steps,
    )


def _repair_fields(request: RepairRequest) -> set[str | None]:
    names: set[str | None] = {"partner_id", "product_id", "lot_id", "return_id", "user_id"}
    names |= {"tags", "description", "internal_notes", "schedule_date", "parts", None}
    for index in range(len(request.parts)):
        names |= {f"part-{index}-{what}" for what in ("product", "quantity", "price")}
    return names


def _check_stored(db: object, repair_id: int, request: RepairRequest) -> None:
    with db.read() as s:  # type: ignore[attr-defined]
        repair = s.get(RepairOrder, repair_id)
        assert repair.description == request.description.strip()
        assert repair.internal_notes == request.internal_notes
        stored = s.exec(
            select(RepairLine).where(RepairLine.repair_id == repair_id).order_by(col(RepairLine.id))
        ).all()
        typed = [
            credit_notes.parse_number(p.quantity, "q", "q").quantize(QUANTITY_STEP)
            for p in request.parts
        ]
        assert [line.quantity for line in stored] == typed


@hostile
@given(
    ticket_id=st.one_of(st.integers(1, 120), record_id),
    first=repair_request(st.sampled_from(NEW_STEPS)),
    second=repair_request(st.sampled_from(Step)),
)
def test_create_and_save_repair(
    template: Path, ticket_id: int, first: RepairRequest, second: RepairRequest
) -> None:
    with fresh_copy(template) as db:
        made = attempt(
            lambda: repairs.create_repair(db, CTX, ticket_id, first), _repair_fields(first)
        )
        if made is not None:
            _check_stored(db, made.id, first)
        repair_id = made.id if made is not None else ticket_id
        saved = attempt(
            lambda: repairs.save_repair(db, CTX, repair_id, second), _repair_fields(second)
        )
        if saved is not None and made is not None and second.step == Step.SAVE:
            _check_stored(db, repair_id, second)


# --- regressions: what the properties found -------------------------------------------------


def test_a_lone_surrogate_is_refused_next_to_its_field(demo_db: Database) -> None:
    from aftersales_tui.services import field_service, mail, tickets
    from aftersales_tui.services.field_service import TaskRequest
    from aftersales_tui.services.mail import MailRequest
    from aftersales_tui.services.tickets import TicketFields

    refused = "This text holds a character that cannot be stored: retype it"
    offer = refunds.defaults(demo_db, CTX, 1)
    cases = [
        ("title", lambda: tickets.create(demo_db, CTX, TicketFields("\ud800", 1))),
        ("description", lambda: tickets.create(demo_db, CTX, TicketFields("A", 1, "\udfff"))),
        ("body", lambda: tickets.log_note(demo_db, CTX, 1, "note \ud800")),
        ("subject", lambda: mail.queue(demo_db, CTX, MailRequest(("a@b.co",), "\ud800", "x"))),
        ("to", lambda: mail.parse_recipients(["\ud800 <a@b.co>"])),
        (
            "reason",
            lambda: refunds.create_refund(
                demo_db, CTX, 1, RefundRequest(offer.invoice_ids, "\ud800", offer.journal_id, TODAY)
            ),
        ),
        (
            "title",
            lambda: field_service.create_task(demo_db, CTX, 1, TaskRequest("\ud800", 1, 1)),
        ),
    ]
    for field, action in cases:
        with pytest.raises(AfterSalesError) as caught:
            action()
        assert (caught.value.field, caught.value.message) == (field, refused)


def test_a_credit_note_refuses_a_number_beyond_its_column(demo_db: Database) -> None:
    draft = _draft_credit_note(demo_db)
    line = draft.lines[0]
    for typed, field in (("1e999999", "price"), ("1e11", "quantity")):
        edit = LineEdit(line.id, typed if field == "quantity" else "1", typed)
        with pytest.raises(AfterSalesError) as caught:
            credit_notes.save(demo_db, CTX, draft.id, CreditNoteEdit((edit,)))
        assert caught.value.field == f"line-{line.id}-{field}"
        assert caught.value.message == f"The {field} is too large"
    assert credit_notes.detail(demo_db, draft.id).lines[0].quantity == line.quantity


def test_a_repair_part_refuses_a_number_beyond_its_column(demo_db: Database) -> None:
    request = RepairRequest(
        None, None, None, None, False, TODAY, None, parts=(PartRequest(1, "1e30", "1"),)
    )
    with pytest.raises(AfterSalesError) as caught:
        repairs.create_repair(demo_db, CTX, 1, request)
    assert (caught.value.field, caught.value.message) == (
        "part-0-quantity",
        "The quantity is too large",
    )


def test_a_return_refuses_nan_and_drops_what_rounds_to_nothing(demo_db: Database) -> None:
    offer = returns.defaults(demo_db, CTX, 1)
    line_id = offer.lines[0].id
    for quantity, message in (
        (Decimal("NaN"), "The quantity must be a number"),
        (Decimal("sNaN"), "The quantity must be a number"),
        (Decimal("0.0001"), "Please specify at least one non-zero quantity."),
    ):
        request = ReturnRequest(offer.scope, (LineQuantity(line_id, quantity),), offer.location_id)
        with pytest.raises(AfterSalesError) as caught:
            returns.create_return(demo_db, CTX, 1, request)
        assert (caught.value.field, caught.value.message) == ("lines", message)
    assert returns.for_ticket(demo_db, 1) == []
