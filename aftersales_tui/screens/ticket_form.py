"""The ticket form: a new ticket (`n`) or an edit of one (`e`), in a modal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Label, Select, SelectionList, TextArea

from .. import formatting as fmt
from ..i18n import _
from ..models import Priority, Stage
from ..services import AfterSalesError, directory, tickets
from ..services.directory import Choice
from ..services.tickets import TicketDetail, TicketFields
from ..widgets.literal import clean
from ..widgets.record_picker import RecordPicker
from .action_modal import ActionModal, open_modal
from .base import desk_of
from .fields import (
    customer_picker,
    follow_product,
    lot_picker,
    record_select,
    set_choices,
    value_of,
)


@dataclass(frozen=True)
class TicketFormChoices:
    teams: list[Choice]
    agents: list[Choice]
    products: list[Choice]
    follower_candidates: list[Choice]


class TicketFormModal(ActionModal[TicketFields]):
    SUBMIT_LABEL = _("Save")

    def __init__(
        self,
        title: str,
        choices: TicketFormChoices,
        initial: TicketFields,
        error: AfterSalesError | None = None,
    ) -> None:
        super().__init__(error)
        self._title = title
        self._choices = choices
        self._initial = initial

    def window_title(self) -> str:
        return self._title

    def fields(self) -> ComposeResult:
        init = self._initial
        db = desk_of(self).db
        with db.read() as session:
            customer = directory.customer_choice(session, init.partner_id)
            lot = directory.lot_choice(session, init.product_id, init.lot_id)
            tracked = directory.is_tracked(session, init.product_id)
            orders = directory.sales_orders(session, init.partner_id)
        title = Input(init.title, id="title", max_length=tickets.TITLE_MAX, compact=True)
        yield from self.form_row(_("Title"), title)
        yield from self.form_row(
            _("Team"), record_select("team_id", self._choices.teams, init.team_id, blank="")
        )
        yield from self.form_row(_("Customer"), customer_picker("partner_id", db, customer))
        yield from self.form_row(
            _("Product"), record_select("product_id", self._choices.products, init.product_id)
        )
        yield from self.form_row(
            _("Lot/Serial"), lot_picker("lot_id", db, init.product_id, lot), shown=tracked
        )
        yield from self.form_row(
            _("Sales Order"), record_select("sale_order_id", orders, init.sale_order_id)
        )
        yield from self.form_row(
            _("Assigned"),
            record_select("user_id", self._choices.agents, init.user_id, blank=_("(unassigned)")),
        )
        stages = [(fmt.stage_label(s), s) for s in Stage]
        yield from self.form_row(
            _("Stage"),
            Select(stages, value=init.stage, allow_blank=False, id="stage", compact=True),
        )
        priorities = [
            (f"{fmt.priority_label(p)} {fmt.priority_stars(p)}".strip(), p) for p in Priority
        ]
        yield from self.form_row(
            _("Priority"),
            Select(priorities, value=init.priority, allow_blank=False, id="priority", compact=True),
        )
        yield Label(_("Description"), classes="form-label-block")
        yield TextArea(
            init.description,
            id="description",
            soft_wrap=True,
            show_line_numbers=False,
            compact=True,
        )
        yield self.error_slot("description")
        yield Label(_("Followers"), classes="form-label-block")
        followers = SelectionList[int](
            *[
                (clean(c.label), c.id, c.id in init.follower_ids)
                for c in self._choices.follower_candidates
            ],
            id="follower_ids",
            compact=True,
        )
        yield followers
        yield self.error_slot("follower_ids")

    def on_mount(self) -> None:
        super().on_mount()
        if self._initial_error is None:
            self.query_one("#title", Input).focus()

    # --- fields that depend on others -------------------------------------------------

    @on(Select.Changed, "#product_id")
    def _product_changed(self, event: Select.Changed) -> None:
        product_id = value_of(event.select)
        db = desk_of(self).db
        lot = self.query_one("#lot_id", RecordPicker)
        with db.read() as session:
            kept = directory.lot_choice(session, product_id, lot.value)
            tracked = directory.is_tracked(session, product_id)
        follow_product(lot, db, product_id, kept)
        self.query_one("#lot_id-row").display = tracked

    @on(RecordPicker.Changed, "#partner_id")
    def _customer_changed(self, event: RecordPicker.Changed) -> None:
        partner_id = event.value
        with desk_of(self).db.read() as session:
            orders = directory.sales_orders(session, partner_id)
        order = self.query_one("#sale_order_id", Select)
        set_choices(order, orders, value_of(order))

    # --- the request ------------------------------------------------------------------

    def build_request(self) -> TicketFields:
        lot_row_shown = self.query_one("#lot_id-row").display
        return TicketFields(
            title=self.query_one("#title", Input).value,
            team_id=value_of(self.query_one("#team_id", Select)),
            description=self.query_one("#description", TextArea).text,
            partner_id=self.query_one("#partner_id", RecordPicker).value,
            product_id=value_of(self.query_one("#product_id", Select)),
            lot_id=self.query_one("#lot_id", RecordPicker).value if lot_row_shown else None,
            sale_order_id=value_of(self.query_one("#sale_order_id", Select)),
            user_id=value_of(self.query_one("#user_id", Select)),
            stage=Stage(str(self.query_one("#stage", Select).value)),
            priority=Priority(str(self.query_one("#priority", Select).value)),
            follower_ids=tuple(self.query_one("#follower_ids", SelectionList).selected),
        )


def _choices(screen: Screen[Any], follower_ids: tuple[int, ...] = ()) -> TicketFormChoices:
    with desk_of(screen).db.read() as session:
        return TicketFormChoices(
            teams=directory.teams(session),
            agents=directory.agents(session),
            products=directory.products(session, limit=10_000),
            follower_candidates=directory.follower_candidates(session, follower_ids),
        )


def new_ticket(
    screen: Screen[Any], team_id: int | None, on_done: Callable[[TicketDetail], None]
) -> None:
    desk = desk_of(screen)
    choices = _choices(screen)
    team = team_id or (choices.teams[0].id if choices.teams else None)
    initial = TicketFields(title="", team_id=team)
    open_modal(
        screen,
        lambda request, error: TicketFormModal(_("New ticket"), choices, request or initial, error),
        lambda fields: tickets.create(desk.db, desk.ctx, fields),
        on_done,
    )


def edit_ticket(
    screen: Screen[Any], ticket: TicketDetail, on_done: Callable[[TicketDetail], None]
) -> None:
    desk = desk_of(screen)
    choices = _choices(screen, ticket.follower_ids)
    initial = tickets.fields_of(ticket)
    open_modal(
        screen,
        lambda request, error: TicketFormModal(
            _("Edit ticket {ref}").format(ref=ticket.ref), choices, request or initial, error
        ),
        lambda fields: tickets.update(desk.db, desk.ctx, ticket.id, fields, ticket.version),
        on_done,
    )
