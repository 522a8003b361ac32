"""The "Create a Field Service task" modal (DESIGN 3.5), opened by Plan Intervention."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static

from ..i18n import _
from ..services import AfterSalesError, directory, field_service
from ..services.directory import Choice
from ..services.field_service import FieldServiceDefaults, TaskRequest, TaskView
from ..widgets.literal import literal
from ..widgets.record_picker import RecordPicker
from .action_modal import ActionModal, open_modal
from .base import desk_of
from .fields import customer_picker, record_select, value_of


class FieldServiceModal(ActionModal[TaskRequest]):
    """Title, project, customer and, for a project with worksheets, its template."""

    BINDINGS = [
        Binding("ctrl+s", "submit", _("Create Task"), id="submit"),
        Binding("escape", "cancel", _("Cancel"), id="cancel"),
    ]
    SUBMIT_LABEL = _("Create Task")

    def __init__(
        self,
        offer: FieldServiceDefaults,
        request: TaskRequest | None = None,
        error: AfterSalesError | None = None,
    ) -> None:
        super().__init__(error)
        self.offer = offer
        self._request = request
        self._and_view = False

    def window_title(self) -> str:
        offer = self.offer
        customer = offer.customer.label if offer.customer is not None else ""
        return _("Create a Field Service task — {ref} {customer}").format(
            ref=offer.ticket_ref, customer=customer
        )

    def fields(self) -> ComposeResult:
        offer, request = self.offer, self._request
        note = offer.empty_reason or offer.project_note
        if note:
            note_text = Text("⚠ ", style="bold")
            note_text.append_text(literal(note, style="bold"))
            yield Static(note_text, id="project-note", classes="form-note")
        yield from self.form_row(
            _("Title"),
            Input(request.title if request else offer.title, id="title", compact=True),
        )
        project = request.project_id if request else offer.project_id
        yield from self.form_row(
            _("Project"),
            record_select(
                "project_id",
                [Choice(p.id, p.label) for p in offer.projects],
                project,
                _("(choose)"),
            ),
            shown=bool(offer.projects),
        )
        db = desk_of(self).db
        customer = offer.customer
        if request is not None and request.partner_id != offer.partner_id:
            customer = directory.chosen_customer(db, request.partner_id)
        yield from self.form_row(
            _("Customer"), customer_picker("partner_id", db, customer, _("(choose)"))
        )
        shown, template = offer.template_for(project)
        if request is not None:
            template = request.worksheet_template_id
        yield from self.form_row(
            _("Worksheet Template"),
            record_select("worksheet_template_id", offer.templates, template),
            shown=shown,
        )

    def buttons(self) -> ComposeResult:
        yield Button(f"{self.SUBMIT_LABEL} ^s", id="submit", variant="primary", compact=True)
        yield Button(_("Create & View Task"), id="submit-view", compact=True)
        yield Button(_("Cancel") + " esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        # Without any field-service project, creating can only fail: the note says why.
        for button in ("#submit", "#submit-view"):
            self.query_one(button).disabled = not self.offer.projects
        if self._initial_error is None:
            # Without a default project, the project is what the agent must choose first.
            choose = self.offer.projects and self.offer.project_id is None
            self.query_one("#project_id" if choose else "#title").focus()

    @on(Select.Changed, "#project_id")
    def _project_changed(self, event: Select.Changed) -> None:
        """The Worksheet Template row follows the project: shown with its default, or gone."""
        shown, template = self.offer.template_for(value_of(event.select))
        self.query_one("#worksheet_template_id-row").display = shown
        select = self.query_one("#worksheet_template_id", Select)
        with select.prevent(Select.Changed):
            select.value = template if template is not None else Select.NULL

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit-view":
            event.stop()
            self._and_view = True
            self.action_submit()
            return
        self._and_view = False
        super().on_button_pressed(event)

    def action_submit(self) -> None:
        if not self.offer.projects:
            return
        super().action_submit()

    def build_request(self) -> TaskRequest:
        template_shown = bool(self.query_one("#worksheet_template_id-row").display)
        return TaskRequest(
            title=self.query_one("#title", Input).value,
            project_id=value_of(self.query_one("#project_id", Select)),
            partner_id=self.query_one("#partner_id", RecordPicker).value,
            worksheet_template_id=value_of(self.query_one("#worksheet_template_id", Select))
            if template_shown
            else None,
            and_view=self._and_view,
        )


def open_field_service(
    screen: Screen[Any], ticket_id: int, on_done: Callable[[TaskView, bool], None]
) -> None:
    """Open the modal for a ticket; ``on_done`` gets the task and whether to view it."""
    desk = desk_of(screen)

    def make(request: TaskRequest | None, error: AfterSalesError | None) -> FieldServiceModal:
        return FieldServiceModal(
            field_service.defaults(desk.db, desk.ctx, ticket_id), request, error
        )

    def create(request: TaskRequest) -> tuple[TaskView, bool]:
        return field_service.create_task(desk.db, desk.ctx, ticket_id, request), request.and_view

    open_modal(screen, make, create, lambda created: on_done(*created))
