"""What generated rows refer to: the demo's master data read back once, document names, the plan.

``Catalogue.read`` runs after the demo's agents, teams, projects, products, places, journals,
programs and tags are loaded (services/demo/master_data.py), and keeps the little the generator
needs about each, in plain values. ``Names`` hands out document names per prefix and remembers
the highest, so that the sequences can continue after them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from ...models import (
    CouponProgram,
    Journal,
    JournalType,
    Location,
    LocationUsage,
    Product,
    ProductType,
    ProgramType,
    Project,
    RepairTag,
    TaskStage,
    Team,
    Tracking,
    User,
)
from .bulk import BulkWriter, Stamps

DAY = 86_400
YEARS = 5
ORDERS_LEAD_DAYS = 90  # orders start this long before the first ticket
LABOUR_KEY = "repair-labour"
FUTURE_DAYS = 120  # dates ahead of today: coupon expiry, scheduled repairs, planned tasks


@dataclass(frozen=True)
class ProductInfo:
    id: int
    key: str
    name: str
    code: str
    price: str  # as stored, e.g. "39.90"
    cents: int
    tracking: Tracking
    goods: bool


@dataclass(frozen=True)
class TeamInfo:
    id: int
    refunds: bool
    coupons: bool
    returns: bool
    repairs: bool
    fsm_project_id: int | None
    agents: tuple[int, ...]  # who usually handles its tickets


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    template_id: int | None
    first_stage_id: int
    done_stage_id: int


@dataclass(frozen=True)
class JournalInfo:
    id: int
    code: str
    refund_code: str


@dataclass(frozen=True)
class Catalogue:
    agents: tuple[tuple[int, str], ...]  # (user id, name)
    teams: tuple[TeamInfo, ...]
    products: tuple[ProductInfo, ...]
    journals: tuple[JournalInfo, ...]
    programs: tuple[tuple[int, str], ...]  # active programs of type coupons: (id, name)
    tags: tuple[int, ...]
    projects: dict[int, ProjectInfo]
    stock_id: int
    customers_id: int
    returns_id: int
    labour: ProductInfo

    @staticmethod
    def read(session: Session, product_keys: dict[str, int]) -> Catalogue:
        keys = {pid: key for key, pid in product_keys.items()}
        products = tuple(
            ProductInfo(
                id=p.id or 0,
                key=keys.get(p.id or 0, ""),
                name=p.name,
                code=p.default_code or f"P{p.id}",
                price=f"{p.list_price:.2f}",
                cents=int(p.list_price * 100),
                tracking=Tracking(p.tracking),
                goods=p.product_type == ProductType.GOODS,
            )
            for p in session.exec(select(Product).order_by(col(Product.id))).all()
        )
        agents = tuple(
            (u.id or 0, u.name) for u in session.exec(select(User).order_by(col(User.id))).all()
        )
        teams = session.exec(select(Team).order_by(col(Team.id))).all()
        locations = session.exec(select(Location).order_by(col(Location.id))).all()
        return Catalogue(
            agents=agents,
            teams=tuple(_team(t, n, agents) for n, t in enumerate(teams)),
            products=products,
            journals=tuple(
                JournalInfo(j.id or 0, j.code, j.refund_code or "R" + j.code)
                for j in session.exec(
                    select(Journal)
                    .where(Journal.journal_type == JournalType.SALE)
                    .order_by(col(Journal.id))
                ).all()
            ),
            programs=tuple(
                (p.id or 0, p.name)
                for p in session.exec(
                    select(CouponProgram)
                    .where(
                        col(CouponProgram.active),
                        CouponProgram.program_type == ProgramType.COUPONS,
                    )
                    .order_by(col(CouponProgram.id))
                ).all()
            ),
            tags=tuple(t for t in session.exec(select(RepairTag.id)).all() if t is not None),
            projects=_projects(session),
            stock_id=next(
                loc.id or 0
                for loc in locations
                if loc.usage == LocationUsage.INTERNAL and not loc.is_return_location
            ),
            customers_id=next(
                loc.id or 0 for loc in locations if loc.usage == LocationUsage.CUSTOMER
            ),
            returns_id=next(loc.id or 0 for loc in locations if loc.is_default_return),
            labour=next(
                (p for p in products if p.key == LABOUR_KEY),
                next(p for p in products if not p.goods),
            ),
        )


def _team(team: Team, n: int, agents: tuple[tuple[int, str], ...]) -> TeamInfo:
    """A team and the agents who usually take its tickets (half of them, a different half
    for each team)."""
    size = max(1, len(agents) // 2)
    members = tuple(agents[(n * 2 + k) % len(agents)][0] for k in range(size)) if agents else ()
    return TeamInfo(
        id=team.id or 0,
        refunds=team.use_refunds,
        coupons=team.use_coupons,
        returns=team.use_returns,
        repairs=team.use_repairs,
        fsm_project_id=team.fsm_project_id if team.use_field_service else None,
        agents=members,
    )


def _projects(session: Session) -> dict[int, ProjectInfo]:
    found: dict[int, ProjectInfo] = {}
    for project in session.exec(select(Project)).all():
        stages = session.exec(
            select(TaskStage)
            .where(TaskStage.project_id == project.id)
            .order_by(col(TaskStage.sequence), col(TaskStage.id))
        ).all()
        if not stages:
            continue
        done = next((s for s in stages if s.is_closed), stages[-1])
        found[project.id or 0] = ProjectInfo(
            id=project.id or 0,
            template_id=project.worksheet_template_id if project.allow_worksheets else None,
            first_stage_id=stages[0].id or 0,
            done_stage_id=done.id or 0,
        )
    return found


class Ids:
    """The next id of each generated table (ids are given, not left to the database, so that
    rows can name their parents before anything is inserted)."""

    def __init__(self, first: dict[str, int]) -> None:
        self.following = dict(first)

    def next(self, kind: str) -> int:
        value = self.following[kind]
        self.following[kind] = value + 1
        return value


class Names:
    """Document names per prefix (``S``, ``WH/OUT/``, ``INV/2026/``...), five digits or more."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        number = self.last.get(prefix, 0) + 1
        self.last[prefix] = number
        return f"{prefix}{number:05d}"

    def highest(self) -> list[str]:
        """The last name of every prefix (what ``sync_name_sequences`` needs)."""
        return [f"{prefix}{number:05d}" for prefix, number in self.last.items()]


