"""The Coupons list of a ticket (its smart button): code, program, expiry, state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.binding import Binding

from .. import formatting as fmt
from ..i18n import _
from ..services import coupons
from ..services.coupons import CouponView
from ..services.linked import state_label
from ..widgets.literal import one_line
from .coupon_card import CouponCard
from .record_list import RecordListScreen


class CouponsScreen(RecordListScreen[CouponView]):
    BINDINGS = [Binding("enter", "open", _("Open"), id="open", priority=True)]
    COLUMNS = (
        ("code", _("Code"), 21),
        ("program", _("Program"), 30),
        ("expiry", _("Expires"), 12),
        ("state", _("State"), 10),
    )

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id

    def title_text(self) -> Text:
        return self.ticket_title(_("Coupons"), self.ticket_id)

    def read_rows(self) -> list[CouponView]:
        return coupons.for_ticket(self.desk.db, self.desk.ctx, self.ticket_id)

    def cells(self, row: CouponView) -> Sequence[Any]:
        return (
            Text(row.code),
            one_line(row.program),
            Text(fmt.day(row.expiration_date) or _("never")),
            Text(state_label(row.state.value)),
        )

    def action_open(self) -> None:
        row = self.current()
        if row is not None:
            self.app.push_screen(CouponCard(row))
