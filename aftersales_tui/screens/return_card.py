"""One return receipt: where the goods come from and go, its lines, and Validate when ready."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Static

from .. import formatting as fmt
from ..i18n import _
from ..models import PickingState
from ..services import AfterSalesError, returns
from ..services.linked import state_label
from ..services.stock import ReturnView
from ..widgets.literal import literal, one_line
from .base import desk_of
from .confirm import ConfirmModal


def when(screen: Screen[Any], moment: datetime | None) -> str:
    """A receipt's timestamp in the agent's time zone."""
    if moment is None:
        return ""
    ctx = desk_of(screen).ctx
    return fmt.moment(moment, ctx.tz, ctx.today())


def confirm_validate(
    screen: Screen[Any], receipt: ReturnView, done: Callable[[ReturnView | None], None]
) -> None:
    """Ask, then mark a ready return done; ``done`` gets the receipt as it is now."""
    if receipt.state != PickingState.READY:
        screen.notify(
            _("{name} is {state}: only a ready return can be validated").format(
                name=receipt.name, state=state_label(receipt.state.value)
            ),
            severity="warning",
        )
        return

    def answered(confirmed: bool | None) -> None:
        if not confirmed:
            return
        desk = desk_of(screen)
        try:
            validated = returns.validate(desk.db, desk.ctx, receipt.id)
        except AfterSalesError as refused:
            screen.notify(refused.message, severity="error")
            done(None)
            return
        screen.notify(_("Return {name} validated").format(name=validated.name))
        done(validated)

    question = _("Validate {name}: {items} received at {destination}?").format(
        name=receipt.name, items=receipt.summary, destination=receipt.destination
    )
    screen.app.push_screen(ConfirmModal(receipt.name, question, _("Validate")), answered)


class ReturnCard(ModalScreen[None]):
    BINDINGS = [
        Binding("v", "validate", _("Validate"), id="validate"),
        Binding("escape,q", "close", _("Close"), id="close"),
    ]

    def __init__(self, receipt: ReturnView) -> None:
        super().__init__()
        self.receipt = receipt

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-window return-window"):
            yield Static(classes="modal-title", id="return-title")
            yield Static(id="return-details", classes="return-details")
            yield Static(id="return-items", classes="return-items")
            with Horizontal(classes="modal-buttons"):
                yield Button(_("Validate") + " v", id="validate", variant="primary", compact=True)
                yield Button(_("Close") + " esc", id="close", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        receipt = self.receipt
        title = _("Return {name} · {state}").format(
            name=receipt.name, state=state_label(receipt.state.value)
        )
        self.query_one("#return-title", Static).update(one_line(title))
        details = Table.grid(padding=(0, 2))
        details.add_column(style="dim", no_wrap=True)
        details.add_column()
        details.add_row(_("Origin"), literal(receipt.origin))
        details.add_row(_("From"), literal(receipt.source))
        details.add_row(_("To"), literal(receipt.destination))
        details.add_row(_("Created"), when(self, receipt.created_at))
        if receipt.date_done is not None:
            details.add_row(_("Received"), when(self, receipt.date_done))
        self.query_one("#return-details", Static).update(details)
        items = Table(box=None, padding=(0, 1), show_edge=False, expand=True)
        items.add_column(_("Product"), ratio=1, no_wrap=True, overflow="ellipsis")
        items.add_column(_("Lot/Serial"), no_wrap=True)
        items.add_column(_("Quantity"), justify="right", no_wrap=True)
        for item in receipt.items:
            items.add_row(literal(item.product), literal(item.lot), fmt.quantity(item.quantity))
        self.query_one("#return-items", Static).update(items)
        self.query_one("#validate", Button).display = receipt.state == PickingState.READY

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "validate":
            return self.receipt.state == PickingState.READY
        return True

    def action_validate(self) -> None:
        def validated(receipt: ReturnView | None) -> None:
            if receipt is not None:
                self.receipt = receipt
                self._show()
                self.refresh_bindings()

        confirm_validate(self, self.receipt, validated)

    def action_close(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "validate":
            self.action_validate()
        else:
            self.action_close()
