"""The "Reverse Transfer" modal (DESIGN 3.3): take goods back from a delivery of the customer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Button, Select, Static

from ..i18n import _
from ..services import AfterSalesError, returns
from ..services.returns import ReturnDefaults, ReturnRequest, ReturnScope
from ..services.stock import ReturnView
from ..widgets.return_lines import QuantityInput, ReturnLinesEditor
from .action_modal import FieldProblem, OfferModal, open_modal
from .base import desk_of
from .fields import record_select, set_choices, value_of


class ReturnModal(OfferModal[ReturnDefaults, ReturnRequest]):
    """The order narrows the deliveries; the chosen delivery's lines are edited in a table."""

    TITLE_TEXT = _("Reverse Transfer")
    BINDINGS = [
        Binding("ctrl+s", "submit", _("Return"), id="submit"),
        Binding("escape", "cancel", _("Cancel"), id="cancel"),
        Binding("a", "return_all", _("Return All"), id="return-all"),
    ]
    SUBMIT_LABEL = _("Return")

    # --- layout -----------------------------------------------------------------------

    def fields(self) -> ComposeResult:
        offer, request = self.offer, self._request
        yield Static("", id="return-note", classes="form-note")
        yield from self.form_row(
            _("Sales Order"),
            record_select("sale_order_id", offer.orders, offer.scope.sale_order_id, _("(any)")),
            shown=bool(offer.orders),
        )
        yield from self.form_row(
            _("Delivery to Return"),
            record_select("picking_id", offer.deliveries, offer.scope.picking_id, _("(choose)")),
            shown=bool(offer.deliveries),
        )
        same = request is not None and request.scope.picking_id == offer.scope.picking_id
        quantities = {q.line_id: q.quantity for q in request.lines} if request and same else None
        yield ReturnLinesEditor(offer.lines, quantities, offer.focus_line_id, id="return-lines")
        yield self.error_slot("lines")
        location = request.location_id if request else offer.location_id
        yield from self.form_row(
            _("Return Location"),
            record_select("location_id", offer.locations, location, _("(choose)")),
            shown=bool(offer.deliveries),
        )

    def buttons(self) -> ComposeResult:
        yield Button(_("Return All") + " a", id="return-all", compact=True)
        yield Button(f"{self.SUBMIT_LABEL} ^s", id="submit", variant="primary", compact=True)
        yield Button(_("Cancel") + " esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self._show_offer()
        if self._initial_error is None:
            first = "#lines" if self.offer.lines else "#picking_id"
            self.query_one(first if self.offer.deliveries else "#cancel").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Without a delivery to return, Return and Return All are shown disabled."""
        if action in ("submit", "return_all"):
            return bool(self.offer.deliveries)
        return True

    def _show_offer(self) -> None:
        """Say why nothing (or something unexpected) is offered; hide what cannot be used."""
        offer = self.offer
        text = offer.empty_reason if not offer.deliveries else offer.note
        note = self.query_one("#return-note", Static)
        note.update(Text("⚠ " + text, style="bold") if text else "")
        note.display = bool(text)
        self.query_one("#return-lines").display = bool(offer.lines)
        for widget_id in ("submit", "return-all"):
            self.query_one(f"#{widget_id}", Button).disabled = not offer.deliveries

    # --- live narrowing ---------------------------------------------------------------

    @on(Select.Changed, "#sale_order_id, #picking_id")
    def _scope_changed(self, event: Select.Changed) -> None:
        order = value_of(self.query_one("#sale_order_id", Select))
        picking = value_of(self.query_one("#picking_id", Select))
        if (order, picking) == (self.offer.scope.sale_order_id, self.offer.scope.picking_id):
            return  # a picker announcing the value it was given
        if event.select.id == "sale_order_id":
            picking = None  # another order: its latest delivery
        scope = ReturnScope(order, picking)
        desk = desk_of(self)
        location = value_of(self.query_one("#location_id", Select))
        self.offer = returns.defaults(desk.db, desk.ctx, self.offer.ticket_id, scope)
        offer = self.offer
        set_choices(self.query_one("#picking_id", Select), offer.deliveries, offer.scope.picking_id)
        keep = location if location in {c.id for c in offer.locations} else offer.location_id
        set_choices(self.query_one("#location_id", Select), offer.locations, keep)
        self.query_one(ReturnLinesEditor).load(offer.lines, None, offer.focus_line_id)
        self._hide_lines_error()
        self._show_offer()
        self.refresh_bindings()

    # --- the lines --------------------------------------------------------------------

    def show_error(self, message: str, field: str | None = None) -> None:
        """A refused quantity leaves the agent in the quantity they are typing, to fix it."""
        typing = isinstance(self.focused, QuantityInput)
        super().show_error(message, field)
        if typing and field == "lines":
            self.query_one(QuantityInput).focus()

    @on(ReturnLinesEditor.Problem)
    def _line_problem(self, event: ReturnLinesEditor.Problem) -> None:
        focused = self.focused
        self.show_error(event.message, "lines")
        if focused is not None:
            focused.focus()  # the agent stays where they are: in the quantity, or gone on

    @on(ReturnLinesEditor.Kept)
    def _line_kept(self) -> None:
        self._hide_lines_error()

    def _hide_lines_error(self) -> None:
        self.query_one("#lines-error").display = False
        self.query_one("#lines").remove_class("-invalid")

    def action_return_all(self) -> None:
        if self.offer.lines:
            self.query_one(ReturnLinesEditor).refill()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "return-all":
            event.stop()
            self.action_return_all()
            return
        super().on_button_pressed(event)

    # --- submit -----------------------------------------------------------------------

    def build_request(self) -> ReturnRequest:
        try:
            lines = self.query_one(ReturnLinesEditor).requested()
        except AfterSalesError as refused:
            raise FieldProblem(refused.message, "lines") from None
        return ReturnRequest(
            scope=ReturnScope(
                value_of(self.query_one("#sale_order_id", Select)),
                value_of(self.query_one("#picking_id", Select)),
            ),
            lines=lines,
            location_id=value_of(self.query_one("#location_id", Select)),
        )


def open_return(screen: Screen[Any], ticket_id: int, on_done: Callable[[ReturnView], None]) -> None:
    """Open Reverse Transfer for a ticket; the request goes to the returns service."""
    desk = desk_of(screen)

    def make(request: ReturnRequest | None, error: AfterSalesError | None) -> ReturnModal:
        scope = request.scope if request else None
        return ReturnModal(returns.defaults(desk.db, desk.ctx, ticket_id, scope), request, error)

    open_modal(
        screen,
        make,
        lambda request: returns.create_return(desk.db, desk.ctx, ticket_id, request),
        on_done,
    )
