"""The base of every modal that collects a request: escape, ctrl+s, inline errors.

A modal is dismissed with its typed request (``T``) or ``None`` on escape. It never
writes anything: the caller hands the request to a service. When the service refuses
it, ``open_modal`` opens the modal again with the same request and the error shown
next to its field, so nothing the agent typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Label, Static

from ..i18n import _
from ..services import AfterSalesError
from ..widgets.literal import folded, one_line

T = TypeVar("T")
R = TypeVar("R")


class TicketOffer(Protocol):
    """What an action's ``...Defaults`` says of its ticket."""

    @property
    def ticket_ref(self) -> str: ...

    @property
    def customer(self) -> str: ...


Offer = TypeVar("Offer", bound=TicketOffer)


class FieldProblem(Exception):
    """A value the form itself cannot read (e.g. a malformed date)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ActionModal(ModalScreen[T | None], Generic[T]):
    """A form in a modal window. Subclasses build ``fields()`` and ``build_request()``."""

    BINDINGS = [
        Binding("ctrl+s", "submit", _("Save"), id="submit"),
        Binding("escape", "cancel", _("Cancel"), id="cancel"),
    ]

    TITLE_TEXT = ""
    SUBMIT_LABEL = _("Save")

    def __init__(self, error: AfterSalesError | None = None) -> None:
        super().__init__()
        self._initial_error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-window"):
            yield Static(one_line(self.window_title()), classes="modal-title")
            with VerticalScroll(classes="modal-body"):
                yield from self.fields()
            yield Label("", id="form-error", classes="form-error")
            yield from self.button_rows()
        yield Footer(compact=True)

    def window_title(self) -> str:
        return self.TITLE_TEXT

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    def button_rows(self) -> ComposeResult:
        """The buttons under the form: one row of ``buttons()`` unless a modal needs more."""
        yield Horizontal(*self.buttons(), classes="modal-buttons")

    def buttons(self) -> ComposeResult:
        yield Button(f"{self.SUBMIT_LABEL} ^s", id="submit", variant="primary", compact=True)
        yield Button(_("Cancel") + " esc", id="cancel", compact=True)

    def build_request(self) -> T:
        """The typed request from the form's widgets (raise FieldProblem for unreadable input)."""
        raise NotImplementedError

    def on_mount(self) -> None:
        if self._initial_error is not None:
            self.show_error(self._initial_error.message, self._initial_error.field)

    # --- errors next to the fields ----------------------------------------------------

    def show_error(self, message: str, field: str | None = None) -> None:
        self.clear_errors()
        target = self._error_label(field)
        target.update(folded(message))
        target.display = True
        if field:
            widget = self.query(f"#{field}")
            if widget:
                widget.first().focus()
                widget.first().add_class("-invalid")

    def clear_errors(self) -> None:
        for label in self.query(".field-error, .form-error").results(Label):
            label.update("")
            label.display = False
        for widget in self.query(".-invalid"):
            widget.remove_class("-invalid")

    def _error_label(self, field: str | None) -> Label:
        if field:
            found = self.query(f"#{field}-error")
            if found:
                return found.first(Label)
        return self.query_one("#form-error", Label)

    def form_row(self, label: str, widget: Widget, *, shown: bool = True) -> ComposeResult:
        """``label`` beside ``widget`` (whose id names the field), its error slot below.

        The row's id is ``<field>-row`` so that dependent fields can show or hide it.
        """
        field = widget.id or ""
        row = Horizontal(Label(label, classes="form-label"), widget, classes="form-row")
        row.id = f"{field}-row"
        row.display = shown
        yield row
        yield self.error_slot(field)

    @staticmethod
    def error_slot(field: str) -> Label:
        """The label under a field where its error message appears."""
        label = Label("", id=f"{field}-error", classes="field-error")
        label.display = False
        return label

    # --- submit and cancel ------------------------------------------------------------

    def action_submit(self) -> None:
        try:
            request = self.build_request()
        except FieldProblem as problem:
            self.show_error(problem.message, problem.field)
            return
        self.dismiss(request)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            event.stop()
            self.action_submit()
        elif event.button.id == "cancel":
            event.stop()
            self.action_cancel()


class OfferModal(ActionModal[T], Generic[Offer, T]):
    """An action's modal: it shows what the service offers for a ticket (``offer``) and, when
    reopened after a refusal, the agent's own ``request``. Titled ``<TITLE_TEXT> — #42 Customer``.
    """

    def __init__(
        self, offer: Offer, request: T | None = None, error: AfterSalesError | None = None
    ) -> None:
        super().__init__(error)
        self.offer = offer
        self._request = request

    def window_title(self) -> str:
        return _("{action} — {ref} {customer}").format(
            action=self.TITLE_TEXT, ref=self.offer.ticket_ref, customer=self.offer.customer
        )


def open_modal(
    caller: Widget | Screen[object],
    make_modal: Callable[[T | None, AfterSalesError | None], ActionModal[T]],
    apply: Callable[[T], R],
    on_done: Callable[[R], None],
    request: T | None = None,
    error: AfterSalesError | None = None,
) -> None:
    """Open a modal; hand its request to ``apply`` (a service call); reopen it on refusal."""

    def handle(result: T | None) -> None:
        if result is None:
            return
        try:
            outcome = apply(result)
        except AfterSalesError as refused:
            open_modal(caller, make_modal, apply, on_done, result, refused)
            return
        on_done(outcome)

    caller.app.push_screen(make_modal(request, error), callback=handle)