def money(cents: int) -> str:
    return str(Decimal(cents) / 100)


@dataclass(frozen=True)
class Plan:
    """How many of each, and when: days are counted from ``first_day`` (orders start there,
    tickets ``ORDERS_LEAD_DAYS`` later); everything happens before midnight of ``today``."""

    tickets: int
    customers: int
    orders: int
    first_day: date
    days: int  # from first_day to today

    @staticmethod
    def of(tickets: int, today: date) -> Plan:
        first = today - timedelta(days=YEARS * 365 + ORDERS_LEAD_DAYS)
        return Plan(
            tickets=tickets,
            customers=max(40, tickets // 25),
            orders=max(60, tickets // 2),
            first_day=first,
            days=(today - first).days,
        )

    @property
    def end(self) -> int:
        """Midnight at the start of today, in seconds from the first day."""
        return self.days * DAY


def growth(u: float) -> float:
    """Where (0 to 1) the share ``u`` of the records falls in their period when business
    grows: three times as many at the end as at the start (density 1 + 2t, inverted)."""
    return (math.sqrt(1 + 8 * u) - 1) / 2


@dataclass(frozen=True)
class Making:
    """What the makers of generated rows share."""

    writer: BulkWriter
    catalogue: Catalogue
    plan: Plan
    stamps: Stamps
    names: Names
    ids: Ids
    rng: random.Random
