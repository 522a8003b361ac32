"""Column types shared by every record: UTC timestamps and money."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

MONEY = Numeric(14, 2, asdecimal=True)
QUANTITY = Numeric(14, 3, asdecimal=True)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    Naive datetimes are refused on the way in; values come back aware (UTC),
    even from SQLite, which stores them without an offset.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def zero() -> Decimal:
    return Decimal("0")


def enum_type(enum: type[Any]) -> Any:
    """A portable enum column: a short VARCHAR holding the member's value."""
    from sqlalchemy import Enum

    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class caseless(FunctionElement[str]):  # noqa: N801 (used like a SQL function)
    """Text ordered and compared without regard to case, the way each backend can index it:
    SQLite by its NOCASE collation, a server by ``lower()``."""

    type = String()
    name = "caseless"
    inherit_cache = True


@compiles(caseless, "sqlite")
def _caseless_sqlite(element: caseless, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.clauses, **kw)} COLLATE NOCASE"


@compiles(caseless)
def _caseless_lower(element: caseless, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"
