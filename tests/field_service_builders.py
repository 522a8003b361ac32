"""Builders for field-service tests: worksheet templates, projects with their stages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import select

from aftersales_tui.db import Database
from aftersales_tui.models import Project, TaskStage, Team, WorksheetTemplate

STAGES = (("New", 10), ("Planned", 20), ("Done", 30))


def template(db: Database, name: str = "On-site Intervention Report") -> int:
    with db.write() as s:
        row = WorksheetTemplate(name=name)
        s.add(row)
        s.flush()
        return row.id or 0


def project(
    db: Database,
    name: str = "Field Service EU",
    *,
    allow_worksheets: bool = False,
    template_id: int | None = None,
    is_fsm: bool = True,
    stages: Sequence[tuple[str, int]] = STAGES,
) -> int:
    """A project and its stages, given as (name, sequence); the last one is closed."""
    with db.write() as s:
        row = Project(
            name=name,
            is_fsm=is_fsm,
            allow_worksheets=allow_worksheets,
            worksheet_template_id=template_id,
        )
        s.add(row)
        s.flush()
        for index, (stage, sequence) in enumerate(stages):
            s.add(
                TaskStage(
                    project_id=row.id or 0,
                    name=stage,
                    sequence=sequence,
                    is_closed=index == len(stages) - 1,
                )
            )
        return row.id or 0


def stage_id(db: Database, project_id: int, name: str) -> int:
    with db.read() as s:
        found = s.exec(
            select(TaskStage.id).where(TaskStage.project_id == project_id, TaskStage.name == name)
        ).one()
        return found or 0


def set_default_project(db: Database, team_id: int, project_id: int | None) -> None:
    with db.write() as s:
        team = s.get(Team, team_id)
        assert team is not None
        team.fsm_project_id = project_id
