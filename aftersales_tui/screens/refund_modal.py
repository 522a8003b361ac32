"""The "Refund" modal: credit notes for a ticket's invoices (DESIGN 3.1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Input, Select, SelectionList, Static

from .. import formatting as fmt
from ..i18n import _
from ..services import AfterSalesError, refunds
from ..services.refunds import RefundDefaults, RefundMode, RefundRequest, RefundResult, RefundScope
from ..widgets.literal import clean, literal
from ..widgets.record_picker import RecordPicker
from .action_modal import FieldProblem, OfferModal, open_modal
from .base import desk_of
from .fields import (
    date_input,
    date_of,
    follow_product,
    lot_picker,
    record_select,
    set_choices,
    value_of,
)


class RefundModal(OfferModal[RefundDefaults, RefundRequest]):
    """Sales order, product and lot narrow the invoices offered, live; three ways to submit."""

    TITLE_TEXT = _("Refund")
    BINDINGS = [
        Binding("ctrl+s", "submit_mode('reverse')", _("Reverse"), id="submit"),
        Binding("escape", "cancel", _("Cancel"), id="cancel"),
    ]

    def __init__(
        self,
        offer: RefundDefaults,
        request: RefundRequest | None = None,
        error: AfterSalesError | None = None,
    ) -> None:
        super().__init__(offer, request, error)
        self._mode = RefundMode.REVERSE

    # --- layout -----------------------------------------------------------------------

    def fields(self) -> ComposeResult:
        offer, request = self.offer, self._request
        chosen = request.invoice_ids if request else offer.invoice_ids
        yield from self.form_row(
            _("Sales Order"),
            record_select("sale_order_id", offer.orders, offer.scope.sale_order_id),
        )
        yield from self.form_row(
            _("Product"), record_select("product_id", offer.products, offer.scope.product_id)
        )
        yield from self.form_row(
            _("Lot/Serial"),
            lot_picker("lot_id", desk_of(self).db, offer.scope.product_id, offer.lot),
            shown=offer.lot_visible,
        )
        yield from self.form_row(
            _("Invoices to Refund"),
            SelectionList[int](
                *[(clean(i.label), i.id, i.id in chosen) for i in offer.invoices],
                id="invoice_ids",
                compact=True,
            ),
        )
        yield Static("", id="empty-reason", classes="form-note")
        yield from self.form_row(
            _("Reason"),
            Input(request.reason if request else offer.reason, id="reason", compact=True),
        )
        journal = request.journal_id if request else offer.journal_id
        yield from self.form_row(
            _("Journal"), record_select("journal_id", offer.journals, journal, blank="")
        )
        day = request.reversal_date if request else offer.reversal_date
        yield from self.form_row(_("Reversal Date"), date_input("reversal_date", day))
        yield Static("", id="refund-notes", classes="form-note")

    def button_rows(self) -> ComposeResult:
        """The three ways to refund on one row, Cancel under them (as in the guide)."""
        yield Horizontal(*self.buttons(), classes="modal-buttons")
        yield Horizontal(
            Button(_("Cancel") + " esc", id="cancel", compact=True), classes="modal-buttons"
        )

    def buttons(self) -> ComposeResult:
        for mode in RefundMode:
            label = refunds.mode_label(mode)
            if mode == RefundMode.REVERSE:
                label += " ^s"
            yield Button(
                label,
                id=f"mode-{mode.value}",
                variant="primary" if mode == RefundMode.REVERSE else "default",
                compact=True,
            )

    def on_mount(self) -> None:
        super().on_mount()
        self._show_offer()
        if self._initial_error is None:
            first = "#invoice_ids" if self.offer.invoices else "#sale_order_id"
            self.query_one(first).focus()

    # --- live narrowing ---------------------------------------------------------------

    @on(Select.Changed, "#sale_order_id, #product_id")
    @on(RecordPicker.Changed, "#lot_id")
    def _scope_changed(self) -> None:
        product = value_of(self.query_one("#product_id", Select))
        lot = self.query_one("#lot_id", RecordPicker).value
        if product != self.offer.scope.product_id:
            lot = None  # a lot belongs to one product
        scope = RefundScope(value_of(self.query_one("#sale_order_id", Select)), product, lot)
        if scope == self.offer.scope:
            return  # a picker announcing the value it was given
        desk = desk_of(self)
        self.offer = refunds.defaults(desk.db, desk.ctx, self.offer.ticket_id, scope)
        offer = self.offer
        set_choices(self.query_one("#sale_order_id", Select), offer.orders, scope.sale_order_id)
        follow_product(self.query_one("#lot_id", RecordPicker), desk.db, product, offer.lot)
        self.query_one("#lot_id-row").display = offer.lot_visible
        invoices = self.query_one("#invoice_ids", SelectionList)
        with invoices.prevent(SelectionList.SelectedChanged):
            invoices.clear_options()
            invoices.add_options(
                [(clean(i.label), i.id, i.id in offer.invoice_ids) for i in offer.invoices]
            )
        self._follow_invoices()
        self._show_offer()

    @on(SelectionList.SelectedChanged, "#invoice_ids")
    def _invoices_changed(self) -> None:
        self._follow_invoices()
        self._show_notes()

    def _follow_invoices(self) -> None:
        """The journal follows the first chosen invoice, as in the guide."""
        journal = self.offer.journal_for(self._chosen())
        if journal is not None:
            select = self.query_one("#journal_id", Select)
            with select.prevent(Select.Changed):
                select.value = journal

    @on(Input.Changed, "#reversal_date")
    def _date_changed(self) -> None:
        self._show_notes()

    def _chosen(self) -> tuple[int, ...]:
        return tuple(self.query_one("#invoice_ids", SelectionList).selected)

    def _show_offer(self) -> None:
        reason = self.offer.empty_reason if not self.offer.invoices else None
        empty = self.query_one("#empty-reason", Static)
        empty.update(Text("⚠ " + reason, style="bold") if reason else "")
        empty.display = bool(reason)
        self.query_one("#invoice_ids-row").display = bool(self.offer.invoices)
        self._show_notes()

    def _show_notes(self) -> None:
        """What the modal must say: paid invoices (only Reverse), a date in the future."""
        refused = refunds.refused_modes(self.offer.invoices, self._chosen())
        for mode in RefundMode:
            button = self.query_one(f"#mode-{mode.value}", Button)
            button.disabled = not self.offer.invoices or mode in refused
        notes = list(dict.fromkeys(refused.values()))
        try:
            day = fmt.parse_day(self.query_one("#reversal_date", Input).value, self.today)
        except ValueError:
            day = None
        if day is not None:
            note = refunds.schedule_note(day, self.today, RefundMode.FULL_REFUND)
            if note:
                notes.append(note)
        text = Text()
        for note in notes:
            text.append("⚠ ")
            text.append_text(literal(note))
            text.append("\n")
        text.rstrip()
        widget = self.query_one("#refund-notes", Static)
        widget.update(text)
        widget.display = bool(notes)

    @property
    def today(self) -> date:
        return desk_of(self).ctx.today()

    # --- submit -----------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("mode-"):
            event.stop()
            self.action_submit_mode(button_id.removeprefix("mode-"))
            return
        super().on_button_pressed(event)

    def action_submit_mode(self, mode: str) -> None:
        self._mode = RefundMode(mode)
        self.action_submit()

    def build_request(self) -> RefundRequest:
        reason = self.query_one("#reason", Input).value
        if not reason.strip():
            raise FieldProblem(_("Give a reason for the credit note"), "reason")
        return RefundRequest(
            invoice_ids=self._chosen(),
            reason=reason,
            journal_id=value_of(self.query_one("#journal_id", Select)),
            reversal_date=date_of(self.query_one("#reversal_date", Input), self.today),
            mode=self._mode,
            scope=RefundScope(
                value_of(self.query_one("#sale_order_id", Select)),
                value_of(self.query_one("#product_id", Select)),
                self.query_one("#lot_id", RecordPicker).value
                if self.query_one("#lot_id-row").display
                else None,
            ),
        )


def open_refund(
    screen: Screen[Any], ticket_id: int, on_done: Callable[[RefundResult], None]
) -> None:
    """Open Refund for a ticket; the request goes to the refunds service."""
    desk = desk_of(screen)

    def make(request: RefundRequest | None, error: AfterSalesError | None) -> RefundModal:
        scope = request.scope if request else None
        return RefundModal(refunds.defaults(desk.db, desk.ctx, ticket_id, scope), request, error)

    open_modal(
        screen,
        make,
        lambda request: refunds.create_refund(desk.db, desk.ctx, ticket_id, request),
        on_done,
    )


def describe(result: RefundResult) -> str:
    """One line for the agent once the refund is written."""
    names = ", ".join(result.credit_note_names)
    if result.scheduled and not result.posted:
        return _("Credit note {names} created in draft").format(names=names)
    if result.posted:
        text = _("Credit note {names} posted and reconciled").format(names=names)
        if result.new_invoice_id is not None:
            text += " · " + _("a draft invoice was created for the correction")
        return text
    return _("Credit note {names} created in draft").format(names=names)
