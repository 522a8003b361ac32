"""Reading one value of an import file: text, numbers, dates, timestamps, yes/no, choices.

Each reader takes the cell's text (never empty: empty cells are "no value") and returns the
value to store, or raises ``BadValue`` whose message names the field and the value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from ...i18n import _

Reader = Callable[[str], Any]

# The money and quantity columns hold 11 digits before the decimal point.
NUMBER_LIMIT = Decimal(10) ** 11


class BadValue(ValueError):
    """``template`` is completed with ``field`` and ``value`` by the caller."""

    def __init__(self, template: str) -> None:
        super().__init__(template)
        self.template = template


class Text:
    """Text of at most ``max_length`` characters (any length when ``None``)."""

    def __init__(self, max_length: int | None = None) -> None:
        self.max_length = max_length

    def __call__(self, raw: str) -> str:
        if self.max_length is not None and len(raw) > self.max_length:
            raise BadValue(
                _("{field} is longer than {n} characters").replace("{n}", str(self.max_length))
            )
        return raw


text = Text


def number(raw: str) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise BadValue(_("{field} '{value}' is not a number")) from None
    if not value.is_finite():
        raise BadValue(_("{field} '{value}' is not a number"))
    if abs(value) >= NUMBER_LIMIT:
        raise BadValue(_("{field} '{value}' is too large"))
    return value


def positive(raw: str) -> Decimal:
    value = number(raw)
    if value < 0:
        raise BadValue(_("{field} '{value}' cannot be negative"))
    return value


def integer(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise BadValue(_("{field} '{value}' is not a whole number above zero"))
    return int(raw)


def day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadValue(_("{field} '{value}' is not a date (YYYY-MM-DD)")) from None


def moment(raw: str) -> datetime:
    """An ISO 8601 timestamp; without an offset it is UTC."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadValue(
            _("{field} '{value}' is not a timestamp (YYYY-MM-DDTHH:MM:SS, UTC unless an offset)")
        ) from None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


def boolean(raw: str) -> bool:
    folded = raw.lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise BadValue(_("{field} '{value}' is not true or false"))


class Choice:
    """One of the values of an enumeration."""

    def __init__(self, enum: type[StrEnum]) -> None:
        self.members = {member.value: member for member in enum}

    def __call__(self, raw: str) -> StrEnum:
        try:
            return self.members[raw]
        except KeyError:
            raise BadValue(
                _("{field} '{value}' is not one of: {choices}").replace(
                    "{choices}", ", ".join(self.members)
                )
            ) from None


choice = Choice
