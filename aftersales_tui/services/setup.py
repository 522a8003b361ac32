"""Signing in and the first run on an empty database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from ..db import Database
from ..i18n import _
from ..models import Team, User
from . import directory
from .context import Context
from .errors import AfterSalesError

FIRST_TEAM = "Helpdesk"


@dataclass(frozen=True)
class Agent:
    id: int
    login: str
    name: str


def sign_in(
    db: Database, ctx: Context, login: str | None, os_login: str, *, demo: bool = False
) -> Agent:
    """The agent the desk acts as.

    ``--user LOGIN`` must name an existing agent. Without it: the agent whose login is
    the system login; on the demo, its first agent; otherwise the system login becomes
    a new agent (the first run on a personal database also creates a first team).
    """
    with db.write() as session:
        if login:
            user = directory.find_agent(session, login)
            if user is None:
                known = ", ".join(
                    session.exec(select(User.login).order_by(col(User.login)).limit(12)).all()
                )
                raise AfterSalesError(
                    _("No agent with login {login} (known: {known})").format(
                        login=login, known=known or _("none")
                    )
                )
        else:
            user = directory.find_agent(session, os_login)
            if user is None and demo:
                user = directory.first_agent(session)
            if user is None:
                user = directory.ensure_agent(session, os_login)
        if session.exec(select(Team.id).limit(1)).first() is None:
            session.add(Team(name=FIRST_TEAM))
        return Agent(id=user.id or 0, login=user.login, name=user.name)
