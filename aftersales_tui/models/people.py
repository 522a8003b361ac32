"""Customers, contacts, agents and their teams."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Partner(SQLModel, table=True):
    """A customer or contact; agents have one too, so they can follow tickets."""

    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(index=True, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=64)
    company_id: int | None = Field(default=None, foreign_key="partner.id", index=True)


class User(SQLModel, table=True):
    """A support agent."""

    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    login: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=200)
    partner_id: int = Field(foreign_key="partner.id")


class Team(SQLModel, table=True):
    """A helpdesk team and its After-Sales switches."""

    id: int | None = Field(default=None, primary_key=True)
    ext_ref: str | None = Field(default=None, unique=True, index=True, max_length=64)
    name: str = Field(unique=True, max_length=120)
    use_refunds: bool = False
    use_coupons: bool = False
    use_returns: bool = False
    use_repairs: bool = False
    use_field_service: bool = False
    fsm_project_id: int | None = Field(default=None, foreign_key="project.id")
