"""The kinds of record linked to a ticket and their smart buttons: plain values, with no
database code, so that the screens can draw the buttons before the storage layer is loaded
(``linked`` counts them)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..i18n import _


class LinkKind(StrEnum):
    """The smart buttons, in the order they are shown."""

    CREDIT_NOTES = "credit_notes"
    COUPONS = "coupons"
    RETURNS = "returns"
    REPAIRS = "repairs"
    TASKS = "tasks"


def link_label(kind: LinkKind) -> str:
    return {
        LinkKind.CREDIT_NOTES: _("Credit Notes"),
        LinkKind.COUPONS: _("Coupons"),
        LinkKind.RETURNS: _("Returns"),
        LinkKind.REPAIRS: _("Repairs"),
        LinkKind.TASKS: _("Tasks"),
    }[kind]


def state_label(state: str) -> str:
    return {
        "draft": _("draft"),
        "posted": _("posted"),
        "cancelled": _("cancelled"),
        "valid": _("valid"),
        "used": _("used"),
        "expired": _("expired"),
        "ready": _("ready"),
        "done": _("done"),
        "confirmed": _("confirmed"),
        "under_repair": _("under repair"),
        "open": _("open"),
        "closed": _("closed"),
    }.get(state, state)


@dataclass(frozen=True)
class SmartButton:
    kind: LinkKind
    total: int
    by_state: tuple[tuple[str, int], ...]

    @property
    def label(self) -> str:
        return link_label(self.kind)

    @property
    def breakdown(self) -> str:
        """``1 draft · 2 posted``."""
        return " · ".join(f"{n} {state_label(state)}" for state, n in self.by_state)
