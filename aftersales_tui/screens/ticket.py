"""The ticket: its fields, the after-sales actions, the smart buttons and the chatter."""

from __future__ import annotations

import gc
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen

from .. import formatting as fmt
from ..i18n import _
from ..services import AfterSalesError, linked, tickets
from ..services.tickets import TicketDetail
from ..widgets.action_bar import ActionBar
from ..widgets.chatter_log import ChatterLog
from ..widgets.key_footer import KeyFooter
from ..widgets.literal import one_line
from ..widgets.smart_buttons import SmartButtonBox, SmartButtonPanel
from ..widgets.ticket_fields import TicketFields
from ..widgets.title_bar import TitleBar
from ..workers import report_error
from . import triage_flow
from .action_modal import open_modal
from .after_sales import ACTIONS, LINK_LISTS, action_bindings, action_keys
from .base import DeskScreen, desk_of
from .note import NoteModal

# The ticket screen kept in the app between two tickets, under this name.
KEPT = "ticket"


def open_ticket(screen: Screen[Any], ticket_id: int) -> None:
    """Open a ticket from ``screen``: read it first (a few milliseconds), then show it.

    The ticket screen is built once and kept (installed in the app): the next ticket is put
    in its widgets before it comes back, so that opening one composes and styles nothing and
    paints once. A ticket gone meanwhile stays closed, with the reason.

    The garbage collector waits until the ticket is painted: an open makes thousands of
    short-lived objects, and a collection in the middle of it would be felt.
    """
    collecting = gc.isenabled()
    gc.disable()
    shown = None
    try:
        shown = _open(screen, ticket_id)
    finally:
        if collecting:
            if shown is None:
                gc.enable()
            else:
                shown.call_after_refresh(gc.enable)


def _open(screen: Screen[Any], ticket_id: int) -> TicketScreen | None:
    desk = desk_of(screen)
    try:
        page = linked.ticket_page(desk.db, ticket_id, desk.ctx.today())
    except AfterSalesError as gone:
        screen.notify(gone.message, severity="error")
        return None
    except Exception as error:  # told as a read in the background tells it
        report_error(screen.app, error, f"opening ticket {ticket_id}")
        return None
    app = screen.app
    if not app.is_screen_installed(KEPT):
        first = TicketScreen(ticket_id, page)
        app.install_screen(first, KEPT)
        app.push_screen(first)
        return first
    kept = app.get_screen(KEPT)
    assert isinstance(kept, TicketScreen)
    if kept in app.screen_stack:  # a ticket opened over a ticket: a screen of its own
        other = TicketScreen(ticket_id, page)
        app.push_screen(other)
        return other
    kept.show_ticket(ticket_id, page)
    app.push_screen(kept)
    return kept


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

    # The ticket's fields first, as when the screen read the ticket after showing itself.
    AUTO_FOCUS = "#ticket-pane"

    def __init__(self, ticket_id: int, page: linked.TicketPage | None = None) -> None:
        """With ``page`` (see ``open_ticket``) the screen composes already showing it;
        without, it reads the ticket in the background once mounted."""
        super().__init__()
        self.ticket_id = ticket_id
        self.ticket: TicketDetail | None = page.detail if page is not None else None
        self._composed = page
        self._action_bar = ActionBar(action_keys(), page.actions if page else (), id="action-bar")
        # The theme this screen's styles were worked out for (see ``on_screen_resume``).
        self._styled_for: str | None = None

    def compose(self) -> ComposeResult:
        page, ctx = self._composed, self.desk.ctx
        self._title_bar = TitleBar(id="ticket-bar")
        if page is not None:
            self._title_bar.left, self._title_bar.right = self._bar_texts(page.detail)
        self._fields = TicketFields(ctx, page.detail if page else None, id="ticket-fields")
        self._linked = SmartButtonPanel(
            page.buttons if page else (),
            one_line=True,
            openable=frozenset(LINK_LISTS),
            id="linked",
            classes="smart-list",
        )
        self._chatter = ChatterLog(page.history if page else (), ctx.tz, ctx.today(), id="chatter")
        yield self._title_bar
        yield self._action_bar
        with Horizontal(id="ticket-body"):
            with VerticalScroll(id="ticket-pane") as self._pane:
                yield self._fields
            with Vertical(id="ticket-side"):
                yield self._linked
                yield self._chatter
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#action-bar").border_title = _("Actions")
        self.query_one("#ticket-pane").border_title = _("Ticket")
        self.query_one("#linked").border_title = _("Linked")
        self.query_one("#chatter").border_title = _("Chatter")
        if self._composed is None:
            self.reload()
        else:
            self._show(self._composed)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Coming back with another ticket, the styles are those of the last time (the
        widgets are the same) unless the theme changed meanwhile: Textual works them all
        out again only then. (This handler runs before Textual's own.)"""
        theme = self.app.theme
        if self._styled_for == theme:
            event.refresh_styles = False
        self._styled_for = theme

    def show_ticket(self, ticket_id: int, page: linked.TicketPage) -> None:
        """Another ticket on this (kept, not current) screen, as a new screen would show it:
        at the top of its fields and chatter, the fields focused."""
        self.ticket_id = ticket_id
        self._show(page)
        for pane in self._pane, self._chatter:
            if pane.scroll_offset:
                pane.scroll_home(animate=False, immediate=True)
        if self.focused is not self._pane:
            self.set_focus(self._pane, scroll_visible=False)

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="ticket", exit_on_error=False)
    def _load(self) -> None:
        desk, ticket_id = self.desk, self.ticket_id
        try:
            page = linked.ticket_page(desk.db, ticket_id, desk.ctx.today())
        except AfterSalesError as gone:
            self.app.call_from_thread(self._gone, ticket_id, gone.message)
            return
        self.app.call_from_thread(self._show, page)

    def _gone(self, ticket_id: int, message: str) -> None:
        if ticket_id != self.ticket_id:
            return  # read for the ticket this (kept) screen showed before
        self.notify(message, severity="error")
        self.dismiss(None)

    def _show(self, page: linked.TicketPage) -> None:
        """Put ``page`` on screen (the one the screen was composed with is there already).

        The benchmark times an open until this has run and the screen has been painted.
        """
        detail, ctx = page.detail, self.desk.ctx
        if detail.id != self.ticket_id:
            return  # read for the ticket this (kept) screen showed before
        self.ticket = detail
        if page is self._composed:
            return
        self._title_bar.show(*self._bar_texts(detail))
        offered = self._action_bar.shown
        self._action_bar.show(page.actions)
        if self._action_bar.shown != offered:  # the keys of the footer, help and palette
            self.refresh_bindings()
        self._fields.show(detail)
        self._linked.show(page.buttons)
        self._chatter.show(page.history, ctx.tz, ctx.today())

    @staticmethod
    def _bar_texts(detail: TicketDetail) -> tuple[Text, Text]:
        left = Text.assemble((detail.ref, "bold"), " ", one_line(detail.title, style="bold"))
        left.no_wrap = True
        left.overflow = "ellipsis"
        right_parts = [detail.team, fmt.stage_label(detail.stage)]
        stars = fmt.priority_stars(detail.priority)
        if stars:
            right_parts.append(stars)
        return left, one_line(" · ".join(right_parts))

    # --- after-sales actions and linked records ----------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An after-sales key exists only where the ticket offers that action."""
        if action == "after_sales":
            wanted = linked.Action(str(parameters[0]))
            return wanted in self._action_bar.shown
        return True

    def action_after_sales(self, name: str) -> None:
        action = linked.Action(name)
        if action not in self._action_bar.shown:
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
        self._chatter.scroll_relative(y=lines, animate=False)
