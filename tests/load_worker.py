"""One agent of the load tests: a mixed run of after-sales actions on a shared database file.

Run as ``python -m tests.load_worker DB LOG --seed N --ops N``. Every operation that reports
success is appended to LOG (one JSON object a line, with what the service returned); a refusal
(``AfterSalesError``) is logged with its message; any other exception escapes (the process
ends with a traceback and a non-zero status). ``--ops 0`` runs until the process is killed.

The agents contend on purpose: they all walk the same tickets in the same order for refunds
and returns (so they refund the same invoices and return the same deliveries at the same
moment), and triage the same few tickets.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TextIO

from sqlmodel import col, select

from aftersales_tui.db import Database, open_database
from aftersales_tui.models import Priority, Stage, Team, Ticket, User
from aftersales_tui.services import (
    AfterSalesError,
    Context,
    coupons,
    field_service,
    refunds,
    repairs,
    returns,
    tickets,
    triage,
)
from aftersales_tui.services.context import frozen_clock

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
# How often each operation comes up (refunds and returns most: they have the rules to break).
WEIGHTS = {
    "refund": 5,
    "return": 5,
    "coupon": 2,
    "repair": 2,
    "task": 2,
    "ticket": 1,
    "triage": 3,
}
HOT_TRIAGE = 12  # tickets every agent triages
LOOKAHEAD = 40  # tickets a refund or return looks at before giving up for this operation

Outcome = dict[str, Any]


def candidates(db: Database, switch: str) -> list[int]:
    """Tickets with a customer whose team has ``switch`` on, oldest first."""
    with db.read() as session:
        query = (
            select(Ticket.id)
            .join(Team, col(Team.id) == Ticket.team_id)
            .where(getattr(Team, switch).is_(True), col(Ticket.partner_id).is_not(None))
            .order_by(col(Ticket.number))
        )
        return [t for t in session.exec(query).all() if t is not None]


@dataclass
class Agent:
    db: Database
    ctx: Context
    rng: random.Random
    tag: str
    refund_tickets: list[int]
    return_tickets: list[int]
    coupon_tickets: list[int]
    repair_tickets: list[int]
    task_tickets: list[int]
    all_tickets: list[int]
    agents: list[int | None]
    cursors: dict[str, int] = field(default_factory=lambda: {"refund": 0, "return": 0})
    count: int = 0

    def pause(self) -> None:
        """A moment between reading the offer and submitting it (an agent's screen)."""
        time.sleep(self.rng.random() * 0.004)

    def _walk(self, kind: str, pool: list[int], offer: Callable[[int], Outcome | None]) -> Outcome:
        """The first ticket from this agent's cursor that has something left to do."""
        for _step in range(LOOKAHEAD):
            position = self.cursors[kind]
            if position >= len(pool):
                break
            done = offer(pool[position])
            if done is not None:
                return done
            self.cursors[kind] = position + 1
        return {"op": kind, "idle": True}

    # --- the operations ------------------------------------------------------------------

    def refund(self) -> Outcome:
        return self._walk("refund", self.refund_tickets, self._refund)

    def _refund(self, ticket_id: int) -> Outcome | None:
        offer = refunds.defaults(self.db, self.ctx, ticket_id)
        if offer.products and self.rng.random() < 0.4:
            product = self.rng.choice(offer.products).id
            offer = refunds.defaults(
                self.db, self.ctx, ticket_id, refunds.RefundScope(None, product, None)
            )
        if not offer.invoices:
            return None
        ids = [i.id for i in offer.invoices]
        chosen = tuple(self.rng.sample(ids, min(len(ids), self.rng.choice((1, 1, 2)))))
        refused = refunds.refused_modes(offer.invoices, chosen)
        mode = self.rng.choice([m for m in refunds.RefundMode if m not in refused])
        request = refunds.RefundRequest(
            invoice_ids=chosen,
            reason=offer.reason,
            journal_id=offer.journal_for(chosen),
            reversal_date=offer.reversal_date,
            mode=mode,
            scope=offer.scope,
        )
        self.pause()
        result = refunds.create_refund(self.db, self.ctx, ticket_id, request)
        return {
            "op": "refund",
            "ticket": ticket_id,
            "invoices": list(chosen),
            "ids": list(result.credit_note_ids),
            "names": list(result.credit_note_names),
            "new_invoice": result.new_invoice_id,
        }

    def return_(self) -> Outcome:
        return self._walk("return", self.return_tickets, self._return)

    def _return(self, ticket_id: int) -> Outcome | None:
        offer = returns.defaults(self.db, self.ctx, ticket_id)
        left = [line for line in offer.lines if line.returnable > 0]
        if not left or offer.location_id is None:
            return None
        wanted = self.rng.sample(left, self.rng.randint(1, len(left)))
        lines = tuple(
            returns.LineQuantity(
                line.id,
                line.returnable
                if self.rng.random() < 0.5
                else min(line.returnable, Decimal(self.rng.randint(1, 2))),
            )
            for line in wanted
        )
        request = returns.ReturnRequest(offer.scope, lines, offer.location_id)
        self.pause()
        view = returns.create_return(self.db, self.ctx, ticket_id, request)
        return {
            "op": "return",
            "ticket": ticket_id,
            "delivery": offer.scope.picking_id,
            "id": view.id,
            "name": view.name,
        }

    def coupon(self) -> Outcome:
        ticket_id = self.rng.choice(self.coupon_tickets)
        offer = coupons.defaults(self.db, self.ctx, ticket_id)
        program_id = offer.program_id or next((p.id for p in offer.programs), None)
        request = coupons.CouponRequest(program_id=program_id, valid_until=None)
        view = coupons.generate(self.db, self.ctx, ticket_id, request)
        return {"op": "coupon", "ticket": ticket_id, "id": view.id, "code": view.code}

    def repair(self) -> Outcome:
        ticket_id = self.rng.choice(self.repair_tickets)
        initial = repairs.defaults(self.db, self.ctx, ticket_id).initial
        step = self.rng.choice((repairs.Step.SAVE, repairs.Step.SAVE, repairs.Step.CONFIRM))
        result = repairs.create_repair(self.db, self.ctx, ticket_id, replace(initial, step=step))
        return {"op": "repair", "ticket": ticket_id, "id": result.id, "name": result.name}

    def task(self) -> Outcome:
        ticket_id = self.rng.choice(self.task_tickets)
        offer = field_service.defaults(self.db, self.ctx, ticket_id)
        title = f"{offer.title[:200]} [{self.tag}-{self.count}]"
        request = field_service.TaskRequest(
            title, offer.project_id, offer.partner_id, offer.worksheet_template_id
        )
        view = field_service.create_task(self.db, self.ctx, ticket_id, request)
        return {"op": "task", "ticket": ticket_id, "id": view.id, "title": view.title}

    def ticket(self) -> Outcome:
        model = tickets.load(self.db, self.rng.choice(self.all_tickets))
        fields = replace(tickets.fields_of(model), title=f"Load {self.tag}-{self.count}")
        created = tickets.create(self.db, self.ctx, fields)
        return {"op": "ticket", "id": created.id, "number": created.number}

    def triage(self) -> Outcome:
        ticket_id = self.rng.choice(self.all_tickets[:HOT_TRIAGE])
        kind = self.rng.choice(("assign", "stage", "priority"))
        if kind == "assign":
            value: str | None = None
            user = self.rng.choice(self.agents)
            changed = triage.assign(self.db, self.ctx, [ticket_id], user)
            value = None if user is None else str(user)
        elif kind == "stage":
            stage = self.rng.choice(list(Stage))
            changed = triage.set_stage(self.db, self.ctx, [ticket_id], stage)
            value = stage.value
        else:
            priority = self.rng.choice(list(Priority))
            changed = triage.set_priority(self.db, self.ctx, [ticket_id], priority)
            value = priority.value
        return {"op": kind, "ticket": ticket_id, "value": value, "changed": changed}

    def run_one(self, op: str) -> Outcome:
        self.count += 1
        action = {
            "refund": self.refund,
            "return": self.return_,
            "coupon": self.coupon,
            "repair": self.repair,
            "task": self.task,
            "ticket": self.ticket,
            "triage": self.triage,
        }[op]
        try:
            return action()
        except AfterSalesError as refusal:
            return {"op": op, "refused": refusal.message}


def make_agent(db: Database, seed: int) -> Agent:
    ctx = Context(user_id=None, clock=frozen_clock(NOW), tz=UTC)
    with db.read() as session:
        users = [u for u in session.exec(select(User.id).order_by(col(User.id))).all()]
        everyone = [
            t for t in session.exec(select(Ticket.id).order_by(col(Ticket.number))).all() if t
        ]
    return Agent(
        db=db,
        ctx=ctx,
        rng=random.Random(seed),
        tag=f"w{seed}",
        refund_tickets=candidates(db, "use_refunds"),
        return_tickets=candidates(db, "use_returns"),
        coupon_tickets=candidates(db, "use_coupons"),
        repair_tickets=candidates(db, "use_repairs"),
        task_tickets=candidates(db, "use_field_service"),
        all_tickets=everyone,
        agents=[None, *users[:3]],
    )


def run(db: Database, seed: int, ops: int, log: TextIO) -> None:
    agent = make_agent(db, seed)
    names = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    print("ready", flush=True)
    done = 0
    while ops == 0 or done < ops:
        op = agent.rng.choices(names, weights)[0]
        outcome = agent.run_one(op)
        if outcome.get("idle"):
            outcome = agent.run_one("coupon")  # the hot tickets are done: still do something
        log.write(json.dumps(outcome) + "\n")
        log.flush()
        done += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="load_worker")
    parser.add_argument("db")
    parser.add_argument("log")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ops", type=int, default=40)
    args = parser.parse_args(argv)
    db = open_database(args.db)
    try:
        with open(args.log, "a", encoding="utf-8") as log:
            run(db, args.seed, args.ops, log)
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
