"""The chatter: a ticket's messages, newest first.

The messages are one text in one widget (a ticket's screen opens quicker with a widget less
per message), scrolled by the log around it: a blank line after each message, notes in the
normal text colour and events muted, as separate widgets showed them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget

from .. import formatting as fmt
from ..i18n import _
from ..models import MessageKind
from ..services.chatter import ChatterEntry
from .literal import clean

# Lines of the chatter turned into strips together (at least; or as many as the log shows),
# when one of them comes on view.
BLOCK = 8

_KIND = {MessageKind.NOTE: _("note"), MessageKind.EMAIL: _("email"), MessageKind.EVENT: ""}


def entry_text(entry: ChatterEntry, tz: tzinfo, today: date) -> Content:
    """One message: its author, when, its kind (note, email), then what it says."""
    author = " ".join((entry.author or _("System")).split())
    parts: list[str | tuple[str, str]] = [
        (clean(author), "bold"),
        (f" · {fmt.moment(entry.created_at, tz, today)}", "dim"),
    ]
    kind = _KIND.get(entry.kind, "")
    if kind:
        parts.append((f"  ({kind})", "italic"))
    parts += ["\n", clean(entry.body)]
    return Content.assemble(*parts)


class ChatterText(Widget):
    """Every message of the chatter, as one text.

    Textual draws only the lines on view: the text is wrapped once for the width (which also
    gives the height), and a line becomes a strip the first time it is shown.
    """

    COMPONENT_CLASSES = {"chatter-text--note", "chatter-text--event"}
    DEFAULT_CSS = """
    ChatterText {
        height: auto;
    }
    """

    def __init__(self, messages: Sequence[Content], kinds: Sequence[MessageKind]) -> None:
        super().__init__()
        self.messages = list(messages)
        self.kinds = list(kinds)
        self._text: tuple[object, Content] | None = None
        self._lines: tuple[Content, int, list[Content]] | None = None
        self._strips: tuple[list[Content], Style, dict[int, Strip]] | None = None

    def show(self, messages: Sequence[Content], kinds: Sequence[MessageKind]) -> None:
        self.messages = list(messages)
        self.kinds = list(kinds)
        self._text = None
        self.refresh(layout=True)

    def _kind_style(self, kind: MessageKind) -> Style:
        name = "note" if kind == MessageKind.NOTE else "event"
        return Style.from_rich_style(self.get_component_rich_style(f"chatter-text--{name}"))

    def render(self) -> Content:
        """The text (kept until the messages or the colours change)."""
        styles = (self._kind_style(MessageKind.NOTE), self._kind_style(MessageKind.EVENT))
        if self._text is None or self._text[0] != styles:
            self._text = (styles, self._join(*styles))
        return self._text[1]

    def _join(self, note: Style, event: Style) -> Content:
        if not self.messages:
            return Content.styled(_("No messages yet"), "dim")
        kind_styles = {MessageKind.NOTE: note, MessageKind.EVENT: event}
        parts: list[Content] = []
        for message, kind in zip(self.messages, self.kinds, strict=True):
            style = kind_styles.get(kind)
            parts.append(message if style is None else message.stylize_before(style))
        # A blank line after each message, the last one included.
        return Content("\n\n").join(parts) + "\n"

    def wrapped(self, width: int) -> list[Content]:
        """The text's lines at ``width`` (kept for the last text and width)."""
        text = self.render()
        if self._lines is None or self._lines[0] is not text or self._lines[1] != width:
            self._lines = (text, width, text.wrap(width) if width > 0 else [])
        return self._lines[2]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.wrapped(width))

    def render_line(self, y: int) -> Strip:
        if self.text_selection is not None:  # Textual draws a selection over the whole text
            return super().render_line(y)
        width = self.size.width
        lines = self.wrapped(width)
        style = self.visual_style
        if self._strips is None or self._strips[0] is not lines or self._strips[1] != style:
            self._strips = (lines, style, {})
        strips = self._strips[2]
        if y not in strips:
            if y >= len(lines):
                return Strip.blank(width, style.rich_style)
            # The lines of a view around y, in one go (a line at a time costs more).
            size = max(BLOCK, self.parent.size.height if isinstance(self.parent, Widget) else 0)
            start = y - y % size
            block = Content("\n").join(lines[start : start + size])
            for offset, strip in enumerate(Visual.to_strips(self, block, width, None, style)):
                strips[start + offset] = strip
        return strips[y]


class ChatterLog(VerticalScroll):
    def __init__(
        self,
        entries: Sequence[ChatterEntry] = (),
        tz: tzinfo | None = None,
        today: date | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.entries: tuple[ChatterEntry, ...] = ()
        self._messages: list[Content] = []
        if entries and tz is not None and today is not None:
            self._read(entries, tz, today)

    def _read(self, entries: Sequence[ChatterEntry], tz: tzinfo, today: date) -> None:
        self.entries = tuple(entries)
        self._messages = [entry_text(entry, tz, today) for entry in entries]

    def compose(self) -> ComposeResult:
        yield ChatterText(self._messages, [entry.kind for entry in self.entries])

    def show(self, entries: Sequence[ChatterEntry], tz: tzinfo, today: date) -> None:
        if tuple(entries) == self.entries:
            return
        self._read(entries, tz, today)
        for text in self.query(ChatterText):  # none before it is composed
            text.show(self._messages, [entry.kind for entry in self.entries])

    @property
    def text(self) -> Content:
        """What the chatter says, with its styles, a blank line between two messages."""
        return Content("\n\n").join(self._messages)
