"""What every screen works with: the open database and who is acting, when."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .db import Database
from .services import Context


@dataclass(frozen=True)
class Desk:
    db: Database
    ctx: Context
    agent_name: str = ""


class HasDesk(Protocol):
    desk: Desk
