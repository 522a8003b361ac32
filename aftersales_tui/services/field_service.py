"""Field service: plan an on-site intervention from a ticket (the guide's pop-up "Create a
Field Service task"), then move its stage, plan its date and assign it.

``defaults`` computes what the modal offers for a ticket; ``create_task`` checks a
``TaskRequest`` again inside one write transaction and writes the task, the ticket's customer
when it had none, and the chatter message.

Worksheet templates: the records hold no link from a template to the projects that use it,
only each project's switch (``allow_worksheets``) and its default template. So a template
"belongs" to every project that allows worksheets and to none that does not: any template can
be chosen for a project with worksheets (the guide lets the agent change the proposed one), and
none for a project without.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from .. import formatting as fmt
from ..db import Database
from ..i18n import _
from ..models import Partner, Project, Task, TaskStage, Team, Ticket, User, WorksheetTemplate
from . import chatter, directory, tickets
from .context import Context
from .directory import Choice
from .errors import AfterSalesError
from .texts import storable

TITLE_MAX = 500


@dataclass(frozen=True)
class ProjectChoice:
    """A field-service project as the modal offers it, with what its worksheets need."""

    id: int
    label: str
    allow_worksheets: bool
    template_id: int | None


@dataclass(frozen=True)
class FieldServiceDefaults:
    """Everything the "Create a Field Service task" modal shows for a ticket."""

    ticket_id: int
    ticket_ref: str
    title: str
    description: str
    projects: tuple[ProjectChoice, ...]
    project_id: int | None
    customer: Choice | None  # the ticket's; others are found by searching (``directory``)
    templates: tuple[Choice, ...]
    worksheet_template_id: int | None
    project_note: str | None
    empty_reason: str | None

    def template_for(self, project_id: int | None) -> tuple[bool, int | None]:
        """Whether the Worksheet Template field shows for ``project_id``, and its default."""
        return _template_for(self.projects, project_id)

    @property
    def partner_id(self) -> int | None:
        return self.customer.id if self.customer is not None else None

    @property
    def template_visible(self) -> bool:
        return self.template_for(self.project_id)[0]


@dataclass(frozen=True)
class TaskRequest:
    """What the agent asks for. ``and_view`` is the Create & View Task button."""

    title: str
    project_id: int | None
    partner_id: int | None
    worksheet_template_id: int | None = None
    and_view: bool = False


@dataclass(frozen=True)
class TaskView:
    """A task as its screen and the Tasks list show it."""

    id: int
    title: str
    description: str
    project_id: int
    project: str
    template: str
    customer: str
    stage_id: int | None
    stage: str
    closed: bool
    planned_date: date | None
    user_id: int | None
    assignee: str
    ticket_id: int | None
    ticket_ref: str
    ticket_title: str
    created_at: datetime


# --- what is offered -------------------------------------------------------------------


def _template_for(
    projects: tuple[ProjectChoice, ...], project_id: int | None
) -> tuple[bool, int | None]:
    project = next((p for p in projects if p.id == project_id), None)
    if project is None or not project.allow_worksheets:
        return False, None
    return True, project.template_id


def _projects(session: Session) -> list[Project]:
    return list(
        session.exec(select(Project).where(col(Project.is_fsm)).order_by(col(Project.name))).all()
    )


def defaults(db: Database, ctx: Context, ticket_id: int) -> FieldServiceDefaults:
    with db.read() as session:
        ticket = tickets.get(session, ticket_id)
        team = session.get(Team, ticket.team_id)
        projects = _projects(session)
        offered = tuple(
            ProjectChoice(p.id or 0, p.name, p.allow_worksheets, p.worksheet_template_id)
            for p in projects
        )
        project_id = team.fsm_project_id if team is not None else None
        if project_id not in {p.id for p in offered}:
            project_id = None
        note = None
        if offered and project_id is None:
            note = _(
                "{team} has no default field-service project: choose one "
                "(the team settings can set a default)."
            ).format(team=team.name if team is not None else "")
        templates = session.exec(
            select(WorksheetTemplate).order_by(col(WorksheetTemplate.name))
        ).all()
        return FieldServiceDefaults(
            ticket_id=ticket.id or 0,
            ticket_ref=fmt.ticket_ref(ticket.number),
            title=ticket.title,
            description=ticket.description,
            projects=offered,
            project_id=project_id,
            customer=directory.customer_choice(session, ticket.partner_id),
            templates=tuple(Choice(t.id or 0, t.name) for t in templates),
            worksheet_template_id=_template_for(offered, project_id)[1],
            project_note=note,
            empty_reason=None if offered else _no_project(),
        )


def _no_project() -> str:
    return _(
        "No field-service project exists: create one in Field Service first, "
        "then plan the intervention."
    )


# --- creating the task -----------------------------------------------------------------


def first_stage(session: Session, project_id: int) -> TaskStage | None:
    """Where a new task of the project starts: its stage with the lowest sequence."""
    return session.exec(
        select(TaskStage)
        .where(TaskStage.project_id == project_id)
        .order_by(col(TaskStage.sequence), col(TaskStage.id))
    ).first()


def create_task(db: Database, ctx: Context, ticket_id: int, request: TaskRequest) -> TaskView:
    """Check the request against the database as it is now, then write it, all or nothing."""
    with db.write() as session:
        ticket = tickets.get(session, ticket_id)
        title = _check_title(request.title)
        project = _check_project(session, request.project_id)
        customer = _check_customer(session, request.partner_id)
        template = _check_template(session, project, request.worksheet_template_id)
        stage = first_stage(session, project.id or 0)
        task = Task(
            title=title,
            description=ticket.description,
            project_id=project.id or 0,
            stage_id=stage.id if stage is not None else None,
            worksheet_template_id=template.id if template is not None else None,
            partner_id=customer.id,
            ticket_id=ticket.id,
            created_at=ctx.now(),
        )
        session.add(task)
        session.flush()
        if ticket.partner_id is None:
            _set_ticket_customer(session, ctx, ticket, customer)
        chatter.post(
            session,
            ctx,
            tickets.MODEL,
            ticket.id or 0,
            _("Field service task created: {title} ({project})").format(
                title=title, project=project.name
            ),
        )
        ticket.updated_at = ctx.now()
        return _view(session, task)


def _check_title(text: str) -> str:
    title = " ".join(storable(text, "title").split())
    if not title:
        raise AfterSalesError(_("A task needs a title"), field="title")
    if len(title) > TITLE_MAX:
        raise AfterSalesError(
            _("The title is too long ({n} characters at most)").format(n=TITLE_MAX), field="title"
        )
    return title


def _check_project(session: Session, project_id: int | None) -> Project:
    project = session.get(Project, project_id) if project_id is not None else None
    if project is None:
        if not _projects(session):
            raise AfterSalesError(_no_project(), field="project_id")
        raise AfterSalesError(_("Choose a project"), field="project_id")
    if not project.is_fsm:
        raise AfterSalesError(
            _("{project} is not a field-service project").format(project=project.name),
            field="project_id",
        )
    return project


def _check_customer(session: Session, partner_id: int | None) -> Partner:
    customer = session.get(Partner, partner_id) if partner_id is not None else None
    if customer is None:
        if partner_id is not None:
            raise AfterSalesError(_("This customer no longer exists"), field="partner_id")
        raise AfterSalesError(_("Choose the customer to visit"), field="partner_id")
    return customer


def _check_template(
    session: Session, project: Project, template_id: int | None
) -> WorksheetTemplate | None:
    """A template only for a project with worksheets (see the module's docstring)."""
    if template_id is None:
        return None
    if not project.allow_worksheets:
        raise AfterSalesError(
            _("{project} does not use worksheets: a task there has no worksheet template").format(
                project=project.name
            ),
            field="worksheet_template_id",
        )
    template = session.get(WorksheetTemplate, template_id)
    if template is None:
        raise AfterSalesError(
            _("This worksheet template no longer exists"), field="worksheet_template_id"
        )
    return template


def _set_ticket_customer(session: Session, ctx: Context, ticket: Ticket, customer: Partner) -> None:
    """A ticket without a customer takes the one the task visits (who then follows it)."""
    ticket.partner_id = customer.id
    ticket.version += 1
    tickets.add_follower(session, ticket.id or 0, customer.id or 0)
    chatter.post(
        session,
        ctx,
        tickets.MODEL,
        ticket.id or 0,
        _("Customer set to {name} (from the field service task)").format(name=customer.name),
    )


# --- reading tasks ---------------------------------------------------------------------


def _stage(session: Session, task: Task) -> TaskStage | None:
    return session.get(TaskStage, task.stage_id) if task.stage_id is not None else None


def _project_name(session: Session, task: Task) -> str:
    project = session.get(Project, task.project_id)
    return project.name if project is not None else ""


def _view(session: Session, task: Task) -> TaskView:
    stage = _stage(session, task)
    ticket = session.get(Ticket, task.ticket_id) if task.ticket_id is not None else None
    template = (
        session.get(WorksheetTemplate, task.worksheet_template_id)
        if task.worksheet_template_id is not None
        else None
    )
    agent = session.get(User, task.user_id) if task.user_id is not None else None
    return TaskView(
        id=task.id or 0,
        title=task.title,
        description=task.description,
        project_id=task.project_id,
        project=_project_name(session, task),
        template=template.name if template is not None else "",
        customer=directory.partner_name(session, task.partner_id),
        stage_id=task.stage_id,
        stage=stage.name if stage is not None else "",
        closed=stage.is_closed if stage is not None else False,
        planned_date=task.planned_date,
        user_id=task.user_id,
        assignee=agent.name if agent is not None else "",
        ticket_id=task.ticket_id,
        ticket_ref=fmt.ticket_ref(ticket.number) if ticket is not None else "",
        ticket_title=ticket.title if ticket is not None else "",
        created_at=task.created_at,
    )


def _get(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise AfterSalesError(_("This task no longer exists"))
    return task


def load(db: Database, task_id: int) -> TaskView:
    with db.read() as session:
        return _view(session, _get(session, task_id))


@dataclass(frozen=True)
class TaskPage:
    """What the task screen shows: the task and its ticket's chatter, read in one snapshot."""

    task: TaskView
    history: list[chatter.ChatterEntry]


def task_page(db: Database, task_id: int) -> TaskPage:
    with db.read() as session:
        task = _view(session, _get(session, task_id))
        history = (
            chatter.history(session, tickets.MODEL, task.ticket_id)
            if task.ticket_id is not None
            else []
        )
        return TaskPage(task, history)


def for_ticket(db: Database, ticket_id: int) -> list[TaskView]:
    """The ticket's tasks (its Tasks smart button), newest first."""
    with db.read() as session:
        rows = session.exec(
            select(Task)
            .where(Task.ticket_id == ticket_id)
            .order_by(col(Task.created_at).desc(), col(Task.id).desc())
        ).all()
        return [_view(session, t) for t in rows]


def stages(db: Database, task_id: int) -> list[Choice]:
    """The stages a task can move to: its project's, in order."""
    with db.read() as session:
        task = _get(session, task_id)
        rows = session.exec(
            select(TaskStage)
            .where(TaskStage.project_id == task.project_id)
            .order_by(col(TaskStage.sequence), col(TaskStage.id))
        ).all()
        return [Choice(s.id or 0, s.name) for s in rows]


def assignees(db: Database) -> list[Choice]:
    """Who can be assigned a task: the agents."""
    with db.read() as session:
        return directory.agents(session)


# --- changing a task -------------------------------------------------------------------


def _log(session: Session, ctx: Context, task: Task, text: str) -> None:
    """Say what changed on the task in its ticket's chatter (every change of a task is
    said here: it stamps the task's changed-at too)."""
    task.updated_at = ctx.now()
    if task.ticket_id is None:
        return
    ticket = session.get(Ticket, task.ticket_id)
    if ticket is None:
        return
    chatter.post(
        session,
        ctx,
        tickets.MODEL,
        ticket.id or 0,
        _("Task “{title}”: {change}").format(title=task.title, change=text),
    )
    ticket.updated_at = ctx.now()


def move_stage(db: Database, ctx: Context, task_id: int, stage_id: int) -> TaskView:
    """Move a task to another stage of its project, logged on its ticket."""
    with db.write() as session:
        task = _get(session, task_id)
        stage = session.get(TaskStage, stage_id)
        if stage is None:
            raise AfterSalesError(_("This stage no longer exists"), field="stage_id")
        if stage.project_id != task.project_id:
            raise AfterSalesError(
                _("{stage} is not a stage of {project}").format(
                    stage=stage.name, project=_project_name(session, task)
                ),
                field="stage_id",
            )
        if task.stage_id != stage.id:
            before = _stage(session, task)
            task.stage_id = stage.id
            _log(
                session,
                ctx,
                task,
                _("stage {before} → {after}").format(
                    before=before.name if before is not None else "—", after=stage.name
                ),
            )
        return _view(session, task)


def set_planned_date(db: Database, ctx: Context, task_id: int, planned: date | None) -> TaskView:
    """Plan the intervention for a day (``None`` clears it); not in the past."""
    with db.write() as session:
        task = _get(session, task_id)
        if planned is not None and planned < ctx.today() and planned != task.planned_date:
            raise AfterSalesError(_("The planned date cannot be in the past"), field="planned_date")
        if planned != task.planned_date:
            before = fmt.day(task.planned_date) or "—"
            task.planned_date = planned
            _log(
                session,
                ctx,
                task,
                _("planned date {before} → {after}").format(
                    before=before, after=fmt.day(planned) or "—"
                ),
            )
        return _view(session, task)


def set_assignee(db: Database, ctx: Context, task_id: int, user_id: int | None) -> TaskView:
    """Assign the task to an agent (``None`` unassigns it)."""
    with db.write() as session:
        task = _get(session, task_id)
        agent = session.get(User, user_id) if user_id is not None else None
        if user_id is not None and agent is None:
            raise AfterSalesError(_("This agent no longer exists"), field="user_id")
        if task.user_id != user_id:
            task.user_id = user_id
            text = (
                _("assigned to {name}").format(name=agent.name)
                if agent is not None
                else _("unassigned")
            )
            _log(session, ctx, task, text)
        return _view(session, task)
