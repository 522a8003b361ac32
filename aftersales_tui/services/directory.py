"""The choices offered in pickers: agents, customers, products, lots, orders, teams."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product as combinations
from math import prod
from typing import Any

from sqlalchemy import ColumnElement, union_all
from sqlmodel import Session, col, select

from ..db import Database
from ..i18n import _
from ..models import Lot, OrderState, Partner, Product, SalesOrder, Team, Tracking, User
from .context import Context
from .errors import AfterSalesError

SEARCH_LIMIT = 50
PICK_LIMIT = 20  # what a record picker offers at most for what the agent typed
SPELLINGS = 8  # index ranges a search reads at most (spellings of the prefix in either case)


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


def customer_search(session: Session, prefix: str, limit: int = PICK_LIMIT) -> list[Choice]:
    """Customers (agents' own contacts excluded) whose name starts with ``prefix`` in any
    case, by name, at most ``limit``: the customer picker's matches."""
    agents_own = col(Partner.id).not_in(select(User.partner_id))
    return _starting_with(session, col(Partner.id), col(Partner.name), [agents_own], prefix, limit)


def lot_search(
    session: Session, product_id: int | None, prefix: str, limit: int = PICK_LIMIT
) -> list[Choice]:
    """Lots/serial numbers of a product whose name starts with ``prefix`` in any case."""
    if product_id is None:
        return []
    of_product = col(Lot.product_id) == product_id
    return _starting_with(session, col(Lot.id), col(Lot.name), [of_product], prefix, limit)


def find_customers(db: Database, prefix: str) -> list[Choice]:
    with db.read() as session:
        return customer_search(session, prefix)


def find_lots(db: Database, product_id: int | None, prefix: str) -> list[Choice]:
    with db.read() as session:
        return lot_search(session, product_id, prefix)


def _starting_with(
    session: Session,
    id_column: Any,
    name_column: Any,
    conditions: list[ColumnElement[bool]],
    prefix: str,
    limit: int,
) -> list[Choice]:
    """Rows meeting ``conditions`` whose name starts with ``prefix`` (letters in any case),
    by name, read through the index on the name.

    On SQLite, whose indexes order names byte by byte, a case-insensitive LIKE cannot use
    the index: the search reads one index range per spelling of the start of the prefix in
    either case (``"mar"``: ``MAR..``, ``MAr..``, ..., ``mar..``; ``"sn-0001"``: ``SN-0001..``,
    ``Sn-0001..``, ``sN-0001..``, ``sn-0001..``), at most ``SPELLINGS`` ranges, each stopping
    after ``limit`` matches, and keeps the first ``limit`` of them all.
    """
    prefix = prefix.strip()
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    match = name_column.ilike(escaped + "%", escape="\\")
    base = select(id_column.label("id"), name_column.label("name")).where(*conditions)
    if not prefix or session.get_bind().dialect.name != "sqlite":
        query = base.where(match).order_by(name_column).limit(limit)
        return [Choice(i or 0, name) for i, name in session.exec(query).all()]
    cases: list[list[str]] = []
    for char in prefix:
        case = sorted({char.lower(), char.upper()})
        if len(case) * prod(len(c) for c in cases) > SPELLINGS:
            break
        cases.append(case)
    ranges = [
        base.where(name_column >= s, name_column < s[:-1] + chr(ord(s[-1]) + 1), match)
        .order_by(name_column)
        .limit(limit)
        .subquery()
        for s in ("".join(letters) for letters in combinations(*cases))
    ]
    found = union_all(*(select(r.c.id, r.c.name) for r in ranges)).subquery()
    query = select(found.c.id, found.c.name).order_by(found.c.name).limit(limit)
    return [Choice(i or 0, name) for i, name in session.exec(query).all()]


def customer_choice(session: Session, partner_id: int | None) -> Choice | None:
    """A customer as a picker shows it, or None."""
    partner = session.get(Partner, partner_id) if partner_id is not None else None
    return None if partner is None else Choice(partner.id or 0, partner.name)


def lot_choice(session: Session, product_id: int | None, lot_id: int | None) -> Choice | None:
    """A lot as a picker shows it; None when it is not one of the product's."""
    lot = session.get(Lot, lot_id) if lot_id is not None else None
    if lot is None or lot.product_id != product_id:
        return None
    return Choice(lot.id or 0, lot.name)


def chosen_customer(db: Database, partner_id: int | None) -> Choice | None:
    """The customer a form shows for ``partner_id`` (e.g. reopened with a refused request)."""
    if partner_id is None:
        return None
    with db.read() as session:
        return customer_choice(session, partner_id)


def chosen_lot(db: Database, product_id: int | None, lot_id: int | None) -> Choice | None:
    if lot_id is None:
        return None
    with db.read() as session:
        return lot_choice(session, product_id, lot_id)


def check_lot(session: Session, product: Product, lot_id: int | None) -> None:
    """Refuse a lot/serial number that is not one of ``product``'s."""
    if lot_id is not None and lot_choice(session, product.id, lot_id) is None:
        raise AfterSalesError(
            _("This lot/serial number is not one of {product}").format(product=product.name),
            field="lot_id",
        )


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
