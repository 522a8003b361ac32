"""The first screen's data, before the database is opened the ordinary way.

``read`` gives the agent signing in, the number of tickets and the first rows of the list
(see ``storage_first_page``), as the list shows them; ``None`` sends the desk the ordinary
way. The desk then opens the database in the background, and signs the agent in there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import storage_first_page
from .context import Context
from .ticket_rows import TicketRow, ticket_row


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
        rows=[ticket_row(values) for values in found.rows],
    )
