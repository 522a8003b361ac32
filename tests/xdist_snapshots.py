"""Snapshot bookkeeping when the tests run in pytest-xdist workers.

Syrupy (4.x) checks for unused snapshots (a snapshot no test asked for: a test renamed or
removed) only when the tests run in one process; in an xdist worker it skips the check and
prints nothing. Here each worker hands the controller syrupy's own answer for the tests it
ran, with the snapshots it used, and the controller keeps what no worker used. So, as in one
process, unused snapshots fail the run, ``--snapshot-update`` deletes them, and the summary
("63 snapshots passed.") is printed.

Our snapshots are one per file (SVG), so an unused one is a whole file, which the controller
deletes. A file holding several snapshots and only partly unused would only be reported
(``-n 0 --snapshot-update`` cleans it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from syrupy.constants import EXIT_STATUS_FAIL_UNUSED, SNAPSHOT_UNKNOWN_FOSSIL_KEY

KEY = "aftersales_snapshots"
COUNTS = ("passed", "failed", "generated", "updated")

Pairs = list[tuple[str, str]]


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _pairs(collections: Any) -> Pairs:
    """(file, snapshot name) of every snapshot in syrupy's collections."""
    return [(c.location, s.name) for c in collections for s in c]


def _unused(unused: Pairs, used: Pairs) -> Pairs:
    """What a worker found unused and no worker used.

    A worker names a whole file it saw and did not use ``SNAPSHOT_UNKNOWN_FOSSIL_KEY``: it may
    be another worker's.
    """
    used_files = {location for location, _name in used}
    used_pairs = set(used)
    left = {
        (location, name)
        for location, name in unused
        if location not in used_files
        or (name != SNAPSHOT_UNKNOWN_FOSSIL_KEY and (location, name) not in used_pairs)
    }
    return sorted(left)


@pytest.hookimpl(trylast=True)  # after syrupy's own, which builds the report
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    syrupy = getattr(config, "_syrupy", None)
    if syrupy is None:
        return
    if _is_worker(config):
        report = syrupy.report
        config.workeroutput[KEY] = {
            "passed": report.num_matched,
            "failed": report.num_failed,
            "generated": report.num_created,
            "updated": report.num_updated,
            "unused": _pairs(report.unused),
            "used": _pairs(report.used),
        }
        return
    gathered = getattr(config, "_aftersales_snapshots", None)
    if not gathered:
        return
    used = gathered.pop("used")
    unused = _unused(gathered.pop("unused"), used)
    used_files = {location for location, _name in used}
    gathered["unused"], gathered["deleted"] = unused, []
    if unused and syrupy.update_snapshots:
        whole = sorted({location for location, _name in unused if location not in used_files})
        for location in whole:
            Path(location).unlink(missing_ok=True)
        gathered["deleted"] = [pair for pair in unused if pair[0] in whole]
        gathered["unused"] = [pair for pair in unused if pair[0] not in whole]
    if gathered["unused"] and not syrupy.warn_unused_snapshots:
        session.exitstatus |= EXIT_STATUS_FAIL_UNUSED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the controller: add up what a finished worker found."""
    found = getattr(node, "workeroutput", {}).get(KEY)
    if not found:
        return
    config = node.config
    gathered: dict[str, Any] = getattr(config, "_aftersales_snapshots", None) or {
        **dict.fromkeys(COUNTS, 0),
        "unused": [],
        "used": [],
    }
    for key in COUNTS:
        gathered[key] += found[key]
    for key in ("unused", "used"):
        gathered[key] += [(location, name) for location, name in found[key]]
    config._aftersales_snapshots = gathered


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    gathered = getattr(config, "_aftersales_snapshots", None)
    if not gathered or _is_worker(config):
        return
    counts = {key: gathered[key] for key in COUNTS}
    counts["unused"] = len(gathered["unused"])
    counts["deleted"] = len(gathered["deleted"])
    parts = [f"{n} snapshot{'' if n == 1 else 's'} {key}" for key, n in counts.items() if n]
    if not parts:
        return
    terminalreporter.write_sep("-", "snapshot report summary")
    terminalreporter.write_line(". ".join(parts) + ".")
    for kind in ("unused", "deleted"):
        for location, name in gathered[kind]:
            where = Path(location).relative_to(config.rootpath)
            terminalreporter.write_line(
                f"{kind}: {where}" + ("" if name == SNAPSHOT_UNKNOWN_FOSSIL_KEY else f" {name}")
            )
    if gathered["unused"]:
        terminalreporter.write_line(
            "\nRe-run pytest with --snapshot-update to delete unused snapshots."
        )
