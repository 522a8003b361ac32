"""Keys typed while the desk starts (over SSH, an agent types at once) reach the list's keys."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from aftersales_tui.db import Database

LINES, COLUMNS = 40, 120


def _screen_after_typing(command: list[str], typed: bytes, wanted: bytes) -> bytes:
    """Everything the program draws in a pty until ``wanted`` appears (or 30 s pass), with
    ``typed`` written the moment it starts."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    os.write(master, typed)
    seen = b""
    try:
        limit = time.monotonic() + 30
        while wanted not in seen and time.monotonic() < limit:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        os.close(master)
    return seen


def test_a_filter_typed_before_the_first_paint(demo_db: Database) -> None:
    """``/lamp`` typed at once filters by "lamp": the ``/`` opens the filter box; it is not
    typed into the box, hidden, as the first thing to have the focus."""
    path = Path(demo_db.url.database or "")
    command = [sys.executable, "-m", "aftersales_tui", "--db", str(path), "--user", "mia"]
    drawn = _screen_after_typing(command, b"/lamp", "filter: “lamp”".encode())
    assert "filter: “lamp”".encode() in drawn
    assert "“/lamp”".encode() not in drawn
