"""The first rows of the ticket list, read with the standard library's sqlite3 alone.

The desk paints its first screen before SQLAlchemy and the records are loaded (they take
longer to import than Textual itself): when the database is a SQLite file already at this
program's schema version, with a team and the agent signing in, this reads what the first
screen shows, read-only. Anything else (another version, an agent that signing in would
create or refuse, a file that cannot be read) answers ``None``, and the desk opens the
ordinary way, with the migrations and every check, before its first paint.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .schema_version import SCHEMA_VERSION, VERSION_TABLE

# The columns of the list, newest ticket first: what ``ticket_list`` reads for an unfiltered
# list sorted by number (the ticket number's unique index hands them over in order).
_FIRST_ROWS = """
SELECT t.id, t.number, t.title, p.name, tm.name, t.stage, t.priority, u.name, t.created_at
FROM ticket AS t
JOIN team AS tm ON tm.id = t.team_id
LEFT OUTER JOIN partner AS p ON p.id = t.partner_id
LEFT OUTER JOIN "user" AS u ON u.id = t.user_id
ORDER BY t.number DESC
LIMIT ?
"""


@dataclass(frozen=True)
class FirstRows:
    agent_id: int
    agent_name: str
    count: int
    rows: list[tuple[Any, ...]]


def read(
    path: Path, login: str | None, os_login: str, *, demo: bool, limit: int
) -> FirstRows | None:
    """The agent signing in (as ``setup.sign_in`` finds them), the number of tickets and the
    first ``limit`` rows, from one read snapshot; ``None`` when the quick way cannot tell."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
    except (sqlite3.Error, ValueError):
        return None
    try:
        conn.execute("BEGIN")
        return _read(conn, login, os_login, demo=demo, limit=limit)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _read(
    conn: sqlite3.Connection, login: str | None, os_login: str, *, demo: bool, limit: int
) -> FirstRows | None:
    version = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
    if version is None or version[0] != SCHEMA_VERSION:
        return None
    if conn.execute("SELECT 1 FROM team LIMIT 1").fetchone() is None:
        return None  # signing in creates the first team
    agent = _agent(conn, login, os_login, demo=demo)
    if agent is None:
        return None  # signing in creates the agent, or refuses an unknown --user
    count = int(conn.execute("SELECT count(*) FROM ticket").fetchone()[0])
    rows = conn.execute(_FIRST_ROWS, (limit,)).fetchall()
    return FirstRows(agent_id=agent[0], agent_name=agent[1], count=count, rows=rows)


def _agent(
    conn: sqlite3.Connection, login: str | None, os_login: str, *, demo: bool
) -> tuple[int, str] | None:
    by_login = 'SELECT id, name FROM "user" WHERE login = ?'
    if login:
        return conn.execute(by_login, (login,)).fetchone()
    found = conn.execute(by_login, (os_login,)).fetchone()
    if found is None and demo:
        found = conn.execute('SELECT id, name FROM "user" ORDER BY id LIMIT 1').fetchone()
    return found
