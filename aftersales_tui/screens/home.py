"""Home: the ticket list, with the highlighted ticket's summary and smart buttons beside it."""

from __future__ import annotations

import gc
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from .. import formatting as fmt
from ..desk import HasDesk
from ..enums import Stage
from ..i18n import _
from ..services import ticket_rows as tl
from ..widgets.filter_box import FilterBox
from ..widgets.key_footer import KeyFooter
from ..widgets.literal import one_line
from ..widgets.smart_buttons import SmartButtonPanel
from ..widgets.ticket_summary import TicketSummary
from ..widgets.ticket_table import TicketTable
from ..widgets.title_bar import TitleBar
from .base import DeskScreen
from .picker import Pick, PickerModal

if TYPE_CHECKING:
    from ..services import linked
    from ..services.tickets import TicketDetail

WARM_UP_AFTER_S = 0.5
_frozen = False


class HomeScreen(DeskScreen):
    """What the first paint needs loads with this module; the services load later, in
    threads or when a key asks for them (the desk may still be opening meanwhile)."""

    BINDINGS = [
        Binding("slash", "filter", _("Filter"), key_display="/", id="filter"),
        Binding("enter", "open", _("Open ticket"), id="open"),
        Binding(
            "number_sign",
            "go_to",
            _("Go to ticket number"),
            key_display="#",
            id="go-to",
            show=False,
        ),
        Binding("n", "new_ticket", _("New"), id="new"),
        Binding("a", "assign", _("Assign"), id="assign"),
        Binding("s", "stage", _("Stage"), id="stage"),
        Binding("p", "priority", _("Priority"), id="priority"),
        Binding("w", "follow", _("Follow / stop following"), id="follow", show=False),
        Binding("space", "mark", _("Mark"), id="mark"),
        Binding("m", "toggle_mine", _("Only my tickets (again: all)"), id="mine", show=False),
        Binding(
            "u",
            "toggle_unassigned",
            _("Only unassigned tickets (again: all)"),
            id="unassigned",
            show=False,
        ),
        Binding("T", "filter_team", _("Filter by team"), id="filter-team", show=False),
        Binding("S", "filter_stage", _("Filter by stage"), id="filter-stage", show=False),
        Binding("o", "sort", _("Sort"), id="sort", show=False),
        Binding("x", "clear_filters", _("Clear filters and marks"), id="clear", show=False),
        Binding("e", "export_list", _("Export the list as CSV"), id="export-list", show=False),
        Binding("t", "team_settings", _("Teams"), id="teams"),
        Binding("O", "outbox", _("Outbox"), id="outbox", show=False),
        Binding("ctrl+r", "refresh", _("Refresh"), id="refresh", show=False),
        Binding("q", "quit", _("Quit"), id="quit", show=False),
    ]

    # The list has the focus from the start: keys typed while the desk starts ("/lamp"
    # typed at once over SSH) find the list's keys, not the hidden filter box.
    AUTO_FOCUS = "#tickets"

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (96, "-wide"), (130, "-very-wide")]

    _filter_submitted = False
    _first_shown = False

    def compose(self) -> ComposeResult:
        yield TitleBar(id="home-bar")
        with Horizontal(id="home-body"):
            with Vertical(id="list-pane"):
                yield FilterBox(
                    self._filter_typed,
                    placeholder=_("filter: number, title, customer, description"),
                    id="filter",
                    compact=True,
                    select_on_focus=False,
                )
                yield TicketTable(lambda: self.desk.db, self.agent_ctx, id="tickets")
            with Vertical(id="side-pane"):
                yield TicketSummary(self.agent_ctx, id="summary")
                yield SmartButtonPanel(id="home-smart", classes="smart-grid")
        yield KeyFooter()

    @property
    def table(self) -> TicketTable:
        return self.query_one("#tickets", TicketTable)

    def on_mount(self) -> None:
        self.query_one("#list-pane").border_title = _("Tickets")
        self.query_one("#filter", Input).display = False
        self.table.focus()
        first = cast(HasDesk, self.app).first_page
        if first is not None:  # read before the desk was opened: shown at once
            self._first_shown = True
            self.table.show_first(first.count, first.rows)
        self._update_bar()
        self.call_after_refresh(self._first_painted)

    def _first_painted(self) -> None:
        """The first rows are on screen: open the desk now if it is not open yet, then warm
        up the ticket screen."""
        cast(HasDesk, self.app).open_desk()
        self.set_timer(WARM_UP_AFTER_S, self._warm_up)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """Once the list is on screen, load the ticket screen's code, so that the first
        ticket opened is as quick as the next ones (nothing of it delays the first paint).
        Then the objects made so far, which live as long as the desk (modules, styles, the
        list), leave the garbage collector's rounds: it no longer walks them on each open."""
        import_module("aftersales_tui.screens.ticket")
        global _frozen
        if not _frozen:  # once: what a later desk in the same process leaves must stay collectable
            _frozen = True
            gc.freeze()

    def on_screen_resume(self) -> None:
        """Shown for the first time, or again after a ticket or a modal: read the list
        (not when it is showing the rows just read before the desk was opened)."""
        if self._first_shown:
            self._first_shown = False
            return
        self.refresh_list()

    def refresh_list(self) -> None:
        self.table.reload(keep_cursor=True)

    # --- the top bar ------------------------------------------------------------------

    def _update_bar(self) -> None:
        flt = self.table.ticket_filter
        parts = [_("After-Sales Desk")]
        if not self.table.counting:  # the count follows the rows
            parts.append(fmt.ticket_count(self.table.total, capped=self.table.capped))
        active = []
        if flt.text:
            active.append(_("“{text}”").format(text=flt.text))
        if flt.mine:
            active.append(_("mine"))
        if flt.unassigned:
            active.append(_("unassigned"))
        if flt.team_id is not None:
            active.append(self._team_name(flt.team_id))
        if flt.stage is not None:
            active.append(fmt.stage_label(flt.stage))
        if active:
            parts.append(_("filter: {filters}").format(filters=", ".join(active)))
        if self.table.marked:
            parts.append(_("{n} marked").format(n=len(self.table.marked)))
        agent = one_line(_("agent: {name}").format(name=self.agent_name))
        self.query_one(TitleBar).show(one_line(" · ".join(parts)), agent)

    def _team_name(self, team_id: int) -> str:
        from ..services import directory

        with self.desk.db.read() as session:
            return next((t.label for t in directory.teams(session) if t.id == team_id), "")

    # --- the list and the panel -------------------------------------------------------

    @on(TicketTable.Loaded)
    def _loaded(self) -> None:
        self._update_bar()

    @on(TicketTable.Highlighted)
    def _highlighted(self, event: TicketTable.Highlighted) -> None:
        self._load_panel(event.ticket_id)

    @work(thread=True, exclusive=True, group="home-panel", exit_on_error=False)
    def _load_panel(self, ticket_id: int | None) -> None:
        from ..services import linked, tickets

        if ticket_id is None:
            self.app.call_from_thread(self._show_panel, None, [])
            return
        detail = tickets.load(self.desk.db, ticket_id)
        buttons = linked.load_smart_buttons(self.desk.db, ticket_id, self.desk.ctx.today())
        self.app.call_from_thread(self._show_panel, detail, buttons)

    def _show_panel(self, detail: TicketDetail | None, buttons: list[linked.SmartButton]) -> None:
        if detail is not None and detail.id != self.table.current_id:
            return  # the cursor moved on meanwhile
        self.query_one(TicketSummary).show(detail)
        self.query_one(SmartButtonPanel).show(buttons)

    @on(TicketTable.SortRequested)
    def _sort_by(self, event: TicketTable.SortRequested) -> None:
        self.table.reload(sort=self.table.ticket_sort.toggled(event.key))

    @on(TicketTable.Selected)
    def _row_selected(self, event: TicketTable.Selected) -> None:
        from .ticket import open_ticket

        open_ticket(self, event.ticket_id)

    # --- filter -----------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        self._filter_submitted = False
        # At once, not after the keys already waiting: "/1042" typed in one burst goes to it.
        self.set_focus(box)

    def _filter_typed(self, text: str) -> None:
        """A new value of the box (typed, or set): the list follows at once."""
        if text != self.table.ticket_filter.text:
            self._filter_submitted = False
            self.table.reload(self.table.ticket_filter.with_(text=text))

    @on(TicketTable.TypedAhead)
    def _typed_ahead(self, event: TicketTable.TypedAhead) -> None:
        box = self.query_one("#filter", Input)
        if event.key == "enter":
            self._filter_done()
        elif event.key == "backspace":
            box.action_delete_left()
        elif event.character:
            box.insert_text_at_cursor(event.character)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        """Enter goes to the list; enter again opens the ticket. Typed in one burst
        (``/1042`` enter enter, over a slow link) the second one still reaches the filter."""
        text = self.query_one("#filter", Input).value
        if text != self.table.ticket_filter.text:  # its Changed may not have come yet
            self.table.reload(self.table.ticket_filter.with_(text=text))
        if self._filter_submitted:
            self.table.action_select()
        self._filter_submitted = True
        self.set_focus(self.table)

    def key_escape(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:
            if not box.value:
                box.display = False
            self.table.focus()

    def action_toggle_mine(self) -> None:
        flt = self.table.ticket_filter
        self.table.reload(flt.with_(mine=not flt.mine, unassigned=False))

    def action_toggle_unassigned(self) -> None:
        flt = self.table.ticket_filter
        self.table.reload(flt.with_(unassigned=not flt.unassigned, mine=False))

    def action_filter_team(self) -> None:
        from ..services import directory

        with self.desk.db.read() as session:
            teams = directory.teams(session)
        options: list[tuple[str, int | None]] = [(_("All teams"), None)]
        options += [(t.label, t.id) for t in teams]

        def chosen(pick: Pick[int | None] | None) -> None:
            if pick is not None:
                self.table.reload(self.table.ticket_filter.with_(team_id=pick.value))

        self.app.push_screen(
            PickerModal(_("Show team"), options, current=self.table.ticket_filter.team_id), chosen
        )

    def action_filter_stage(self) -> None:
        options: list[tuple[str, Stage | None]] = [(_("All stages"), None)]
        options += [(fmt.stage_label(s), s) for s in Stage]

        def chosen(pick: Pick[Stage | None] | None) -> None:
            if pick is not None:
                self.table.reload(self.table.ticket_filter.with_(stage=pick.value))

        self.app.push_screen(
            PickerModal(_("Show stage"), options, current=self.table.ticket_filter.stage), chosen
        )

    def action_sort(self) -> None:
        labels = {
            tl.SortKey.NUMBER: _("Number"),
            tl.SortKey.TITLE: _("Title"),
            tl.SortKey.STAGE: _("Stage"),
            tl.SortKey.PRIORITY: _("Priority"),
            tl.SortKey.AGE: _("Age"),
        }

        def chosen(pick: Pick[tl.SortKey] | None) -> None:
            if pick is not None:
                self.table.reload(sort=self.table.ticket_sort.toggled(pick.value))

        self.app.push_screen(
            PickerModal(
                _("Sort by (again to reverse)"),
                [(label, key) for key, label in labels.items()],
                current=self.table.ticket_sort.key,
            ),
            chosen,
        )

    def action_clear_filters(self) -> None:
        self.table.clear_marks()
        self.table.reload(tl.TicketFilter())
        box = self.query_one("#filter", Input)
        box.value = ""  # the list has that filter already: it is not read again
        box.display = False

    # --- open, new, triage ------------------------------------------------------------

    def action_open(self) -> None:
        """The highlighted ticket; the one a pending read brings if the list is being read."""
        self.table.action_select()

    def action_go_to(self) -> None:
        from .go_to import GoToModal

        def chosen(number: int | None) -> None:
            if number is not None:
                self.table.go_to(number)
                self.table.focus()

        self.app.push_screen(GoToModal(), chosen)

    def action_new_ticket(self) -> None:
        from .ticket_form import new_ticket

        new_ticket(self, self.table.ticket_filter.team_id, self._opened_new)

    def _opened_new(self, created: TicketDetail) -> None:
        self.notify(_("Ticket {ref} created").format(ref=created.ref))
        from .ticket import open_ticket

        open_ticket(self, created.id)

    def action_mark(self) -> None:
        self.table.toggle_mark()
        self._update_bar()

    def _after_triage(self) -> None:
        self.table.clear_marks()
        self.refresh_list()

    def action_assign(self) -> None:
        from . import triage_flow

        triage_flow.assign(self, self.table.targets(), self._after_triage)

    def action_stage(self) -> None:
        from . import triage_flow

        triage_flow.change_stage(self, self.table.targets(), self._after_triage)

    def action_priority(self) -> None:
        from . import triage_flow

        triage_flow.change_priority(self, self.table.targets(), self._after_triage)

    def action_follow(self) -> None:
        from . import triage_flow

        triage_flow.toggle_follow(self, self.table.targets(), self._after_triage)

    def action_team_settings(self) -> None:
        from .team_settings import TeamSettingsScreen

        self.app.push_screen(TeamSettingsScreen(self.table.ticket_filter.team_id))

    def action_outbox(self) -> None:
        from .outbox import OutboxScreen

        self.app.push_screen(OutboxScreen())

    def action_refresh(self) -> None:
        self.refresh_list()

    def action_export_list(self) -> None:
        self.notify(_("Exporting the list..."))
        self._export_list(self.table.ticket_filter, self.table.ticket_sort)

    @work(thread=True, exclusive=True, group="export-list", exit_on_error=False)
    def _export_list(self, flt: tl.TicketFilter, sort: tl.TicketSort) -> None:
        from ..services.ticket_csv import write_ticket_list

        written = write_ticket_list(self.desk.db, self.desk.ctx, flt, sort, Path.cwd())
        self.app.call_from_thread(
            self.notify,
            _("{n} tickets written to {path}").format(n=f"{written.rows:,}", path=written.path),
            timeout=10,
        )

    def action_quit(self) -> None:
        self.app.exit()
