"""The base of the desk's full screens: access to the desk, `?` help, `q` back."""

from __future__ import annotations

from typing import Any, cast

from textual.binding import Binding
from textual.screen import Screen

from ..desk import Desk, HasDesk
from ..i18n import _
from ..services.context import Context
from ..workers import ReportsWorkerErrors


def desk_of(screen: Screen[Any]) -> Desk:
    return cast(HasDesk, screen.app).desk


class DeskScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("q", "back", _("Back"), id="back"),
        Binding("question_mark", "help", _("Help"), key_display="?", id="help"),
    ]

    @property
    def desk(self) -> Desk:
        """The open desk (waits for it while it is being opened, after the first paint)."""
        return desk_of(self)

    @property
    def agent_ctx(self) -> Context:
        """Who is acting, known before the desk is open."""
        return cast(HasDesk, self.app).agent_ctx

    @property
    def agent_name(self) -> str:
        return cast(HasDesk, self.app).agent_name

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen(self))
