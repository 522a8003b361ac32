"""The Textual application: screens, theme, command palette, and worker errors."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from .desk import Desk, DeskOpening
from .i18n import _
from .keys import screen_keys
from .screens.home import HomeScreen
from .services.context import Context
from .workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from .services.first_page import FirstPage

STYLES = Path(__file__).parent / "styles"
DEFAULT_THEME = "textual-dark"


class AfterSalesApp(ReportsWorkerErrors, App[None]):
    TITLE = "aftersales"
    CSS_PATH = [
        STYLES / "app.tcss",
        STYLES / "home.tcss",
        STYLES / "ticket.tcss",
        STYLES / "modals.tcss",
        STYLES / "team_settings.tcss",
        STYLES / "field_service.tcss",
        STYLES / "repairs.tcss",
        STYLES / "returns.tcss",
        STYLES / "record_picker.tcss",
    ]
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, desk: Desk | DeskOpening, *, theme: str | None = None) -> None:
        super().__init__()
        self._theme_name = theme or DEFAULT_THEME
        # Why the desk could not be opened in the background (the app then exits with 2).
        self.failure: BaseException | None = None
        if isinstance(desk, Desk):
            self._desk: Desk | None = desk
            self._opening: DeskOpening | None = None
            self.agent_ctx: Context = desk.ctx
            self.agent_name: str = desk.agent_name
            self.first_page: FirstPage | None = None
        else:
            self._desk = None
            self._opening = desk
            self.agent_ctx = desk.first.ctx
            self.agent_name = desk.first.agent_name
            self.first_page = desk.first

    @property
    def desk(self) -> Desk:
        """The open desk; while it is being opened in the background, waits for it."""
        if self._desk is None:
            assert self._opening is not None
            self._desk = self._opening.wait()
        return self._desk

    @property
    def desk_opening(self) -> DeskOpening | None:
        return self._opening

    def open_desk(self) -> None:
        """Once the first rows are painted: open the desk in the background (if it is not
        open yet). A desk that cannot be opened ends the app with its reason."""
        if self._opening is not None:
            self._opening.start(self._opened_in_thread)

    def _opened_in_thread(self) -> None:
        if self._opening is not None and self._opening.failure is not None:
            try:
                self.call_from_thread(self._failed, self._opening.failure)
            except RuntimeError:  # the app has already stopped
                pass

    def _failed(self, problem: BaseException) -> None:
        self.failure = problem
        self.exit(return_code=2)

    def on_mount(self) -> None:
        if self._theme_name in self.available_themes:
            self.theme = self._theme_name
        else:
            self.notify(
                _("Unknown theme {name}; themes: {known}").format(
                    name=self._theme_name, known=", ".join(sorted(self.available_themes))
                ),
                severity="warning",
                timeout=10,
            )
        self.push_screen(HomeScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers the screen's own keys first, under the same names as `?`."""
        for key in screen_keys(screen):
            if key.enabled and key.is_command:
                yield SystemCommand(
                    key.description,
                    _("key: {key}").format(key=key.key),
                    partial(self.run_action, key.action, key.node),
                )
        yield from super().get_system_commands(screen)
