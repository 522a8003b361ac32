"""The Textual application: screens, theme, command palette, and worker errors."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from .desk import Desk
from .i18n import _
from .keys import screen_keys
from .screens.home import HomeScreen
from .workers import ReportsWorkerErrors

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

    def __init__(self, desk: Desk, *, theme: str | None = None) -> None:
        super().__init__()
        self.desk = desk
        self._theme_name = theme or DEFAULT_THEME

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
