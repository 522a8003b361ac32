"""The choices offered in pickers: agents, customers, products, lots, orders, teams."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..i18n import _
from ..models import Lot, OrderState, Partner, Product, SalesOrder, Team, Tracking, User
from .context import Context
from .errors import AfterSalesError

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class Choice:
    """One option of a picker: the id it stands for and what the agent reads."""

    id: int
    label: str


def agents(session: Session) -> list[Choice]:
    rows = session.exec(select(User).order_by(col(User.name))).all()
    return [Choice(u.id or 0, u.name) for u in rows]


def teams(session: Session) -> list[Choice]:
    rows = session.exec(select(Team).order_by(col(Team.name))).all()
    return [Choice(t.id or 0, t.name) for t in rows]


def customers(session: Session, search: str = "", limit: int = SEARCH_LIMIT) -> list[Choice]:
    """Customers (agents' own contacts excluded), by name."""
    agent_partners = select(User.partner_id)
    query = select(Partner).where(col(Partner.id).not_in(agent_partners))
    if search.strip():
        query = query.where(col(Partner.name).ilike(f"%{search.strip()}%"))
    rows = session.exec(query.order_by(col(Partner.name)).limit(limit)).all()
    return [Choice(p.id or 0, p.name) for p in rows]


def products(session: Session, search: str = "", limit: int = SEARCH_LIMIT) -> list[Choice]:
    query = select(Product)
    if search.strip():
        pattern = f"%{search.strip()}%"
        query = query.where(
            col(Product.name).ilike(pattern) | col(Product.default_code).ilike(pattern)
        )
    rows = session.exec(query.order_by(col(Product.name)).limit(limit)).all()
    return [Choice(p.id or 0, _product_label(p)) for p in rows]


def _product_label(product: Product) -> str:
    return f"[{product.default_code}] {product.name}" if product.default_code else product.name


def lots(session: Session, product_id: int | None) -> list[Choice]:
    if product_id is None:
        return []
    rows = session.exec(
        select(Lot).where(Lot.product_id == product_id).order_by(col(Lot.name))
    ).all()
    return [Choice(lot.id or 0, lot.name) for lot in rows]


def is_tracked(session: Session, product_id: int | None) -> bool:
    if product_id is None:
        return False
    product = session.get(Product, product_id)
    return product is not None and product.tracking != Tracking.NONE


def sales_orders(session: Session, partner_id: int | None) -> list[Choice]:
    """A customer's confirmed orders, newest first."""
    if partner_id is None:
        return []
    rows = session.exec(
        select(SalesOrder)
        .where(SalesOrder.partner_id == partner_id, SalesOrder.state == OrderState.CONFIRMED)
        .order_by(col(SalesOrder.date_order).desc(), col(SalesOrder.id).desc())
    ).all()
    return [Choice(o.id or 0, o.name) for o in rows]


def current_agent(session: Session, ctx: Context) -> User:
    if ctx.user_id is None:
        raise AfterSalesError(_("No agent is signed in"))
    user = session.get(User, ctx.user_id)
    if user is None:
        raise AfterSalesError(_("The signed-in agent no longer exists"))
    return user


def find_agent(session: Session, login: str) -> User | None:
    return session.exec(select(User).where(User.login == login)).first()


def first_agent(session: Session) -> User | None:
    return session.exec(select(User).order_by(col(User.id))).first()


def ensure_agent(session: Session, login: str, name: str | None = None) -> User:
    """The agent with ``login``, created (with a contact) when the database has none yet."""
    found = find_agent(session, login)
    if found is not None:
        return found
    partner = Partner(name=name or login)
    session.add(partner)
    session.flush()
    user = User(login=login, name=name or login, partner_id=partner.id or 0)
    session.add(user)
    session.flush()
    return user


def follower_candidates(session: Session, current: tuple[int, ...] = ()) -> list[Choice]:
    """Who can follow a ticket in the form: every agent, plus the current followers."""
    found: dict[int, str] = {}
    for user in session.exec(select(User)).all():
        found[user.partner_id] = user.name
    if current:
        for partner in session.exec(select(Partner).where(col(Partner.id).in_(current))).all():
            found[partner.id or 0] = partner.name
    return sorted((Choice(pid, name) for pid, name in found.items()), key=lambda c: c.label)


def partner_name(session: Session, partner_id: int | None) -> str:
    if partner_id is None:
        return ""
    partner = session.get(Partner, partner_id)
    return partner.name if partner is not None else ""
