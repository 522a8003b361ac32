"""The first screen's data, before the database is opened the ordinary way.

``read`` gives the agent signing in, the number of tickets and the first rows of the list
(see ``storage_first_page``), as the list shows them; ``None`` sends the desk the ordinary
way. The desk then opens the database in the background, and signs the agent in there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import storage_first_page
from ..enums import Priority, Stage
from .context import Context
from .ticket_rows import TicketRow


@dataclass(frozen=True)
class FirstPage:
    ctx: Context  # the agent's
    agent_name: str
    count: int
    rows: list[TicketRow]


def read(
    path: Path, ctx: Context, login: str | None, os_login: str, *, demo: bool, limit: int
) -> FirstPage | None:
    found = storage_first_page.read(path, login, os_login, demo=demo, limit=limit)
    if found is None:
        return None
    return FirstPage(
        ctx=ctx.as_user(found.agent_id),
        agent_name=found.agent_name,
        count=found.count,
        rows=[_row(values) for values in found.rows],
    )


def _row(values: tuple[Any, ...]) -> TicketRow:
    """A row as ``ticket_list`` makes it (UTC timestamps, SQLite's stored form)."""
    created = values[8]
    if isinstance(created, str):
        created = datetime.fromisoformat(created)
    return TicketRow(
        id=values[0],
        number=values[1],
        title=values[2],
        customer=values[3] or "",
        team=values[4],
        stage=Stage(values[5]),
        priority=Priority(values[6]),
        assignee=values[7] or "",
        created_at=created.replace(tzinfo=UTC),
    )
