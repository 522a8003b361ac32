"""A generated coupon, with what to do with its code: Send by Email, Get Share Link."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from .. import formatting as fmt
from ..i18n import _
from ..services import AfterSalesError, coupons
from ..services.coupons import CouponView
from ..services.linked import state_label
from ..widgets.literal import literal, one_line
from .base import desk_of


class CouponCard(ModalScreen[None]):
    BINDINGS = [
        Binding("e", "email", _("Send by Email"), id="send-email"),
        Binding("l", "share", _("Get Share Link"), id="share-link"),
        Binding("escape,q", "close", _("Close"), id="close"),
    ]

    def __init__(self, coupon: CouponView) -> None:
        super().__init__()
        self.coupon = coupon

    def compose(self) -> ComposeResult:
        coupon = self.coupon
        with Vertical(classes="modal-window coupon-window"):
            yield Static(
                one_line(
                    _("Coupon for {customer}").format(customer=coupon.customer or _("the customer"))
                ),
                classes="modal-title",
            )
            yield Static(Text(coupon.code, style="bold"), id="coupon-code")
            details = Text()
            details.append_text(literal(coupon.program))
            if coupon.reward:
                details.append(" · ")
                details.append_text(literal(coupon.reward))
            details.append("\n")
            details.append(
                _("Valid until {day}").format(day=fmt.day(coupon.expiration_date))
                if coupon.expiration_date
                else _("Never expires")
            )
            details.append(" · " + state_label(coupon.state.value))
            yield Static(details, classes="coupon-details")
            with Horizontal(classes="modal-buttons"):
                yield Button(_("Send by Email") + " e", id="email", variant="primary", compact=True)
                yield Button(_("Get Share Link") + " l", id="share", compact=True)
                yield Button(_("Close") + " esc", id="close", compact=True)
        yield Footer(compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"email": self.action_email, "share": self.action_share, "close": self.action_close}[
            event.button.id or "close"
        ]()

    def action_email(self) -> None:
        from .compose_email import compose_coupon_email

        compose_coupon_email(self, self.coupon)

    def action_share(self) -> None:
        from .share_link import ShareLinkModal

        desk = desk_of(self)
        try:
            link = coupons.share_link(desk.settings.shop_base_url, self.coupon.code)
        except AfterSalesError as missing:
            self.notify(missing.message, severity="error", timeout=10)
            return
        self.app.push_screen(ShareLinkModal(link))

    def action_close(self) -> None:
        self.dismiss(None)
