"""What every screen works with: the open database and who is acting, when."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .db import Database
from .services import Context
from .settings import Settings


@dataclass(frozen=True)
class Desk:
    db: Database
    ctx: Context
    agent_name: str = ""
    settings: Settings = field(default_factory=Settings)


class HasDesk(Protocol):
    desk: Desk
