"""Benchmark: ``python -m aftersales_tui.bench [--sizes 10000,100000,1000000]``.

Prints one table: for each size, process start to the first ticket rows painted (the real
``aftersales`` command in a pseudo-terminal, median of 5) beside a bare Textual app painting an
empty DataTable in the same run; filter keystroke to repainted list and opening a ticket
(p50/p95, headless: enter on the list until the ticket screen shows that ticket painted, 15
opens, the first of which builds the screen the next ones reuse); the commit of each
after-sales action (p50); peak memory.

Databases are generated once per size into ``--dir`` (kept between runs). Nothing here is a
test: figures depend on the machine; read them, never assert them.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import fcntl
import json
import os
import pty
import resource
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

COLUMNS, LINES = 120, 40
RUNS = 5
BARE_APP = """
from textual.app import App
from textual.widgets import DataTable
class Bare(App):
    def compose(self):
        yield DataTable()
    def on_mount(self):
        self.query_one(DataTable).add_columns("#", "Bench-ready")
Bare().run()
"""


# --- first paint, in a pseudo-terminal ---------------------------------------------------


def _time_to_marker(command: list[str], marker: bytes, env: dict[str, str]) -> float:
    """Seconds from starting ``command`` in a pty until ``marker`` is drawn."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - start < 60:
            ready, _w, _x = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            seen = seen[-200:] + chunk
            if marker in seen:
                return time.perf_counter() - start
        raise RuntimeError(f"never saw {marker!r} from {command}")
    finally:
        process.kill()
        process.wait()
        os.close(master)


def first_paint(db_path: Path, login: str, top_number: int) -> tuple[float, float]:
    """Median seconds to the first rows (the desk) and to the empty table (bare Textual).

    The package is byte-compiled first, as an installation is (Textual's own modules are),
    so that neither side pays for compiling its sources.
    """
    compileall.compile_dir(Path(__file__).parent, quiet=1)
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
    env.pop("NO_COLOR", None)
    desk = [sys.executable, "-m", "aftersales_tui", "--db", str(db_path), "--user", login]
    bare = [sys.executable, "-c", BARE_APP]
    desk_times, bare_times = [], []
    for _ in range(RUNS):  # interleaved, so that both see the same machine
        bare_times.append(_time_to_marker(bare, b"Bench-ready", env))
        desk_times.append(_time_to_marker(desk, str(top_number).encode(), env))
    return statistics.median(desk_times), statistics.median(bare_times)


# --- interactions, headless ------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class _Painted:
    """When the list (or a ticket) last finished painting what it read: the benchmark wraps
    the methods that apply a read, and notes the time once the screen has been refreshed.

    A read applied to a screen not on display yet (the kept ticket screen gets the next
    ticket just before it is pushed) counts once that screen is on display and refreshed.
    """

    def __init__(self) -> None:
        self.at = 0.0
        self.count = 0

    def wrap(self, cls: Any, name: str) -> None:
        original = getattr(cls, name)
        painted = self

        def applied(widget: Any, *args: Any, **kwargs: Any) -> Any:
            result = original(widget, *args, **kwargs)

            def done() -> None:
                if widget.screen is not widget.app.screen:
                    widget.call_after_refresh(done)
                    return
                painted.at = time.perf_counter()
                painted.count += 1

            widget.call_after_refresh(done)
            return result

        setattr(cls, name, applied)

    async def wait(self, pilot: Any, seen: int, timeout: float = 10.0) -> float:
        limit = time.perf_counter() + timeout
        while self.count <= seen and time.perf_counter() < limit:
            await pilot.pause(0.001)
        return self.at


