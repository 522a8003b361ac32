"""Team settings: the five After-Sales switches and the default field-service project."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Label, OptionList, Select, Static, Switch
from textual.widgets.option_list import Option

from ..i18n import _
from ..services import AfterSalesError, teams
from ..services.linked import Action
from ..widgets.literal import clean, literal
from ..widgets.title_bar import TitleBar
from .base import DeskScreen

_SWITCH_LABELS = {
    Action.REFUND: (_("Refunds"), _("issue credit notes to refund a customer")),
    Action.COUPON: (_("Coupons"), _("offer discounts and free products")),
    Action.RETURN: (_("Returns"), _("take goods back with a reverse transfer")),
    Action.REPAIR: (_("Repairs"), _("create repair orders for faulty products")),
    Action.FIELD_SERVICE: (_("Field Service"), _("plan onsite interventions")),
}


class TeamSettingsScreen(DeskScreen):
    BINDINGS = [
        Binding("1", "toggle_service('refund')", _("Refunds"), show=False, id="toggle-refunds"),
        Binding("2", "toggle_service('coupon')", _("Coupons"), show=False, id="toggle-coupons"),
        Binding("3", "toggle_service('return')", _("Returns"), show=False, id="toggle-returns"),
        Binding("4", "toggle_service('repair')", _("Repairs"), show=False, id="toggle-repairs"),
        Binding(
            "5", "toggle_service('field_service')", _("Field Service"), show=False, id="toggle-fsm"
        ),
        Binding("escape", "back", _("Back"), show=False, id="escape-back"),
        Binding("j", "team(1)", _("Next team"), show=False, id="next-team"),
        Binding("k", "team(-1)", _("Previous team"), show=False, id="previous-team"),
    ]

    def __init__(self, team_id: int | None = None) -> None:
        super().__init__()
        self._first_team = team_id
        self.settings: teams.TeamSettings | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar(id="settings-bar")
        with Horizontal(id="settings-body"):
            yield OptionList(id="team-list")
            with Vertical(id="team-form"):
                yield Static("", id="team-name")
                yield Label(_("After-Sales"), classes="section-title")
                for index, action in enumerate(Action, start=1):
                    title, hint = _SWITCH_LABELS[action]
                    with Horizontal(classes="switch-row"):
                        yield Switch(id=f"switch-{action.value}")
                        yield Label(f"{index} {title}", classes="switch-label")
                        yield Label(hint, classes="switch-hint")
                yield Label(_("Field Service project"), classes="section-title")
                yield Select[int]([], id="fsm_project_id", prompt=_("(none)"))
                yield Label("", id="fsm_project_id-error", classes="field-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(TitleBar).show(Text(_("Team settings"), style="bold"))
        self.query_one("#team-list").border_title = _("Teams")
        self.query_one("#team-form").border_title = _("Settings")
        option_list = self.query_one("#team-list", OptionList)
        team_choices = teams.list_teams(self.desk.db)
        option_list.add_options(Option(literal(t.label), id=str(t.id)) for t in team_choices)
        index = next((i for i, t in enumerate(team_choices) if t.id == self._first_team), 0)
        if team_choices:
            option_list.highlighted = index
        option_list.focus()

    def action_team(self, step: int) -> None:
        teams = self.query_one("#team-list", OptionList)
        if step > 0:
            teams.action_cursor_down()
        else:
            teams.action_cursor_up()

    @on(OptionList.OptionHighlighted, "#team-list")
    def _team_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(teams.settings(self.desk.db, int(event.option.id or 0)))

    def _show(self, settings: teams.TeamSettings) -> None:
        self.settings = settings
        self.query_one("#team-name", Static).update(literal(settings.name, style="bold"))
        for action, on_ in settings.switches.items():
            switch = self.query_one(f"#switch-{action.value}", Switch)
            with switch.prevent(Switch.Changed):
                switch.value = on_
        project = self.query_one("#fsm_project_id", Select)
        with project.prevent(Select.Changed):
            project.set_options([(clean(p.label), p.id) for p in settings.fsm_projects])
            project.value = settings.fsm_project_id if settings.fsm_project_id else Select.NULL
        error = self.query_one("#fsm_project_id-error", Label)
        error.update("")

    @on(Switch.Changed)
    def _switched(self, event: Switch.Changed) -> None:
        if self.settings is None or event.switch.id is None:
            return
        action = Action(event.switch.id.removeprefix("switch-"))
        self._set(action, event.value)

    def action_toggle_service(self, action: str) -> None:
        if self.settings is None:
            return
        which = Action(action)
        self._set(which, not self.settings.switches[which])

    def _set(self, action: Action, on_: bool) -> None:
        if self.settings is None:
            return
        try:
            self._show(teams.set_switch(self.desk.db, self.desk.ctx, self.settings.id, action, on_))
        except AfterSalesError as refused:
            self.notify(refused.message, severity="error")
            return
        title = _SWITCH_LABELS[action][0]
        state = _("on") if on_ else _("off")
        self.notify(
            _("{service} {state} for {team}").format(
                service=title, state=state, team=self.settings.name
            )
        )

    @on(Select.Changed, "#fsm_project_id")
    def _project_changed(self, event: Select.Changed) -> None:
        if self.settings is None:
            return
        value = None if event.select.is_blank() else int(str(event.value))
        if value == self.settings.fsm_project_id:
            return
        try:
            self._show(teams.set_fsm_project(self.desk.db, self.desk.ctx, self.settings.id, value))
        except AfterSalesError as refused:
            self.query_one("#fsm_project_id-error", Label).update(refused.message)
