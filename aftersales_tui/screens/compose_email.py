"""The "Compose Email" modal, and sending: the outbox first, then SMTP in the background."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Label, SelectionList, Static, TextArea

from ..i18n import _
from ..services import AfterSalesError, coupons, mail
from ..services.coupons import CouponView, EmailDraft
from ..services.mail import MailRequest, MailView
from ..widgets.literal import clean
from .action_modal import ActionModal, open_modal
from .base import desk_of


class ComposeEmailModal(ActionModal[MailRequest]):
    BINDINGS = [
        Binding("ctrl+s", "submit", _("Send"), id="submit"),
        Binding("escape", "cancel", _("Cancel"), id="cancel"),
    ]
    SUBMIT_LABEL = _("Send")

    def __init__(
        self,
        draft: EmailDraft,
        ticket_id: int | None,
        request: MailRequest | None = None,
        error: AfterSalesError | None = None,
    ) -> None:
        super().__init__(error)
        self.draft = draft
        self.ticket_id = ticket_id
        self._request = request

    def window_title(self) -> str:
        return _("Compose Email")

    def fields(self) -> ComposeResult:
        draft, request = self.draft, self._request
        chosen = set(request.to) if request else set(draft.recipients)
        extra = [r for r in (request.to if request else ()) if r not in draft.recipients]
        yield from self.form_row(
            _("Recipients"),
            SelectionList[str](
                *[(clean(r), r, r in chosen) for r in draft.recipients], id="to", compact=True
            ),
        )
        if draft.missing:
            yield Static(
                _("Followers without an email address: {names}").format(
                    names=", ".join(draft.missing)
                ),
                classes="form-note",
            )
        yield from self.form_row(
            _("More recipients"),
            Input(
                ", ".join(extra),
                id="more",
                compact=True,
                placeholder=_("name@example.com, Name <other@example.com>"),
            ),
        )
        yield from self.form_row(
            _("Subject"),
            Input(request.subject if request else draft.subject, id="subject", compact=True),
        )
        yield Label(_("Message"), classes="form-label-block")
        yield TextArea(
            request.body if request else draft.body,
            id="body",
            soft_wrap=True,
            show_line_numbers=False,
            compact=True,
        )
        yield self.error_slot("body")

    def on_mount(self) -> None:
        super().on_mount()
        if self._initial_error is None:
            self.query_one("#subject").focus()

    def build_request(self) -> MailRequest:
        chosen = tuple(self.query_one("#to", SelectionList).selected)
        more = self.query_one("#more", Input).value.strip()
        return MailRequest(
            to=chosen + ((more,) if more else ()),
            subject=self.query_one("#subject", Input).value,
            body=self.query_one("#body", TextArea).text,
            ticket_id=self.ticket_id,
        )


def compose_coupon_email(screen: Screen[Any], coupon: CouponView) -> None:
    """Compose the coupon's email (every follower pre-filled), queue it, then deliver it."""
    desk = desk_of(screen)
    link = None
    if desk.settings.shop_base_url:
        link = coupons.share_link(desk.settings.shop_base_url, coupon.code)
    draft = coupons.email_draft(desk.db, desk.ctx, coupon.id, link)
    open_modal(
        screen,
        lambda request, error: ComposeEmailModal(draft, coupon.ticket_id, request, error),
        lambda request: mail.queue(desk.db, desk.ctx, request),
        lambda queued: send_in_background(screen, queued.id),
    )


def send_in_background(
    screen: Screen[Any], mail_id: int, after: Callable[[], None] | None = None
) -> None:
    """Deliver over SMTP in a thread; the agent is told what happened, in one line."""
    desk = desk_of(screen)
    app = screen.app

    def deliver() -> None:
        result = mail.deliver(desk.db, desk.ctx, mail_id, desk.settings.smtp)
        message, severity = outcome(result)
        app.call_from_thread(app.notify, message, severity=severity)
        if after is not None:
            app.call_from_thread(after)

    app.run_worker(deliver, thread=True, exit_on_error=False, group="mail")


def outcome(result: MailView) -> tuple[str, str]:
    """What to tell the agent (message, severity) about a delivery."""
    from ..models import MailState

    if result.state == MailState.SENT:
        return _("Email sent to {to}").format(to=result.to), "information"
    if result.state == MailState.FAILED:
        return _("Email refused: {error} (see the Outbox)").format(error=result.error), "error"
    return (
        _("Email queued in the Outbox: {error}").format(error=result.error),
        "warning",
    )