async def _interactions(db_path: Path, login: str) -> dict[str, Any]:
    from sqlmodel import select as sql_select

    from .app import AfterSalesApp
    from .db import open_database
    from .desk import Desk
    from .models import User
    from .screens.ticket import TicketScreen
    from .services import Context
    from .settings import Settings
    from .widgets.ticket_table import TicketTable

    listed, opened = _Painted(), _Painted()
    listed.wrap(TicketTable, "_loaded")
    opened.wrap(TicketScreen, "_show")
    db = open_database(str(db_path))
    with db.read() as session:
        user = session.exec(sql_select(User).where(User.login == login)).one()
    ctx = Context().as_user(user.id)
    app = AfterSalesApp(Desk(db=db, ctx=ctx, agent_name=user.name, settings=Settings()))

    async def settle(pilot: Any) -> None:
        for _ in range(3):
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    filter_times: list[float] = []
    open_times: list[float] = []
    async with app.run_test(size=(COLUMNS, LINES)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        for word in ("warranty", "desk", "broken", "lamp"):
            for letter in word:
                seen = listed.count
                start = time.perf_counter()
                await pilot.press(letter)
                filter_times.append(await listed.wait(pilot, seen) - start)
                await settle(pilot)
            await pilot.press("ctrl+a", "ctrl+k")
            await settle(pilot)
        await pilot.press("escape", "x")
        await settle(pilot)
        table = app.screen.query_one(TicketTable)
        table.focus()
        for _ in range(15):
            seen, wanted = opened.count, table.current_id
            start = time.perf_counter()
            await pilot.press("enter")
            open_times.append(await opened.wait(pilot, seen) - start)
            await settle(pilot)
            # The ticket painted is the one highlighted (the ticket screen is kept between two).
            assert isinstance(app.screen, TicketScreen) and app.screen.ticket is not None
            assert app.screen.ticket.id == wanted
            await pilot.press("q", "down")
            await settle(pilot)
    actions = _action_commits(db, ctx)
    db.dispose()
    return {
        "filter_p50": _percentile(filter_times, 0.5),
        "filter_p95": _percentile(filter_times, 0.95),
        "open_p50": _percentile(open_times, 0.5),
        "open_p95": _percentile(open_times, 0.95),
        "actions": actions,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _action_commits(db: Any, ctx: Any) -> dict[str, float]:
    """Median commit time of each action, on tickets that offer it."""
    from . import bench_actions

    results: dict[str, float] = {}
    for name, attempts in bench_actions.attempts(db, ctx).items():
        times = []
        for attempt in attempts:
            start = time.perf_counter()
            attempt()
            times.append(time.perf_counter() - start)
        if times:
            results[name] = statistics.median(times)
    return results


# --- databases ----------------------------------------------------------------------------


def ensure_database(directory: Path, size: int) -> Path:
    path = directory / f"bench-{size}.db"
    if not path.exists():
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "aftersales_tui", "generate", "--tickets", str(size)]
            + ["--db", str(path)],
            check=True,
        )
        print(f"generated {size:,} tickets in {time.perf_counter() - started:.1f} s")
    return path


def _top_number_and_login(path: Path) -> tuple[int, str]:
    import sqlite3

    with sqlite3.connect(path) as raw:
        top = raw.execute("SELECT max(number) FROM ticket").fetchone()[0]
        login = raw.execute("SELECT login FROM user ORDER BY id LIMIT 1").fetchone()[0]
    return int(top), str(login)


def measure(path: Path) -> dict[str, Any]:
    from .db import open_database

    open_database(str(path)).dispose()  # a file from an older version is upgraded first
    top, login = _top_number_and_login(path)
    desk, bare = first_paint(path, login, top)
    # Interactions in their own process, so that its peak memory is this size's alone.
    output = subprocess.run(
        [sys.executable, "-m", "aftersales_tui.bench", "--interactions", str(path), login],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    figures.update(first_paint=desk, bare=bare)
    return figures


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def print_table(results: dict[int, dict[str, Any]], out: Callable[[str], None] = print) -> None:
    names = sorted({n for r in results.values() for n in r["actions"]})
    header = ["tickets", "first rows", "bare app", "ratio", "filter p50/p95", "open p50/p95"]
    header += [f"{n} p50" for n in names] + ["peak RSS"]
    out("| " + " | ".join(header) + " |")
    out("|" + "---|" * len(header))
    for size, r in sorted(results.items()):
        cells = [
            f"{size:,}",
            _ms(r["first_paint"]),
            _ms(r["bare"]),
            f"{r['first_paint'] / r['bare']:.2f}x",
            f"{_ms(r['filter_p50'])} / {_ms(r['filter_p95'])}",
            f"{_ms(r['open_p50'])} / {_ms(r['open_p95'])}",
        ]
        cells += [_ms(r["actions"][n]) if n in r["actions"] else "–" for n in names]
        cells.append(f"{r['peak_rss_mb']:.0f} MB")
        out("| " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aftersales_tui.bench", description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--dir", default="bench-data", help="where the generated databases stay")
    parser.add_argument("--interactions", nargs=2, metavar=("DB", "LOGIN"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.interactions:
        figures = asyncio.run(_interactions(Path(args.interactions[0]), args.interactions[1]))
        print(json.dumps(figures))
        return 0
    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        results[size] = measure(ensure_database(directory, size))
        print(f"measured {size:,}", file=sys.stderr)
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
