"""The one place dates, times, amounts and labels are formatted for the agent."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal

from .enums import Priority, Stage
from .i18n import _, ngettext


def money(amount: Decimal) -> str:
    """``1240.5`` -> ``1,240.50``."""
    return f"{amount:,.2f}"


def quantity(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def moment(value: datetime, tz: tzinfo, today: date) -> str:
    """A timestamp in the agent's zone: the time today, else the date and time."""
    local = value.astimezone(tz)
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%b %d %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def age(since: datetime, now: datetime) -> str:
    """How long ago, compactly: ``5m``, ``3h``, ``2d``, ``4mo``, ``2y``."""
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 3600:
        return _("{n}m").format(n=seconds // 60)
    if seconds < 86400:
        return _("{n}h").format(n=seconds // 3600)
    days = seconds // 86400
    if days < 60:
        return _("{n}d").format(n=days)
    if days < 730:
        return _("{n}mo").format(n=days // 30)
    return _("{n}y").format(n=days // 365)


def stage_label(stage: Stage) -> str:
    return {
        Stage.NEW: _("New"),
        Stage.IN_PROGRESS: _("In Progress"),
        Stage.ON_HOLD: _("On Hold"),
        Stage.SOLVED: _("Solved"),
        Stage.CANCELLED: _("Cancelled"),
    }[Stage(stage)]


def priority_label(priority: Priority) -> str:
    return {
        Priority.LOW: _("Low"),
        Priority.MEDIUM: _("Medium"),
        Priority.HIGH: _("High"),
        Priority.URGENT: _("Urgent"),
    }[Priority(priority)]


def priority_stars(priority: Priority) -> str:
    return "★" * int(Priority(priority).value)


def ticket_ref(number: int) -> str:
    return f"#{number}"


def ticket_count(n: int, *, capped: bool = False) -> str:
    """``1 ticket``, ``1,234 tickets``, or ``10,000+ tickets`` when counting stopped there."""
    if capped:
        return _("{n}+ tickets").format(n=f"{n:,}")
    return ngettext("{n} ticket", "{n} tickets", n).format(n=f"{n:,}")


def parse_day(text: str, today: date) -> date:
    """A date as agents type it: ``2026-11-23``, ``today``, ``tomorrow``, ``+3d``, ``-1w``.

    Raises ``ValueError`` with a message for the agent.
    """
    value = text.strip().lower()
    if not value:
        raise ValueError(_("Enter a date"))
    if value in ("today", _("today")):
        return today
    if value in ("tomorrow", _("tomorrow")):
        return today + timedelta(days=1)
    if value[0] in "+-" and len(value) > 2 and value[-1] in "dw" and value[1:-1].isdigit():
        days = int(value[1:-1]) * (7 if value[-1] == "w" else 1)
        return today + timedelta(days=days if value[0] == "+" else -days)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            _("Not a date: {text} (use 2026-11-23, today, +3d)").format(text=text.strip())
        ) from None
