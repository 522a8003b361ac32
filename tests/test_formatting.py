"""Formatting and parsing helpers shared by every screen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from aftersales_tui import formatting as fmt

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        (" today ", TODAY),
        ("TODAY", TODAY),
        ("tomorrow", date(2026, 11, 24)),
        ("+3d", date(2026, 11, 26)),
        ("-2d", date(2026, 11, 21)),
        ("+1w", date(2026, 11, 30)),
    ],
)
def test_parse_day(text: str, expected: date) -> None:
    assert fmt.parse_day(text, TODAY) == expected


@pytest.mark.parametrize("text", ["", "  ", "yesterday-ish", "2026-13-01", "+d", "3d", "+3y"])
def test_parse_day_refuses_with_a_message(text: str) -> None:
    with pytest.raises(ValueError) as err:
        fmt.parse_day(text, TODAY)
    assert str(err.value)


def test_money_age_and_moment() -> None:
    assert fmt.money(Decimal("1240.5")) == "1,240.50"
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert fmt.age(now - timedelta(minutes=5), now) == "5m"
    assert fmt.age(now - timedelta(days=3), now) == "3d"
    assert fmt.age(now - timedelta(days=400), now) == "13mo"
    assert fmt.moment(now, UTC, TODAY) == "10:00"
    assert fmt.moment(now - timedelta(days=2), UTC, TODAY) == "Nov 21 10:00"
