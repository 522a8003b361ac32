"""Agents killed at any moment (SIGKILL, in the middle of an action or not) lose nothing that
was reported done and leave no half-written action behind.

Four processes at a time run tests/load_worker.py without end on one file and are killed
after a random delay, again and again. Then the file must be intact, every action all or
nothing (a credit note with its lines, its ticket link and its messages; a return with its
lines and message; a repair, task, coupon or ticket with its message), the numbering without
duplicates and the sequences ahead of every name used, and every success a process logged
before being killed must be in the database.

``AFTERSALES_LONG_TESTS=1`` runs the long variant (200 kills).
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

from aftersales_tui.db import open_database
from aftersales_tui.services.context import Context

from .load_checks import (
    baseline,
    invariants,
    shared_database,
    start_worker,
    url_of,
    written_records,
)

LONG = os.environ.get("AFTERSALES_LONG_TESTS") == "1"
KILLS = 200 if LONG else 12
AT_ONCE = 4
LONGEST_LIFE_S = 2.0 if LONG else 0.6  # the long variant lets agents finish more actions


def _logged(log: Path) -> list[dict[str, Any]]:
    """The complete lines of a killed agent's log (the last one may be cut)."""
    outcomes = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            outcomes.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return outcomes


def test_killed_agents_leave_every_action_whole(tmp_path: Path, ctx: Context) -> None:
    with shared_database(tmp_path, ctx, 300) as shared:
        url = url_of(shared)
        base = baseline(shared)
        rng = random.Random()
        kills = 0
        logs: list[Path] = []
        started = time.monotonic()
        while kills < KILLS:
            workers = []
            for _n in range(AT_ONCE):
                logs.append(tmp_path / f"agent{len(logs)}.jsonl")
                workers.append(start_worker(url, logs[-1], seed=len(logs), ops=0))
            for worker in workers:
                assert worker.stdout is not None
                line = worker.stdout.readline()
                assert line == "ready\n", worker.communicate()[1]
            for worker in workers:
                time.sleep(rng.uniform(0, LONGEST_LIFE_S / AT_ONCE))
                assert worker.poll() is None, worker.communicate()[1]  # still working
                worker.send_signal(signal.SIGKILL)
            for worker in workers:
                _out, err = worker.communicate(timeout=60)
                assert worker.returncode == -signal.SIGKILL
                assert "Traceback" not in err, err
                kills += 1
        duration = time.monotonic() - started

        # A fresh connection, as the next agent to open the desk gets.
        db = open_database(url)
        try:
            assert invariants(db, base) == []

            outcomes = [o for log in logs for o in _logged(log)]
            written = written_records(db, base)
            for o in outcomes:
                if o["op"] == "refund" and "refused" not in o:
                    for name in o["names"]:
                        assert written["refund"][(o["ticket"], name)] == 1, o
                elif o["op"] in ("return", "repair") and "refused" not in o:
                    assert written[str(o["op"])][(o["ticket"], o["name"])] == 1, o
                elif o["op"] == "coupon" and "refused" not in o:
                    assert written["coupon"][(o["ticket"], o["code"])] == 1, o
                elif o["op"] == "task" and "refused" not in o:
                    assert written["task"][(o["ticket"], o["title"])] == 1, o

            # The desk still works after the crashes.
            last = start_worker(url, tmp_path / "after.jsonl", seed=999, ops=3)
            _out, err = last.communicate(timeout=120)
            assert last.returncode == 0, err
            assert len(_logged(tmp_path / "after.jsonl")) == 3

            done = {kind: sum(found.values()) for kind, found in written.items()}
            print(
                f"\n{kills} kills in {duration:.1f} s; {len(outcomes)} operations logged "
                f"({Counter('refused' if 'refused' in o else 'done' for o in outcomes)}); "
                f"records written: {done}"
            )
        finally:
            db.dispose()
