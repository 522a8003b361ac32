"""Team settings: the five After-Sales switches and the default field-service project."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from ..db import Database
from ..i18n import _
from ..models import Project, Team
from . import chatter
from .context import Context
from .directory import Choice
from .errors import AfterSalesError
from .linked import Action, team_switch


@dataclass(frozen=True)
class TeamSettings:
    id: int
    name: str
    switches: dict[Action, bool]
    fsm_project_id: int | None
    fsm_projects: tuple[Choice, ...]


def list_teams(db: Database) -> list[Choice]:
    with db.read() as session:
        rows = session.exec(select(Team).order_by(col(Team.name))).all()
        return [Choice(t.id or 0, t.name) for t in rows]


def settings(db: Database, team_id: int) -> TeamSettings:
    with db.read() as session:
        team = session.get(Team, team_id)
        if team is None:
            raise AfterSalesError(_("This team no longer exists"))
        projects = session.exec(
            select(Project).where(col(Project.is_fsm)).order_by(col(Project.name))
        ).all()
        return TeamSettings(
            id=team.id or 0,
            name=team.name,
            switches={a: bool(getattr(team, team_switch(a))) for a in Action},
            fsm_project_id=team.fsm_project_id,
            fsm_projects=tuple(Choice(p.id or 0, p.name) for p in projects),
        )


def set_switch(db: Database, ctx: Context, team_id: int, action: Action, on: bool) -> TeamSettings:
    """Turn one After-Sales service on or off for a team."""
    with db.write() as session:
        team = session.get(Team, team_id)
        if team is None:
            raise AfterSalesError(_("This team no longer exists"))
        setattr(team, team_switch(action), on)
        from .linked import action_label

        text = _("{service} turned on") if on else _("{service} turned off")
        chatter.post(session, ctx, "team", team_id, text.format(service=action_label(action)))
    return settings(db, team_id)


def set_fsm_project(
    db: Database, ctx: Context, team_id: int, project_id: int | None
) -> TeamSettings:
    """The project Plan Intervention proposes for this team's tickets."""
    with db.write() as session:
        team = session.get(Team, team_id)
        if team is None:
            raise AfterSalesError(_("This team no longer exists"))
        if project_id is not None:
            project = session.get(Project, project_id)
            if project is None or not project.is_fsm:
                raise AfterSalesError(_("Choose a field-service project"), field="fsm_project_id")
        team.fsm_project_id = project_id
    return settings(db, team_id)
