"""Signing in: which agent the desk acts as, and the first run on an empty database."""

from __future__ import annotations

import pytest
from sqlmodel import select

from aftersales_tui.db import Database
from aftersales_tui.models import Team, User
from aftersales_tui.services import AfterSalesError, Context
from aftersales_tui.services.setup import FIRST_TEAM, sign_in


def test_first_run_creates_the_agent_and_a_team(db: Database, ctx: Context) -> None:
    agent = sign_in(db, ctx, None, "jdoe")
    assert (agent.login, agent.name) == ("jdoe", "jdoe")
    again = sign_in(db, ctx, None, "jdoe")
    assert again == agent
    with db.read() as session:
        assert [t.name for t in session.exec(select(Team)).all()] == [FIRST_TEAM]
        assert len(session.exec(select(User)).all()) == 1


def test_user_option_must_name_an_existing_agent(demo_db: Database, ctx: Context) -> None:
    assert sign_in(demo_db, ctx, "sam", "root").login == "sam"
    with pytest.raises(AfterSalesError, match="No agent with login ghost") as err:
        sign_in(demo_db, ctx, "ghost", "root")
    assert "mia" in err.value.message
    with demo_db.read() as session:
        assert session.exec(select(User).where(User.login == "ghost")).first() is None


def test_the_demo_signs_in_as_its_first_agent_unless_the_login_exists(
    demo_db: Database, ctx: Context
) -> None:
    assert sign_in(demo_db, ctx, None, "root", demo=True).login == "mia"
    assert sign_in(demo_db, ctx, None, "lea", demo=True).login == "lea"
    with demo_db.read() as session:
        assert session.exec(select(User).where(User.login == "root")).first() is None
