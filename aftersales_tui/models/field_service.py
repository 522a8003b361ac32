"""Field-service projects, their stages, worksheet templates and tasks."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from .base import UTCDateTime


class WorksheetTemplate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(unique=True, max_length=120)


class Project(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(unique=True, max_length=120)
    is_fsm: bool = True
    allow_worksheets: bool = False
    worksheet_template_id: int | None = Field(default=None, foreign_key="worksheettemplate.id")


class TaskStage(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    name: str = Field(max_length=64)
    sequence: int = 10
    is_closed: bool = False


class Task(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    title: str = Field(max_length=500)
    description: str = ""
    project_id: int = Field(foreign_key="project.id", index=True)
    stage_id: int | None = Field(default=None, foreign_key="taskstage.id")
    worksheet_template_id: int | None = Field(default=None, foreign_key="worksheettemplate.id")
    partner_id: int | None = Field(default=None, foreign_key="partner.id")
    user_id: int | None = Field(default=None, foreign_key="user.id")
    planned_date: date | None = None
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
