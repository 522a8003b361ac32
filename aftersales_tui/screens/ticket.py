"""The ticket: its fields, the after-sales actions, the smart buttons and the chatter."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer

from .. import formatting as fmt
from ..i18n import _
from ..services import AfterSalesError, linked, tickets
from ..services.tickets import TicketDetail
from ..widgets.action_bar import ActionBar
from ..widgets.chatter_log import ChatterLog
from ..widgets.literal import one_line
from ..widgets.smart_buttons import SmartButtonBox, SmartButtonPanel
from ..widgets.ticket_fields import TicketFields
from ..widgets.title_bar import TitleBar
from . import triage_flow
from .action_modal import open_modal
from .after_sales import ACTIONS, LINK_LISTS, action_bindings, action_keys
from .base import DeskScreen
from .note import NoteModal


class TicketScreen(DeskScreen):
    BINDINGS = [
        *action_bindings(),
        # The footer holds the five actions: `?` stays a key (and in help) but leaves its place.
        Binding("question_mark", "help", _("Help"), key_display="?", id="help", show=False),
        Binding("e", "edit", _("Edit"), id="edit"),
        Binding("l", "log_note", _("Log note"), id="log-note"),
        Binding("a", "assign", _("Assign"), id="assign"),
        Binding("s", "stage", _("Stage"), id="stage"),
        Binding("p", "priority", _("Priority"), id="priority"),
        Binding("w", "follow", _("Follow / stop following"), id="follow", show=False),
        Binding("ctrl+r", "refresh", _("Refresh"), id="refresh", show=False),
        Binding("j", "scroll_chatter(1)", _("Chatter down"), id="chatter-down", show=False),
        Binding("k", "scroll_chatter(-1)", _("Chatter up"), id="chatter-up", show=False),
        Binding("escape", "back", _("Back"), id="escape-back", show=False),
    ]

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.ticket: TicketDetail | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar(id="ticket-bar")
        yield ActionBar(action_keys(), id="action-bar")
        with Horizontal(id="ticket-body"):
            with VerticalScroll(id="ticket-pane"):
                yield TicketFields(self.desk.ctx, id="ticket-fields")
            with Vertical(id="ticket-side"):
                yield SmartButtonPanel(
                    one_line=True,
                    openable=frozenset(LINK_LISTS),
                    id="linked",
                    classes="smart-list",
                )
                yield ChatterLog(id="chatter")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#action-bar").border_title = _("Actions")
        self.query_one("#ticket-pane").border_title = _("Ticket")
        self.query_one("#linked").border_title = _("Linked")
        self.query_one("#chatter").border_title = _("Chatter")
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="ticket", exit_on_error=False)
    def _load(self) -> None:
        desk = self.desk
        try:
            page = linked.ticket_page(desk.db, self.ticket_id, desk.ctx.today())
        except AfterSalesError as gone:
            self.app.call_from_thread(self._gone, gone.message)
            return
        self.app.call_from_thread(self._show, page)

    def _gone(self, message: str) -> None:
        self.notify(message, severity="error")
        self.dismiss(None)

    def _show(self, page: linked.TicketPage) -> None:
        detail, actions, buttons, history = page.detail, page.actions, page.buttons, page.history
        self.ticket = detail
        self._show_bar(detail)
        self.query_one(ActionBar).show(actions)
        self.refresh_bindings()
        self.query_one(TicketFields).show(detail)
        self.query_one(SmartButtonPanel).show(buttons)
        ctx = self.desk.ctx
        self.query_one(ChatterLog).show(history, ctx.tz, ctx.today())

    def _show_bar(self, detail: TicketDetail) -> None:
        left = Text.assemble((detail.ref, "bold"), " ", one_line(detail.title, style="bold"))
        right_parts = [detail.team, fmt.stage_label(detail.stage)]
        stars = fmt.priority_stars(detail.priority)
        if stars:
            right_parts.append(stars)
        self.query_one(TitleBar).show(left, one_line(" · ".join(right_parts)))

    # --- after-sales actions and linked records ----------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An after-sales key exists only where the ticket offers that action."""
        if action == "after_sales":
            wanted = linked.Action(str(parameters[0]))
            return wanted in self.query_one(ActionBar).shown
        return True

    def action_after_sales(self, name: str) -> None:
        action = linked.Action(name)
        if action not in self.query_one(ActionBar).shown:
            return
        ACTIONS[action].open(self, self.ticket_id, self._action_done)

    def _action_done(self, message: str) -> None:
        self.notify(message)
        self.reload()

    @on(ActionBar.Chosen)
    def _action_chosen(self, event: ActionBar.Chosen) -> None:
        self.action_after_sales(event.action.value)

    @on(SmartButtonBox.Pressed)
    def _smart_button(self, event: SmartButtonBox.Pressed) -> None:
        LINK_LISTS[event.kind](self, self.ticket_id, self.reload)

    # --- ticket actions ---------------------------------------------------------------

    def _ids(self) -> list[int]:
        return [self.ticket_id]

    def action_edit(self) -> None:
        if self.ticket is None:
            return
        from .ticket_form import edit_ticket

        edit_ticket(self, self.ticket, lambda _detail: self.reload())

    def action_log_note(self) -> None:
        if self.ticket is None:
            return
        desk = self.desk
        title = _("Log note on {ref}").format(ref=self.ticket.ref)
        open_modal(
            self,
            lambda text, error: NoteModal(title, text or "", error),
            lambda text: tickets.log_note(desk.db, desk.ctx, self.ticket_id, text),
            lambda _none: self.reload(),
        )

    def action_assign(self) -> None:
        triage_flow.assign(self, self._ids(), self.reload)

    def action_stage(self) -> None:
        current = self.ticket.stage if self.ticket else None
        triage_flow.change_stage(self, self._ids(), self.reload, current)

    def action_priority(self) -> None:
        current = self.ticket.priority if self.ticket else None
        triage_flow.change_priority(self, self._ids(), self.reload, current)

    def action_follow(self) -> None:
        triage_flow.toggle_follow(self, self._ids(), self.reload)

    def action_refresh(self) -> None:
        self.reload()

    def action_scroll_chatter(self, lines: int) -> None:
        self.query_one(ChatterLog).scroll_relative(y=lines, animate=False)
