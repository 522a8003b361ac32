"""A field that holds one record chosen by searching the database: a customer, a lot.

Closed, it shows the chosen record (or its blank text). Typing a letter or pressing enter
opens a search box over the form: each keystroke asks ``search`` (a service function) for
at most a screenful of matches; up/down move among them, enter chooses, escape closes without
change. Nothing is read before the agent searches, so the form costs the same whatever the
size of the database. A choice posts ``RecordPicker.Changed``, as a Select would.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import _
from ..services.directory import Choice
from .literal import one_line

Search = Callable[[str], list[Choice]]

NONE_ID = "none"


class RecordPicker(Widget, can_focus=True):
    """One record of a growing table, chosen by typing the start of its name."""

    BINDINGS = [
        Binding("enter", "open", _("Search records"), show=False),
        Binding("down", "down", show=False),
        Binding("up", "up", show=False),
        Binding("escape", "close", _("Close the search"), show=False),
        Binding("delete", "clear", _("Clear the field"), show=False),
    ]

    class Changed(Message):
        """The agent chose another record (``value`` None: cleared)."""

        def __init__(self, picker: RecordPicker, value: int | None) -> None:
            super().__init__()
            self.picker = picker
            self.value = value

        @property
        def control(self) -> RecordPicker:
            return self.picker

    def __init__(
        self,
        search: Search,
        chosen: Choice | None = None,
        *,
        blank: str = _("(none)"),
        optional: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.search = search
        self._chosen = chosen
        self._blank = blank
        self._optional = optional
        self._matches: list[Choice] = []

    # --- what it holds ------------------------------------------------------------------

    @property
    def value(self) -> int | None:
        return self._chosen.id if self._chosen is not None else None

    @property
    def chosen(self) -> Choice | None:
        return self._chosen

    def choose(self, choice: Choice | None) -> None:
        """Set the record shown (from the form, not the agent: no Changed message)."""
        self._chosen = choice
        if self.is_mounted:
            self._show_current()

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(classes="picker-current"):
            label = Static(self._current_text(), classes="picker-label")
            label.set_class(self._chosen is None, "-blank")
            yield label
            yield Static("▼", classes="picker-arrow")
        with Vertical(classes="picker-dropdown") as dropdown:
            dropdown.display = False
            yield Input(
                placeholder=_("type the start of a name"),
                classes="picker-search",
                select_on_focus=False,
                compact=True,
            )
            matches = OptionList(classes="picker-matches", compact=True)
            matches.can_focus = False  # up/down from the search box move in it; tab leaves
            yield matches

    def _current_text(self) -> Text:
        if self._chosen is None:
            return Text(self._blank)
        return one_line(self._chosen.label)

    def _show_current(self) -> None:
        label = self.query_one(".picker-label", Static)
        label.update(self._current_text())
        label.set_class(self._chosen is None, "-blank")

    @property
    def is_open(self) -> bool:
        return self.query_one(".picker-dropdown").display

    def _show_search(self, shown: bool) -> None:
        # Set on the widget itself (not by a class) so that the box is focusable at once.
        self.query_one(".picker-dropdown").display = shown

    # --- opening, searching, choosing ---------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A letter typed on the closed field starts a search with it (and the letters typed
        before the search box has the focus go on into it)."""
        if self.app.focused is not self or self.disabled:
            return
        if not event.is_printable or not event.character:
            return
        if self.is_open:
            self.query_one(".picker-search", Input).insert_text_at_cursor(event.character)
        elif event.character != " ":
            self._open(event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    def action_open(self) -> None:
        if not self.is_open and not self.disabled:
            self._open("")

    def action_down(self) -> None:
        if self.is_open:
            self.query_one(".picker-matches", OptionList).action_cursor_down()
        else:
            self.action_open()

    def action_up(self) -> None:
        self.query_one(".picker-matches", OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.close()

    def action_clear(self) -> None:
        if self._chosen is not None:
            self._pick(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("up", "close"):
            return self.is_open
        if action == "clear":
            return self._optional and not self.is_open and not self.disabled
        return True

    def _open(self, text: str) -> None:
        self._show_search(True)
        box = self.query_one(".picker-search", Input)
        with box.prevent(Input.Changed):
            box.value = text
        box.cursor_position = len(text)
        box.focus()
        self._search(text)

    def close(self) -> None:
        if self.is_open:
            self._show_search(False)
            self.focus()

    @on(Input.Changed, ".picker-search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._search(event.value)

    def _search(self, text: str) -> None:
        self._matches = self.search(text)
        blank_first = self._optional and not text.strip()
        options: list[Option] = []
        if blank_first:
            options.append(Option(Text(self._blank, style="dim"), id=NONE_ID))
        options += [
            Option(one_line(c.label), id=str(index)) for index, c in enumerate(self._matches)
        ]
        if not self._matches and text.strip():
            options.append(Option(Text(_("no match"), style="dim italic"), disabled=True))
        matches = self.query_one(".picker-matches", OptionList)
        matches.clear_options()
        matches.add_options(options)
        current = next((i for i, c in enumerate(self._matches) if c.id == self.value), None)
        if current is not None and not text.strip():
            matches.highlighted = current + (1 if blank_first else 0)
        elif options and not options[0].disabled:
            matches.highlighted = 0

    @on(Input.Submitted, ".picker-search")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        matches = self.query_one(".picker-matches", OptionList)
        if matches.highlighted is not None:  # else nothing matches: the search stays open
            self._chose_option(matches.get_option_at_index(matches.highlighted))

    @on(OptionList.OptionSelected, ".picker-matches")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._chose_option(event.option)

    def _chose_option(self, option: Option) -> None:
        if option.disabled:
            return
        if option.id == NONE_ID:
            self._pick(None)
        elif option.id is not None:
            self._pick(self._matches[int(option.id)])

    def _pick(self, choice: Choice | None) -> None:
        self.close()
        if (choice.id if choice else None) == self.value:
            return
        self.choose(choice)
        self.post_message(self.Changed(self, self.value))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Leaving the search box (tab, a click elsewhere) closes it."""
        self.call_after_refresh(self._close_if_left)

    def _close_if_left(self) -> None:
        focused = self.app.focused
        if self.is_open and (focused is None or self not in focused.ancestors_with_self):
            self._show_search(False)
