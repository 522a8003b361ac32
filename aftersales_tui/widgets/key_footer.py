"""The keys of the screen on its bottom line: one widget, where Textual's Footer mounts one per key.

It looks like Textual's compact ``Footer`` (the key in the accent colour, its description
beside it, the command palette key on the right behind a thin bar) and reads the same
bindings: those the screen shows, the first key of each action, dimmed when disabled. A key
that does not fit is left out whole, never cut in the middle of its word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widget import Widget

from .fitted import Fitted

# The thin bar before the command palette key (the left edge of Textual's "vkey" border).
PALETTE_BAR = "▏"


@dataclass(frozen=True)
class FooterItem:
    key: str
    key_display: str
    description: str
    enabled: bool

    @property
    def width(self) -> int:
        if not self.description:
            return cell_len(self.key_display)
        return cell_len(self.key_display) + 1 + cell_len(self.description)


def layout(
    items: list[FooterItem], palette: FooterItem | None, width: int
) -> tuple[list[tuple[int, FooterItem]], int | None]:
    """Where each key goes on a line ``width`` cells wide: ``(x, item)`` of the keys that fit
    whole from the left, one cell apart, and the x of the palette key (its bar) on the right,
    one cell short of the edge as in Textual's Footer."""
    palette_x = None
    room = width
    if palette is not None and palette.width + 2 <= width:
        palette_x = width - palette.width - 2
        room = palette_x
    placed = []
    x = 0
    for item in items:
        if x + item.width > room:
            break
        placed.append((x, item))
        x += item.width + 1
    return placed, palette_x


class _FooterLine:
    """The line itself, laid out for the width it is given (kept for the last width)."""

    def __init__(
        self,
        items: list[FooterItem],
        palette: FooterItem | None,
        styles: dict[str, Style],
        hover: str | None,
    ) -> None:
        self.items = items
        self.palette = palette
        self.styles = styles
        self.hover = hover
        self._laid_out: tuple[int, Content] | None = None

    def _item(self, item: FooterItem) -> list[tuple[str, Style]]:
        base = self.styles["item"]
        if item.key == self.hover:
            base = base + self.styles["hover"]
        if not item.enabled:
            base = base + Style(dim=True)
        key = base + self.styles["key"]
        if not item.description:
            return [(item.key_display, key)]
        description = base + self.styles["description"]
        return [(item.key_display, key), (" " + item.description, description)]

    def lay_out(self, width: int) -> Content:
        if self._laid_out is not None and self._laid_out[0] == width:
            return self._laid_out[1]
        placed, palette_x = layout(self.items, self.palette, width)
        parts: list[str | tuple[str, Style]] = []
        x = 0
        for item_x, item in placed:
            parts.append(" " * (item_x - x))
            parts += self._item(item)
            x = item_x + item.width
        if palette_x is not None and self.palette is not None:
            parts.append(" " * (palette_x - x))
            parts.append((PALETTE_BAR, self.styles["bar"]))
            parts += self._item(self.palette)
        line = Content.assemble(*parts)
        self._laid_out = (width, line)
        return line


class KeyFooter(Widget, can_focus=False):
    """The screen's keys, as Textual's compact Footer shows them, in a single widget."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-footer--item",
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--bar",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--item {
            background: $footer-item-background;
        }
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .key-footer--bar {
            color: $foreground 20%;
            background: $footer-item-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._hover: str | None = None
        self._line: _FooterLine | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[Any]) -> None:
        """The screen says its keys may have changed (it does each time it comes back):
        draw the line again only if they did."""
        line = self._line
        if line is not None and self.keys() == (line.items, line.palette):
            return
        self._line = None
        self.refresh()

    def keys(self) -> tuple[list[FooterItem], FooterItem | None]:
        """The keys shown (the first key of each action), and the command palette's key."""
        app = self.app
        active = self.screen.active_bindings
        items: list[FooterItem] = []
        actions: set[str] = set()
        for _node, binding, enabled, _tooltip in active.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            items.append(
                FooterItem(binding.key, app.get_key_display(binding), binding.description, enabled)
            )
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = FooterItem(
                binding.key, app.get_key_display(binding), binding.description, enabled
            )
        return items, palette

    def render(self) -> Fitted:
        """The line, kept until the keys, the colours or the key under the mouse change
        (Textual asks for it again at each layout)."""
        styles = {
            name: Style.from_rich_style(self.get_component_rich_style(f"key-footer--{name}"))
            for name in ("item", "key", "description", "hover", "bar")
        }
        if self._line is None or self._line.styles != styles:
            items, palette = self.keys()
            self._line = _FooterLine(items, palette, styles, self._hover)
        return Fitted(self._line.lay_out)

    def _item_at(self, x: int) -> FooterItem | None:
        items, palette = self.keys()
        placed, palette_x = layout(items, palette, self.size.width)
        if palette is not None and palette_x is not None and x > palette_x:
            return palette
        for item_x, item in placed:
            if item_x <= x < item_x + item.width:
                return item
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        item = self._item_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self._item_at(event.x)
        hover = item.key if item is not None else None
        if hover != self._hover:
            self._hover = hover
            self._line = None
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self._line = None
            self.refresh()
