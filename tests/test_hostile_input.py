"""Hostile input on the desk's own records: tickets, notes, triage, mail, coupons and
field service. Every request ends in success or an AfterSalesError that says what is wrong
(next to a real field), never another exception; the database invariants hold afterwards,
and what was accepted is stored exactly. Money and stock: tests/test_hostile_money.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales_tui.models import Priority, Stage
from aftersales_tui.services import coupons, field_service, mail, tickets, triage
from aftersales_tui.services.coupons import CouponRequest
from aftersales_tui.services.field_service import TaskRequest
from aftersales_tui.services.mail import MailRequest
from aftersales_tui.services.tickets import TicketFields

from .hostile_helpers import (
    CTX,
    attempt,
    build_template,
    day,
    fresh_copy,
    hostile,
    maybe_day,
    maybe_id,
    rarely_id,
    record_id,
    text,
)

TICKET_FIELDS: set[str | None] = {
    "title",
    "description",
    "team_id",
    "partner_id",
    "user_id",
    "product_id",
    "lot_id",
    "sale_order_id",
    "follower_ids",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("hostile-desk"))


ticket_fields = st.builds(
    TicketFields,
    title=text,
    team_id=st.one_of(st.integers(1, 3), maybe_id),
    description=text,
    partner_id=rarely_id,
    product_id=rarely_id,
    lot_id=rarely_id,
    sale_order_id=rarely_id,
    user_id=rarely_id,
    stage=st.sampled_from(Stage),
    priority=st.sampled_from(Priority),
    follower_ids=st.lists(record_id, max_size=3).map(tuple),
)


@hostile
@given(fields=ticket_fields)
def test_create_ticket(template: Path, fields: TicketFields) -> None:
    with fresh_copy(template) as db:
        made = attempt(lambda: tickets.create(db, CTX, fields), TICKET_FIELDS)
        if made is not None:
            stored = tickets.load(db, made.id)
            assert stored.title == fields.title.strip()
            assert stored.description == fields.description


@hostile
@given(ticket_id=record_id, fields=ticket_fields, version=st.integers(-5, 5))
def test_update_ticket(template: Path, ticket_id: int, fields: TicketFields, version: int) -> None:
    with fresh_copy(template) as db:
        if version == 0:  # mostly the version the screen read, sometimes a stale one
            version = attempt(lambda: tickets.load(db, ticket_id).version) or 0
        saved = attempt(
            lambda: tickets.update(db, CTX, ticket_id, fields, version), TICKET_FIELDS | {None}
        )
        if saved is not None:
            stored = tickets.load(db, ticket_id)
            assert (stored.title, stored.description) == (fields.title.strip(), fields.description)


@hostile
@given(ticket_id=record_id, body=text)
def test_log_note(template: Path, ticket_id: int, body: str) -> None:
    with fresh_copy(template) as db:
        if attempt(lambda: tickets.log_note(db, CTX, ticket_id, body), {"body", None}) is None:
            return
        assert tickets.history(db, ticket_id)[0].body == body.strip()


@hostile
@given(
    ticket_ids=st.lists(record_id, max_size=4),
    user_id=maybe_id,
    stage=st.sampled_from(Stage),
    priority=st.sampled_from(Priority),
    confirmed=st.booleans(),
    following=st.booleans(),
)
def test_triage(
    template: Path,
    ticket_ids: list[int],
    user_id: int | None,
    stage: Stage,
    priority: Priority,
    confirmed: bool,
    following: bool,
) -> None:
    with fresh_copy(template) as db:
        fields = {None, "user_id"}
        attempt(lambda: triage.assign(db, CTX, ticket_ids, user_id), fields)
        attempt(lambda: triage.set_stage(db, CTX, ticket_ids, stage, confirmed=confirmed), fields)
        attempt(lambda: triage.set_priority(db, CTX, ticket_ids, priority), fields)
        attempt(lambda: triage.follow(db, CTX.as_user(user_id), ticket_ids, following), fields)
        attempt(lambda: triage.assign_to_me(db, CTX.as_user(user_id), ticket_ids), fields)


@hostile
@given(entries=st.lists(text, max_size=3))
def test_parse_recipients(entries: list[str]) -> None:
    found = attempt(lambda: mail.parse_recipients(entries), {"to"})
    for address in found or []:
        assert "\n" not in address and "\r" not in address


@hostile
@given(
    to=st.lists(
        st.one_of(
            text,
            st.sampled_from(["a@b.co", "Ann <ann@example.com>", "x@y"]),
            st.sampled_from(["b@c.org", '"Doe, J" <j@d.eu>', "A, B <ab@x.io>"]),
            text.map(lambda name: f"{name} <n@example.com>"),
        ),
        max_size=3,
    ),
    subject=st.one_of(text, st.just("Your refund")),
    body=st.one_of(text, st.just("Hello")),
    ticket_id=maybe_id,
)
def test_queue_mail(
    template: Path, to: list[str], subject: str, body: str, ticket_id: int | None
) -> None:
    with fresh_copy(template) as db:
        request = MailRequest(tuple(to), subject, body, ticket_id)
        queued = attempt(lambda: mail.queue(db, CTX, request), {"to", "subject", "body", None})
        if queued is not None:
            stored = next(m for m in mail.outbox(db) if m.id == queued.id)
            assert (stored.subject, stored.body) == (subject.strip(), body)


@hostile
@given(ticket_id=record_id, program_id=maybe_id, valid_until=maybe_day)
def test_generate_coupon(
    template: Path, ticket_id: int, program_id: int | None, valid_until: object
) -> None:
    with fresh_copy(template) as db:
        request = CouponRequest(program_id, valid_until)  # type: ignore[arg-type]
        made = attempt(
            lambda: coupons.generate(db, CTX, ticket_id, request),
            {"program_id", "valid_until", None},
        )
        if made is not None:
            assert coupons.load(db, CTX, made.id).expiration_date == valid_until


@hostile
@given(
    ticket_id=record_id,
    title=text,
    project_id=maybe_id,
    partner_id=maybe_id,
    template_id=maybe_id,
    planned=maybe_day,
    stage_id=record_id,
    user_id=maybe_id,
)
def test_field_service_task(
    template: Path,
    ticket_id: int,
    title: str,
    project_id: int | None,
    partner_id: int | None,
    template_id: int | None,
    planned: object,
    stage_id: int,
    user_id: int | None,
) -> None:
    fields = {"title", "project_id", "partner_id", "worksheet_template_id", None}
    with fresh_copy(template) as db:
        request = TaskRequest(title, project_id, partner_id, template_id)
        task = attempt(lambda: field_service.create_task(db, CTX, ticket_id, request), fields)
        task_id = task.id if task is not None else ticket_id  # else: any id, maybe none
        if task is not None:
            assert field_service.load(db, task.id).title == " ".join(title.split())
        moves = {"planned_date", "stage_id", "user_id", None}
        attempt(lambda: field_service.set_planned_date(db, CTX, task_id, planned), moves)  # type: ignore[arg-type]
        attempt(lambda: field_service.move_stage(db, CTX, task_id, stage_id), moves)
        attempt(lambda: field_service.set_assignee(db, CTX, task_id, user_id), moves)


@hostile
@given(planned=day)
def test_planned_date_far_away(template: Path, planned: object) -> None:
    with fresh_copy(template) as db:
        task_id = field_service.for_ticket(db, 1)[0].id if field_service.for_ticket(db, 1) else 1
        view = attempt(
            lambda: field_service.set_planned_date(db, CTX, task_id, planned),  # type: ignore[arg-type]
            {"planned_date", None},
        )
        if view is not None:
            assert field_service.load(db, task_id).planned_date == planned
