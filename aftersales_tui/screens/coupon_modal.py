"""The "Generate a Coupon" modal (DESIGN 3.2): a program, an optional expiry, Generate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from .. import formatting as fmt
from ..i18n import _
from ..services import coupons
from ..services.coupons import CouponDefaults, CouponRequest, CouponView
from .action_modal import FieldProblem, OfferModal, open_modal
from .base import desk_of
from .fields import record_select, value_of


class CouponModal(OfferModal[CouponDefaults, CouponRequest]):
    TITLE_TEXT = _("Generate a Coupon")
    BINDINGS = [
        Binding("ctrl+s", "submit", _("Generate"), id="submit"),
        Binding("escape", "cancel", _("Cancel"), id="cancel"),
    ]
    SUBMIT_LABEL = _("Generate")

    def fields(self) -> ComposeResult:
        offer, request = self.offer, self._request
        if offer.empty_reason:
            yield Static(Text("⚠ " + offer.empty_reason, style="bold"), classes="form-note")
        program = request.program_id if request else offer.program_id
        yield from self.form_row(
            _("Coupon Program"),
            record_select("program_id", offer.programs, program, blank=_("(choose)")),
            shown=bool(offer.programs),
        )
        until = request.valid_until if request else offer.valid_until
        yield from self.form_row(
            _("Valid Until"),
            Input(
                fmt.day(until),
                id="valid_until",
                compact=True,
                placeholder=_("blank: never expires · 2026-12-31, +30d"),
            ),
        )

    def on_mount(self) -> None:
        super().on_mount()
        # Without a program, Generate can only fail: the reason above says why.
        self.query_one("#submit").disabled = not self.offer.programs
        if self._initial_error is None:
            first = "#program_id" if self.offer.programs else "#valid_until"
            self.query_one(first).focus()

    def build_request(self) -> CouponRequest:
        text = self.query_one("#valid_until", Input).value
        until = None
        if text.strip():
            try:
                until = fmt.parse_day(text, desk_of(self).ctx.today())
            except ValueError as problem:
                raise FieldProblem(str(problem), "valid_until") from None
        return CouponRequest(value_of(self.query_one("#program_id", Select)), until)


def open_coupon(screen: Screen[Any], ticket_id: int, on_done: Callable[[CouponView], None]) -> None:
    desk = desk_of(screen)
    offer = coupons.defaults(desk.db, desk.ctx, ticket_id)
    open_modal(
        screen,
        lambda request, error: CouponModal(offer, request, error),
        lambda request: coupons.generate(desk.db, desk.ctx, ticket_id, request),
        on_done,
    )
