"""For the benchmark: ready-made commits of each after-sales action on a generated database.

Each attempt's request is prepared from the action's defaults beforehand, so that timing an
attempt times the service's one transaction (its checks and writes), as an agent's submit does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from sqlmodel import col, select

from .db import Database
from .models import Team, Ticket
from .services import AfterSalesError, Context, coupons, field_service, refunds, repairs, returns

ATTEMPTS = 20
CANDIDATES = 400


def _tickets(db: Database, switch: str) -> list[int]:
    """Newest tickets with a customer whose team has ``switch`` on."""
    with db.read() as session:
        query = (
            select(Ticket.id)
            .join(Team, col(Team.id) == Ticket.team_id)
            .where(getattr(Team, switch).is_(True), col(Ticket.partner_id).is_not(None))
            .order_by(col(Ticket.number).desc())
            .limit(CANDIDATES)
        )
        return [t for t in session.exec(query).all() if t is not None]


def _refunds(db: Database, ctx: Context) -> list[Callable[[], Any]]:
    found: list[Callable[[], Any]] = []
    for ticket_id in _tickets(db, "use_refunds"):
        offer = refunds.defaults(db, ctx, ticket_id)
        if not offer.invoice_ids:
            continue
        request = refunds.RefundRequest(
            invoice_ids=offer.invoice_ids[:1],
            reason=offer.reason,
            journal_id=offer.journal_for(offer.invoice_ids[:1]),
            reversal_date=offer.reversal_date,
            scope=offer.scope,
        )
        found.append(partial(refunds.create_refund, db, ctx, ticket_id, request))
        if len(found) == ATTEMPTS:
            break
    return found


def _coupons(db: Database, ctx: Context) -> list[Callable[[], Any]]:
    found: list[Callable[[], Any]] = []
    for ticket_id in _tickets(db, "use_coupons")[:ATTEMPTS]:
        offer = coupons.defaults(db, ctx, ticket_id)
        program_id = offer.program_id or next((p.id for p in offer.programs), None)
        if program_id is None:
            continue
        request = coupons.CouponRequest(program_id=program_id, valid_until=None)
        found.append(partial(coupons.generate, db, ctx, ticket_id, request))
    return found


def _returns(db: Database, ctx: Context) -> list[Callable[[], Any]]:
    found: list[Callable[[], Any]] = []
    for ticket_id in _tickets(db, "use_returns"):
        offer = returns.defaults(db, ctx, ticket_id)
        lines = tuple(
            returns.LineQuantity(line.id, line.returnable)
            for line in offer.lines
            if line.returnable > 0
        )
        if not lines or offer.location_id is None:
            continue
        request = returns.ReturnRequest(offer.scope, lines, offer.location_id)
        found.append(partial(returns.create_return, db, ctx, ticket_id, request))
        if len(found) == ATTEMPTS:
            break
    return found


def _repairs(db: Database, ctx: Context) -> list[Callable[[], Any]]:
    found: list[Callable[[], Any]] = []
    for ticket_id in _tickets(db, "use_repairs")[:ATTEMPTS]:
        request = replace(repairs.defaults(db, ctx, ticket_id).initial, step=repairs.Step.SAVE)
        found.append(partial(repairs.create_repair, db, ctx, ticket_id, request))
    return found


def _tasks(db: Database, ctx: Context) -> list[Callable[[], Any]]:
    found: list[Callable[[], Any]] = []
    for ticket_id in _tickets(db, "use_field_service")[:ATTEMPTS]:
        offer = field_service.defaults(db, ctx, ticket_id)
        request = field_service.TaskRequest(
            offer.title, offer.project_id, offer.partner_id, offer.worksheet_template_id
        )
        found.append(partial(field_service.create_task, db, ctx, ticket_id, request))
    return found


def attempts(db: Database, ctx: Context) -> dict[str, list[Callable[[], None]]]:
    """Per action, up to ``ATTEMPTS`` commits that the action's rules accept."""
    prepared = {
        "refund": _refunds(db, ctx),
        "coupon": _coupons(db, ctx),
        "return": _returns(db, ctx),
        "repair": _repairs(db, ctx),
        "task": _tasks(db, ctx),
    }
    return {name: [_quiet(a) for a in found] for name, found in prepared.items()}


def _quiet(attempt: Callable[[], Any]) -> Callable[[], None]:
    def run() -> None:
        try:
            attempt()
        except AfterSalesError:
            pass  # refused by a rule (e.g. an invoice another attempt refunded): still timed

    return run
