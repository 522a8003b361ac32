"""Plan a field-service task for a day (blank: not planned)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from .. import formatting as fmt
from ..i18n import _
from ..services import AfterSalesError
from .action_modal import ActionModal, FieldProblem
from .base import desk_of


@dataclass(frozen=True)
class PlannedDate:
    """The day the agent typed; ``None`` clears the planned date."""

    day: date | None


class PlannedDateModal(ActionModal[PlannedDate]):
    BINDINGS = [
        Binding("ctrl+s", "submit", _("Plan"), id="submit"),
        Binding("escape", "cancel", _("Cancel"), id="cancel"),
    ]
    SUBMIT_LABEL = _("Plan")

    def __init__(
        self, title: str, current: PlannedDate, error: AfterSalesError | None = None
    ) -> None:
        super().__init__(error)
        self._title = title
        self._current = current

    def window_title(self) -> str:
        return self._title

    def fields(self) -> ComposeResult:
        yield from self.form_row(
            _("Planned Date"),
            Input(
                fmt.day(self._current.day),
                id="planned_date",
                compact=True,
                placeholder=_("blank: not planned · 2026-11-30, tomorrow, +3d"),
                max_length=32,
            ),
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#planned_date").focus()

    def build_request(self) -> PlannedDate:
        text = self.query_one("#planned_date", Input).value
        if not text.strip():
            return PlannedDate(None)
        try:
            return PlannedDate(fmt.parse_day(text, desk_of(self).ctx.today()))
        except ValueError as problem:
            raise FieldProblem(str(problem), "planned_date") from None
