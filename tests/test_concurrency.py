"""Several agents (processes) at once on one database: nothing lost, nothing doubled.

Each process runs tests/load_worker.py: a mix of all five after-sales actions, new tickets
and triage, on the same tickets, invoices and deliveries. Then every success a process
reported must be in the database exactly once, and no rule may have been broken by a race.

``AFTERSALES_LONG_TESTS=1`` runs the long variant (8 processes, 2,400 operations).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from aftersales_tui.db import Database
from aftersales_tui.models import Invoice, Message, Picking, Ticket
from aftersales_tui.services.context import Context

from .load_checks import (
    Baseline,
    baseline,
    invariants,
    shared_database,
    start_worker,
    url_of,
    written_records,
)

LONG = os.environ.get("AFTERSALES_LONG_TESTS") == "1"
PROCESSES, OPERATIONS, TICKETS = (8, 300, 1500) if LONG else (4, 40, 300)
TIMEOUT_S = 1800 if LONG else 120

# The refusals a race may cause: rules checked again inside the transaction.
RULE_REFUSALS = [
    re.compile(pattern)
    for pattern in (
        r"^An invoice you chose can no longer be refunded \(fully refunded, or changed by "
        r"someone else meanwhile\): reopen Refund$",
        r"^Everything invoiced here is already refunded \(drafts included\)\.$",
        r"^No invoice contains this product\.$",
        r"^Nothing is left to refund on \S+",
        r"^Only [\d.,]+ is left to refund on \S+$",
        r"^\S+ can no longer be returned here \(everything returned, or changed by someone "
        r"else meanwhile\): choose a delivery again$",
        r"^At most [\d.]+ of .+ can be returned \([\d.]+ delivered, [\d.]+ already returned\)$",
        r"^Everything delivered to this customer has already been returned\.$",
        r"^No delivery of this sales order is left to return: choose another order\.$",
        r"^Linked work is still open:\n",
    )
]
TRIAGE_MESSAGES = {
    "assign": ("Assigned to ", "Unassigned"),
    "stage": ("Stage: ",),
    "priority": ("Priority: ",),
}


def _triage_counts(db: Database) -> Counter[tuple[int, str]]:
    counts: Counter[tuple[int, str]] = Counter()
    with db.read() as session:
        for message in session.exec(select(Message).where(Message.model == "ticket")):
            for kind, starts in TRIAGE_MESSAGES.items():
                if message.body.startswith(starts):
                    counts[(message.res_id, kind)] += 1
    return counts


def _run(db_url: str, tmp_path: Path) -> tuple[list[dict[str, Any]], float]:
    started = time.monotonic()
    workers = [
        start_worker(db_url, tmp_path / f"agent{n}.jsonl", seed=n, ops=OPERATIONS)
        for n in range(PROCESSES)
    ]
    failures = []
    for n, worker in enumerate(workers):
        _out, err = worker.communicate(timeout=TIMEOUT_S)
        if worker.returncode != 0 or "Traceback" in err:
            failures.append(f"agent {n} ended with {worker.returncode}:\n{err}")
    assert failures == []
    outcomes = []
    for n in range(PROCESSES):
        lines = (tmp_path / f"agent{n}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == OPERATIONS
        outcomes += [json.loads(line) for line in lines]
    return outcomes, time.monotonic() - started


def _reported(outcomes: list[dict[str, Any]]) -> dict[str, Counter[tuple[int, str]]]:
    """Per action, the (ticket, name) of every success the agents reported."""
    found: dict[str, Counter[tuple[int, str]]] = {
        kind: Counter() for kind in ("refund", "return", "repair", "coupon", "task")
    }
    for o in outcomes:
        if "refused" in o:
            continue
        if o["op"] == "refund":
            found["refund"].update((o["ticket"], name) for name in o["names"])
        elif o["op"] in ("return", "repair"):
            found[o["op"]][(o["ticket"], o["name"])] += 1
        elif o["op"] == "coupon":
            found["coupon"][(o["ticket"], o["code"])] += 1
        elif o["op"] == "task":
            found["task"][(o["ticket"], o["title"])] += 1
    return found


def _check_links(db: Database, outcomes: list[dict[str, Any]], base: Baseline) -> None:
    """Credit notes reverse the invoices asked for, returns the delivery asked for, and the
    new tickets are the ones reported."""
    with db.read() as session:
        reversed_of = {
            i.id: i.reversed_entry_id
            for i in session.exec(select(Invoice).where(col(Invoice.id) > base.invoice))
        }
        return_of = {
            p.id: p.return_of_id
            for p in session.exec(select(Picking).where(col(Picking.id) > base.picking))
        }
        new_tickets = sorted(
            (t.id or 0, t.number)
            for t in session.exec(select(Ticket).where(col(Ticket.id) > base.ticket))
        )
    for o in outcomes:
        if "refused" in o:
            continue
        if o["op"] == "refund":
            assert {reversed_of[i] for i in o["ids"]} <= set(o["invoices"]), o
        elif o["op"] == "return":
            assert return_of[o["id"]] == o["delivery"], o
    reported_tickets = sorted(
        (o["id"], o["number"]) for o in outcomes if o["op"] == "ticket" and "refused" not in o
    )
    assert new_tickets == reported_tickets


def test_agents_at_once_lose_nothing_and_break_no_rule(tmp_path: Path, ctx: Context) -> None:
    with shared_database(tmp_path, ctx, TICKETS) as db:
        base = baseline(db)
        triage_before = _triage_counts(db)

        outcomes, duration = _run(url_of(db), tmp_path)

        refusals = Counter(o["refused"] for o in outcomes if "refused" in o)
        unexpected = [m for m in refusals if not any(p.match(m) for p in RULE_REFUSALS)]
        assert unexpected == []
        reported = _reported(outcomes)
        written = written_records(db, base)
        for kind, successes in reported.items():
            assert successes == written[kind], kind
            assert set(successes.values()) <= {1}, kind
        _check_links(db, outcomes, base)
        changed: Counter[tuple[int, str]] = Counter()
        for o in outcomes:
            if o["op"] in TRIAGE_MESSAGES and "refused" not in o:
                changed[(o["ticket"], o["op"])] += o["changed"]
        assert _triage_counts(db) - triage_before == +changed
        assert invariants(db, base) == []

        successes = Counter(o["op"] for o in outcomes if "refused" not in o)
        assert sum(successes.values()) > len(outcomes) // 2
        assert reported["refund"] and reported["return"]
        print(
            f"\n{db.engine.dialect.name}: {len(outcomes)} operations by {PROCESSES} processes "
            f"in {duration:.1f} s: "
            f"{sum(successes.values())} successes {dict(successes)}, "
            f"{sum(refusals.values())} refusals"
        )
        by_rule: Counter[str] = Counter()
        for message, n in refusals.items():
            by_rule[next(p.pattern for p in RULE_REFUSALS if p.match(message))] += n
        for rule, n in by_rule.most_common():
            print(f"  {n} x {rule}")
