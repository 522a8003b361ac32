"""Reading the demo files: paths, keys, relative dates, and the summary of a load.

The JSON files are the source of truth (one file per record type). Records refer to each other
by a stable readable key (a partner's ``key``, an agent's ``login``, a document's name, a ticket's
number), never by database id. Dates are stored relative to a reference date so that the demo
looks the same whenever it is loaded: ``{"days_ago": 12}`` or ``{"in_days": 3}`` for a plain date,
``{"days_ago": 12, "time": "10:42"}`` (UTC) for a timestamp.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session

from ...i18n import _
from ..errors import AfterSalesError

Row = dict[str, Any]
K = TypeVar("K", bound=Hashable)

TICKET_MODEL = "ticket"  # Message.model of a ticket's chatter


@dataclass(frozen=True)
class DemoSummary:
    """How many records of each type the demo loaded."""

    partners: int
    users: int
    teams: int
    products: int
    lots: int
    sales_orders: int
    deliveries: int
    invoices: int
    credit_notes: int
    coupon_programs: int
    coupons: int
    returns: int
    repairs: int
    projects: int
    tasks: int
    tickets: int
    messages: int


def to_decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def to_money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


class DemoReader:
    """Reads the JSON files; remembers the id of every saved record under its readable key."""

    def __init__(self, session: Session, folder: Path, reference: date) -> None:
        self.session = session
        self.folder = folder
        self.reference = reference
        self.file = ""
        self.partners: dict[str, int] = {}
        self.users: dict[str, int] = {}
        self.user_partners: dict[str, int] = {}
        self.templates: dict[str, int] = {}
        self.projects: dict[str, int] = {}
        self.stages: dict[tuple[str, str], int] = {}
        self.teams: dict[str, int] = {}
        self.products: dict[str, int] = {}
        self.lots: dict[tuple[str, str], int] = {}
        self.locations: dict[str, int] = {}
        self.journals: dict[str, int] = {}
        self.programs: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        self.orders: dict[str, int] = {}
        self.pickings: dict[str, int] = {}
        self.invoices: dict[str, int] = {}
        self.tickets: dict[int, int] = {}
        self.names: list[str] = []
        self.counts: dict[str, int] = {}

    # -- helpers ------------------------------------------------------------------------

    def rows(self, name: str) -> list[Row]:
        self.file = f"{name}.json"
        path = self.folder / self.file
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AfterSalesError(
                _("Cannot read the demo file {path}: {reason}").format(path=path, reason=exc)
            ) from exc
        if not isinstance(data, list):
            raise AfterSalesError(_("The demo file {path} must hold a list").format(path=path))
        self.counts[name] = len(data)
        return data

    def ref(self, table: Mapping[K, int], key: K, what: str) -> int:
        try:
            return table[key]
        except KeyError:
            raise AfterSalesError(
                _("Demo file {file}: unknown {what} {key}").format(
                    file=self.file, what=what, key=repr(key)
                )
            ) from None

    def opt(self, table: Mapping[K, int], key: K | None, what: str) -> int | None:
        return None if key is None else self.ref(table, key, what)

    def lot(self, product: str, name: str | None) -> int | None:
        return None if name is None else self.ref(self.lots, (product, name), _("lot/serial"))

    def day(self, spec: Row) -> date:
        if "in_days" in spec:
            return self.reference + timedelta(days=int(spec["in_days"]))
        return self.reference - timedelta(days=int(spec["days_ago"]))

    def opt_day(self, spec: Row | None) -> date | None:
        return None if spec is None else self.day(spec)

    def moment(self, spec: Row) -> datetime:
        return datetime.combine(self.day(spec), time.fromisoformat(spec["time"]), tzinfo=UTC)

    def opt_moment(self, spec: Row | None) -> datetime | None:
        return None if spec is None else self.moment(spec)

    def save(self, records: list[Any]) -> None:
        self.session.add_all(records)
        self.session.flush()

    def index(self, records: list[Any], keys: list[K], into: dict[K, int]) -> None:
        """Remember each saved record's id under its key."""
        for record, key in zip(records, keys, strict=True):
            into[key] = record.id
