"""The "Repair Reference" modal (DESIGN 3.4): a new repair from a ticket, or an existing one.

The header holds the repair's fields, two tabs hold its parts and its notes. A new repair is
confirmed (ctrl+s), quoted or saved as a draft; an existing one is saved (ctrl+s) and moved
along its steps. A repair that is done or cancelled is shown read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from ..db import Database
from ..i18n import _
from ..models import InvoiceMethod
from ..services import AfterSalesError, repairs
from ..services.directory import Choice
from ..services.linked import state_label
from ..services.repairs import (
    RepairDefaults,
    RepairRequest,
    RepairResult,
    RepairScope,
    Step,
)
from ..widgets.literal import literal
from ..widgets.parts_table import PartsTable
from ..widgets.record_picker import RecordPicker
from ..widgets.tag_suggester import TagSuggester
from .action_modal import ActionModal, open_modal
from .base import desk_of
from .fields import (
    customer_picker,
    date_input,
    date_of,
    follow_product,
    lot_picker,
    record_select,
    set_choices,
    value_of,
)

Reoffer = Callable[[RepairScope], RepairDefaults]


class RepairModal(ActionModal[RepairRequest]):
    BINDINGS = [
        Binding("ctrl+s", "submit", _("Confirm Repair"), id="submit"),
        Binding("escape", "cancel", _("Cancel"), id="cancel"),
        Binding("ctrl+n", "add_part", _("Add part"), id="add-part"),
        Binding("ctrl+r", "remove_part", _("Remove part"), id="remove-part"),
        Binding("ctrl+t", "switch_tab", _("Parts/Notes"), id="switch-tab"),
        Binding("f1", "help", _("Help"), id="help"),
    ]

    def __init__(
        self,
        offer: RepairDefaults,
        reoffer: Reoffer,
        request: RepairRequest | None = None,
        error: AfterSalesError | None = None,
    ) -> None:
        super().__init__(error)
        self.offer = offer
        self._reoffer = reoffer
        self._values = request or offer.initial
        self._scope = self._values.scope
        self._customer = offer.customer  # the request's, when reopened with one (offer's scope)
        self._step = offer.steps[0]

    def window_title(self) -> str:
        offer = self.offer
        head = _("Repair Reference")
        if offer.repair_id is not None:
            head += f" {offer.name} · {state_label(offer.state.value)}"
            if offer.quotation:
                head += " · " + _("quotation {order}").format(order=offer.quotation)
        customer = self._customer.label if self._customer is not None else ""
        return f"{head} — {offer.ticket_ref} {customer}".rstrip()

    # --- layout -----------------------------------------------------------------------

    def fields(self) -> ComposeResult:
        offer, values = self.offer, self._values
        products = [Choice(p.id, p.label) for p in offer.products]
        # The offer's lot is the scope's or its return's; a request reopened keeps its own.
        lot = offer.lot if offer.lot is not None and offer.lot.id == values.lot_id else None
        locked = repairs.refusal(offer.name, offer.state, Step.SAVE) if offer.repair_id else None
        if locked:
            yield Static(Text("⚠ ").append_text(literal(locked)), classes="form-note")
        with Horizontal(classes="repair-header"):
            with Vertical(classes="repair-column"):
                yield from self.form_row(
                    _("Customer"), customer_picker("partner_id", self._db, offer.customer)
                )
                yield from self.form_row(
                    _("Product to Repair"), record_select("product_id", products, values.product_id)
                )
                yield from self.form_row(
                    _("Lot/Serial"),
                    lot_picker("lot_id", self._db, values.product_id, lot, blank=_("(choose)")),
                    shown=offer.lot_visible,
                )
                yield from self.form_row(
                    _("Return"), record_select("return_id", offer.returns, values.return_id)
                )
                yield from self.form_row(
                    _("Under Warranty"),
                    Checkbox(
                        _("parts at no charge"),
                        values.under_warranty,
                        id="under_warranty",
                        compact=True,
                    ),
                )
            with Vertical(classes="repair-column -right"):
                yield from self.form_row(
                    _("Scheduled Date"), date_input("schedule_date", values.schedule_date)
                )
                yield from self.form_row(
                    _("Responsible"),
                    record_select("user_id", offer.agents, values.user_id, blank=_("(nobody)")),
                )
                yield from self.form_row(
                    _("Tags"),
                    Input(
                        ", ".join(values.tags),
                        id="tags",
                        compact=True,
                        suggester=TagSuggester(offer.tags),
                        placeholder=_("e.g. Warranty, Urgent"),
                    ),
                )
                methods = [(repairs.invoice_method_label(m), m.value) for m in InvoiceMethod]
                method = values.invoice_method.value if values.invoice_method else Select.NULL
                yield from self.form_row(
                    _("Invoice Method"),
                    Select(
                        methods,
                        value=method,
                        id="invoice_method",
                        prompt=_("(not set)"),
                        compact=True,
                    ),
                )
        yield from self.form_row(
            _("Description"),
            Input(values.description, id="description", compact=True, max_length=500),
        )
        with TabbedContent(id="repair-tabs"):
            with TabPane(_("Parts"), id="parts-tab"):
                yield PartsTable(
                    offer.products,
                    values.parts,
                    under_warranty=values.under_warranty,
                    id="parts-table",
                )
            with TabPane(_("Repair Notes"), id="notes-tab"):
                yield TextArea(
                    values.internal_notes,
                    id="internal_notes",
                    soft_wrap=True,
                    show_line_numbers=False,
                    compact=True,
                )

    def buttons(self) -> ComposeResult:
        offer = self.offer
        for index, step in enumerate(offer.steps):
            label = repairs.step_label(step, offer.state)
            primary = index == 0 and offer.editable
            yield Button(
                label + (" ^s" if primary else ""),
                id=f"step-{step.value}",
                variant="primary" if primary else "default",
                compact=True,
            )
        closing = _("Cancel") if offer.repair_id is None else _("Close")
        yield Button(closing + " esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.clear_errors()  # no empty error line under the form until there is an error
        super().on_mount()
        if not self.offer.editable:
            fields = ".modal-body Select, .modal-body Input, .modal-body RecordPicker"
            for widget in self.query(f"{fields}, #under_warranty"):
                widget.disabled = True
            self.query_one("#internal_notes", TextArea).read_only = True
            self.query_one(PartsTable).freeze()
        if self._initial_error is None:
            self.query_one("#partner_id" if self.offer.editable else "#repair-tabs").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Saving and changing parts only while the repair can change."""
        if action in ("submit", "add_part", "remove_part"):
            return self.offer.editable
        return True

    # --- fields that follow others ----------------------------------------------------

    @on(Select.Changed, "#product_id")
    @on(RecordPicker.Changed, "#partner_id")
    def _scope_changed(self) -> None:
        partner = self.query_one("#partner_id", RecordPicker).value
        product = value_of(self.query_one("#product_id", Select))
        if (partner, product) == (self._scope.partner_id, self._scope.product_id):
            return  # a picker announcing the value it was given
        lots = self.query_one("#lot_id", RecordPicker)
        lot = lots.value if product == self._scope.product_id else None
        self._scope = RepairScope(partner, product, lot)
        offer = self._reoffer(self._scope)
        self._customer = offer.customer
        follow_product(lots, self._db, product, offer.lot)
        self.query_one("#lot_id-row").display = offer.lot_visible
        set_choices(self.query_one("#return_id", Select), offer.returns, offer.initial.return_id)

    @on(Checkbox.Changed, "#under_warranty")
    def _warranty_changed(self, event: Checkbox.Changed) -> None:
        self.query_one(PartsTable).reprice(event.value)

    # --- parts and tabs ---------------------------------------------------------------

    async def action_add_part(self) -> None:
        if self.offer.editable:
            self.query_one(TabbedContent).active = "parts-tab"
            await self.query_one(PartsTable).add_line()

    async def action_remove_part(self) -> None:
        if not await self.query_one(PartsTable).remove_focused(self.focused):
            self.show_error(_("Move to the part line to remove first (tab)"), "parts")

    def action_switch_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = "notes-tab" if tabs.active == "parts-tab" else "parts-tab"
        tabs.query_one("Tabs").focus()

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def show_error(self, message: str, field: str | None = None) -> None:
        """The error next to its field, on whichever tab holds it."""
        if field:
            for widget in self.query(f"#{field}"):
                pane = next((a for a in widget.ancestors if isinstance(a, TabPane)), None)
                if pane is not None and pane.id:
                    self.query_one(TabbedContent).active = pane.id
        super().show_error(message, field)

    # --- submit -----------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("step-"):
            event.stop()
            self._step = Step(button_id.removeprefix("step-"))
            super().action_submit()
        else:
            super().on_button_pressed(event)

    def action_submit(self) -> None:
        if not self.offer.editable:
            return
        self._step = self.offer.steps[0]
        super().action_submit()

    @property
    def today(self) -> date:
        return desk_of(self).ctx.today()

    @property
    def _db(self) -> Database:
        return desk_of(self).db

    def build_request(self) -> RepairRequest:
        method = value_of(self.query_one("#invoice_method", Select))
        return RepairRequest(
            partner_id=self.query_one("#partner_id", RecordPicker).value,
            product_id=value_of(self.query_one("#product_id", Select)),
            lot_id=self.query_one("#lot_id", RecordPicker).value
            if self.query_one("#lot_id-row").display
            else None,
            return_id=value_of(self.query_one("#return_id", Select)),
            under_warranty=self.query_one("#under_warranty", Checkbox).value,
            schedule_date=date_of(self.query_one("#schedule_date", Input), self.today),
            user_id=value_of(self.query_one("#user_id", Select)),
            tags=repairs.split_tags(self.query_one("#tags", Input).value),
            invoice_method=InvoiceMethod(method) if method else None,
            description=self.query_one("#description", Input).value,
            internal_notes=self.query_one("#internal_notes", TextArea).text,
            parts=self.query_one(PartsTable).requests(),
            step=self._step,
        )


