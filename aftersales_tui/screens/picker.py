"""Choose one value from a list, typing to narrow it: agents, stages, priorities, sorts."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import _
from ..widgets.literal import literal, one_line

V = TypeVar("V", bound=Hashable)


@dataclass(frozen=True)
class Pick(Generic[V]):
    """What a picker returns: the chosen value (which may itself be ``None``, e.g. unassign)."""

    value: V


class PickerModal(ModalScreen[Pick[V] | None], Generic[V]):
    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(
        self,
        title: str,
        options: Sequence[tuple[str, V]],
        current: V | None = None,
        subtitle: str = "",
    ) -> None:
        super().__init__()
        self._title = title
        self._subtitle = subtitle
        self._options = list(options)
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-window picker-window"):
            yield Static(one_line(self._title), classes="modal-title")
            if self._subtitle:
                yield Static(literal(self._subtitle), classes="modal-subtitle")
            yield Input(
                placeholder=_("type to narrow, enter to choose"), id="picker-filter", compact=True
            )
            yield OptionList(id="picker-options")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-filter", Input).focus()

    def _fill(self, text: str) -> None:
        option_list = self.query_one("#picker-options", OptionList)
        option_list.clear_options()
        needle = text.strip().lower()
        highlight = 0
        shown = 0
        for index, (label, value) in enumerate(self._options):
            if needle and needle not in label.lower():
                continue
            marker = "● " if value == self._current else "  "
            option_list.add_option(Option(literal(marker + label), id=str(index)))
            if value == self._current and not needle:
                highlight = shown
            shown += 1
        if shown:
            option_list.highlighted = highlight

    @on(Input.Changed, "#picker-filter")
    def _narrow(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _choose_highlighted(self) -> None:
        option_list = self.query_one("#picker-options", OptionList)
        if option_list.highlighted is None:
            return
        option = option_list.get_option_at_index(option_list.highlighted)
        self._choose(option)

    @on(OptionList.OptionSelected, "#picker-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option)

    def _choose(self, option: Option) -> None:
        index = int(option.id or 0)
        self.dismiss(Pick(self._options[index][1]))

    def action_move(self, step: int) -> None:
        option_list = self.query_one("#picker-options", OptionList)
        if step > 0:
            option_list.action_cursor_down()
        else:
            option_list.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
