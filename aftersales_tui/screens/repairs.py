"""The Repairs list of a ticket (its smart button): open a repair, take its next step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding

from .. import formatting as fmt
from ..i18n import _
from ..services import AfterSalesError, repairs
from ..services.linked import state_label
from ..services.repairs import RepairRow, Step
from ..widgets.literal import one_line
from .confirm import ConfirmModal
from .record_list import RecordListScreen
from .repair_modal import describe, open_repair


def _question(step: Step) -> str:
    """What a step asks before it is taken."""
    return {
        Step.CONFIRM: _("Confirm {name} ({product})?"),
        Step.START: _("Start the repair {name} ({product})? A draft is confirmed first."),
        Step.END: _("End the repair {name} ({product})? It will be done."),
        Step.CANCEL: _("Cancel the repair {name} ({product})?"),
        Step.RESET: _("Set {name} ({product}) back to draft?"),
    }[step]


class RepairsScreen(RecordListScreen[RepairRow]):
    BINDINGS = [
        Binding("enter", "open", _("Open"), id="open", priority=True),
        Binding("c", "step('confirm')", _("Confirm"), id="confirm"),
        Binding("s", "step('start')", _("Start"), id="start"),
        Binding("e", "step('end')", _("End"), id="end"),
        Binding("x", "step('cancel')", _("Cancel repair"), id="cancel-repair"),
        Binding("d", "step('reset')", _("To draft"), id="reset"),
    ]
    COLUMNS = (
        ("name", _("Reference"), 10),
        ("product", _("Product"), 26),
        ("lot", _("Lot/Serial"), 12),
        ("state", _("State"), 12),
        ("date", _("Scheduled"), 10),
        ("responsible", _("Responsible"), 16),
    )

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id

    def title_text(self) -> Text:
        return self.ticket_title(_("Repairs"), self.ticket_id)

    def read_rows(self) -> list[RepairRow]:
        return repairs.for_ticket(self.desk.db, self.ticket_id)

    def cells(self, row: RepairRow) -> Sequence[Any]:
        return (
            one_line(row.name),
            one_line(row.product),
            one_line(row.lot),
            Text(state_label(row.state.value)),
            Text(fmt.day(row.schedule_date)),
            one_line(row.responsible),
        )

    def action_open(self) -> None:
        row = self.current()
        if row is not None:
            open_repair(self, row.id, self.reload)

    def action_step(self, name: str) -> None:
        """Ask, then take the step; a step the repair's state refuses is said at once."""
        row = self.current()
        if row is None:
            return
        step = Step(name)
        refused = repairs.refusal(row.name, row.state, step)
        if refused is not None:
            self.notify(refused, severity="warning")
            return
        desk = self.desk

        def answered(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                result = repairs.transition(desk.db, desk.ctx, row.id, step)
            except AfterSalesError as problem:
                self.notify(problem.message, severity="error")
            else:
                self.notify(describe(result))
            self.reload()

        question = _question(step).format(name=row.name, product=row.product or _("no product"))
        label = repairs.step_label(step, row.state)
        self.app.push_screen(ConfirmModal(row.name, question, label), answered)