class RepairEditor(RepairModal):
    """An existing repair: ctrl+s saves it, escape closes it."""

    BINDINGS = [
        Binding("ctrl+s", "submit", _("Save"), id="submit"),
        Binding("escape", "cancel", _("Close"), id="cancel"),
    ]


def describe(result: RepairResult) -> str:
    """One line for the agent once the repair is written."""
    text = _("Repair {name} saved ({state})").format(
        name=result.name, state=state_label(result.state.value)
    )
    if result.quotation:
        text += " · " + _("quotation {order}").format(order=result.quotation)
    return text


def open_new_repair(
    screen: Screen[Any], ticket_id: int, on_done: Callable[[RepairResult], None]
) -> None:
    """Open Repair for a ticket; the request goes to the repairs service."""
    desk = desk_of(screen)

    def reoffer(scope: RepairScope | None) -> RepairDefaults:
        return repairs.defaults(desk.db, desk.ctx, ticket_id, scope)

    def make(request: RepairRequest | None, error: AfterSalesError | None) -> RepairModal:
        return RepairModal(reoffer(request.scope if request else None), reoffer, request, error)

    open_modal(
        screen,
        make,
        lambda request: repairs.create_repair(desk.db, desk.ctx, ticket_id, request),
        on_done,
    )


def open_repair(screen: Screen[Any], repair_id: int, done: Callable[[], None]) -> None:
    """Open an existing repair to see it, change it or take its next step."""
    desk = desk_of(screen)

    def reoffer(scope: RepairScope | None) -> RepairDefaults:
        return repairs.load(desk.db, desk.ctx, repair_id, scope)

    def make(request: RepairRequest | None, error: AfterSalesError | None) -> RepairModal:
        return RepairEditor(reoffer(request.scope if request else None), reoffer, request, error)

    def saved(result: RepairResult) -> None:
        screen.notify(describe(result))
        done()

    open_modal(
        screen,
        make,
        lambda request: repairs.save_repair(desk.db, desk.ctx, repair_id, request),
        saved,
    )
