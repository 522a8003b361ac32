"""A credit note: a draft's quantities and prices can be changed (a partial refund) and posted."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from .. import formatting as fmt
from ..i18n import _
from ..services import AfterSalesError, credit_notes, ledger
from ..services.credit_notes import CreditNoteDetail, CreditNoteEdit, LineEdit
from ..widgets.literal import literal, one_line
from .action_modal import ActionModal, open_modal
from .base import desk_of


def _state(detail: CreditNoteDetail) -> str:
    from ..services.linked import state_label

    text = state_label(detail.state.value)
    if detail.scheduled:
        text += " · " + _("posts on {day}").format(day=fmt.day(detail.invoice_date))
    return text


class CreditNoteEditor(ActionModal[CreditNoteEdit]):
    SUBMIT_LABEL = _("Save")

    def __init__(
        self,
        detail: CreditNoteDetail,
        edit: CreditNoteEdit | None = None,
        error: AfterSalesError | None = None,
    ) -> None:
        super().__init__(error)
        self.detail = detail
        self._edit = edit
        self._post = False

    def window_title(self) -> str:
        return _("Credit note {name} ({state})").format(
            name=self.detail.name, state=_state(self.detail)
        )

    def fields(self) -> ComposeResult:
        detail = self.detail
        summary = Text()
        summary.append(_("Reverses") + " ", style="dim")
        summary.append_text(one_line(detail.invoice))
        summary.append(
            "  "
            + _("total {total} · this credit note may total up to {left}").format(
                total=fmt.money(detail.invoice_total), left=fmt.money(detail.refundable)
            ),
            style="dim",
        )
        summary.append("\n")
        summary.append_text(literal(detail.ref, style="dim"))
        yield Static(summary, classes="form-note")
        with Horizontal(classes="line-row line-head"):
            yield Label(_("Line"), classes="line-description")
            yield Label(_("Quantity"), classes="line-number")
            yield Label(_("Unit price"), classes="line-number")
            yield Label(_("Subtotal"), classes="line-subtotal")
        typed = {e.line_id: e for e in self._edit.lines} if self._edit else {}
        for line in detail.lines:
            quantity = typed[line.id].quantity if line.id in typed else fmt.quantity(line.quantity)
            price = typed[line.id].price_unit if line.id in typed else f"{line.price_unit:.2f}"
            with Horizontal(classes="line-row"):
                yield Static(one_line(line.description), classes="line-description")
                if detail.editable:
                    yield Input(
                        quantity, id=f"line-{line.id}-quantity", classes="line-number", compact=True
                    )
                    yield Input(
                        price, id=f"line-{line.id}-price", classes="line-number", compact=True
                    )
                else:
                    yield Static(quantity, classes="line-number")
                    yield Static(price, classes="line-number")
                yield Static("", id=f"subtotal-{line.id}", classes="line-subtotal")
            yield self.error_slot(f"line-{line.id}-quantity")
            yield self.error_slot(f"line-{line.id}-price")
        yield Static("", id="credit-total", classes="form-note")
        yield self.error_slot("lines")

    def buttons(self) -> ComposeResult:
        if self.detail.editable:
            yield Button(_("Save") + " ^s", id="submit", variant="primary", compact=True)
            yield Button(_("Save and Post"), id="save-post", compact=True)
        yield Button(_("Close") + " esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self._totals()
        if self.detail.editable and self._initial_error is None and self.detail.lines:
            self.query_one(f"#line-{self.detail.lines[0].id}-quantity").focus()

    @on(Input.Changed)
    def _typed(self) -> None:
        self._totals()

    def _typed_number(self, widget_id: str, fallback: Decimal) -> Decimal | None:
        """The number typed in an input (``None`` when unreadable)."""
        found = self.query(f"#{widget_id}")
        if not found or not isinstance(found.first(), Input):
            return fallback
        try:
            value = Decimal(found.first(Input).value.strip().replace(",", ""))
        except InvalidOperation:
            return None
        return value if value.is_finite() else None

    def _totals(self) -> None:
        """Subtotals and total as typed (the service checks them again on save)."""
        total = Decimal(0)
        readable = True
        for line in self.detail.lines:
            quantity = self._typed_number(f"line-{line.id}-quantity", line.quantity)
            price = self._typed_number(f"line-{line.id}-price", line.price_unit)
            subtotal = self.query_one(f"#subtotal-{line.id}", Static)
            if quantity is None or price is None:
                readable = False
                subtotal.update("?")
                continue
            amount = ledger.line_total(quantity, price)
            total += amount
            subtotal.update(fmt.money(amount))
        text = Text(_("Total") + " ", style="bold")
        text.append(fmt.money(total) if readable else "?", style="bold")
        if readable and total > self.detail.refundable:
            text.append(
                "  ⚠ "
                + _("more than the {left} left to refund").format(
                    left=fmt.money(self.detail.refundable)
                )
            )
        self.query_one("#credit-total", Static).update(text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save-post":
            event.stop()
            self._post = True
            self.action_submit()
            return
        self._post = False
        super().on_button_pressed(event)

    def action_submit(self) -> None:
        if not self.detail.editable:
            self.dismiss(None)
            return
        super().action_submit()

    def build_request(self) -> CreditNoteEdit:
        lines = tuple(
            LineEdit(
                line.id,
                self.query_one(f"#line-{line.id}-quantity", Input).value,
                self.query_one(f"#line-{line.id}-price", Input).value,
            )
            for line in self.detail.lines
        )
        return CreditNoteEdit(lines=lines, post=self._post)


def open_credit_note(screen: Screen[Any], credit_id: int, done: Callable[[], None]) -> None:
    desk = desk_of(screen)

    def make(edit: CreditNoteEdit | None, error: AfterSalesError | None) -> CreditNoteEditor:
        return CreditNoteEditor(credit_notes.detail(desk.db, credit_id), edit, error)

    def saved(detail: CreditNoteDetail) -> None:
        screen.notify(
            _("Credit note {name} saved ({state}, {amount})").format(
                name=detail.name, state=_state(detail), amount=fmt.money(detail.amount)
            )
        )
        done()

    open_modal(
        screen, make, lambda edit: credit_notes.save(desk.db, desk.ctx, credit_id, edit), saved
    )
