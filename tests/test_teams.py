"""Team settings: the five After-Sales switches and the default field-service project."""

from __future__ import annotations

import pytest
from sqlmodel import select

from aftersales_tui.db import Database
from aftersales_tui.models import Message, Project
from aftersales_tui.services import AfterSalesError, Context, linked, teams
from aftersales_tui.services.directory import Choice
from aftersales_tui.services.linked import Action

from . import factories as f


def project(db: Database, name: str, is_fsm: bool = True) -> int:
    with db.write() as s:
        row = Project(name=name, is_fsm=is_fsm)
        s.add(row)
        s.flush()
        return row.id or 0


def test_settings_reflect_the_switches(db: Database) -> None:
    team = f.team(db, "Support", use_refunds=True, use_repairs=True)
    onsite = project(db, "On-site")
    project(db, "Internal", is_fsm=False)
    shown = teams.settings(db, team)
    assert (shown.id, shown.name, shown.fsm_project_id) == (team, "Support", None)
    assert shown.switches == {
        Action.REFUND: True,
        Action.COUPON: False,
        Action.RETURN: False,
        Action.REPAIR: True,
        Action.FIELD_SERVICE: False,
    }
    assert shown.fsm_projects == (Choice(onsite, "On-site"),)  # field-service projects only


def test_list_teams_by_name(db: Database) -> None:
    field = f.team(db, "Field")
    support = f.team(db, "Support")
    assert teams.list_teams(db) == [Choice(field, "Field"), Choice(support, "Support")]


def test_set_switch_changes_the_tickets_actions_at_once(db: Database, ctx: Context) -> None:
    team = f.team(db, "Support")
    other = f.team(db, "Field")
    ticket = f.ticket(db, team, 1)
    elsewhere = f.ticket(db, other, 2)
    assert linked.load_available_actions(db, ticket) == []

    shown = teams.set_switch(db, ctx, team, Action.COUPON, True)
    assert shown.switches[Action.COUPON] is True
    assert linked.load_available_actions(db, ticket) == [Action.COUPON]
    assert linked.load_available_actions(db, elsewhere) == []  # only that team

    teams.set_switch(db, ctx, team, Action.REPAIR, True)
    assert linked.load_available_actions(db, ticket) == [Action.COUPON, Action.REPAIR]

    shown = teams.set_switch(db, ctx, team, Action.COUPON, False)
    assert shown.switches[Action.COUPON] is False
    assert shown.switches[Action.REPAIR] is True
    assert linked.load_available_actions(db, ticket) == [Action.REPAIR]
    assert teams.settings(db, team).switches == shown.switches

    with db.read() as s:
        logged = s.exec(
            select(Message.body).where(Message.model == "team", Message.res_id == team)
        ).all()
    assert sorted(logged) == ["Coupon turned off", "Coupon turned on", "Repair turned on"]


def test_set_fsm_project(db: Database, ctx: Context) -> None:
    team = f.team(db, "Support")
    onsite = project(db, "On-site")
    internal = project(db, "Internal", is_fsm=False)

    assert teams.set_fsm_project(db, ctx, team, onsite).fsm_project_id == onsite
    assert teams.settings(db, team).fsm_project_id == onsite

    for refused in (internal, 9999):
        with pytest.raises(AfterSalesError) as err:
            teams.set_fsm_project(db, ctx, team, refused)
        assert err.value.field == "fsm_project_id"
        assert teams.settings(db, team).fsm_project_id == onsite  # unchanged

    assert teams.set_fsm_project(db, ctx, team, None).fsm_project_id is None
    assert teams.settings(db, team).fsm_project_id is None


def test_an_unknown_team_is_a_clear_error(db: Database, ctx: Context) -> None:
    with pytest.raises(AfterSalesError, match="no longer exists"):
        teams.settings(db, 9999)
    with pytest.raises(AfterSalesError, match="no longer exists"):
        teams.set_switch(db, ctx, 9999, Action.REFUND, True)
    with pytest.raises(AfterSalesError, match="no longer exists"):
        teams.set_fsm_project(db, ctx, 9999, None)
    with db.read() as s:
        assert s.exec(select(Message)).all() == []
