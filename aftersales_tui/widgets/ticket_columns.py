"""The ticket list's columns: which fit a width, and how a row or the header is drawn."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from .. import formatting as fmt
from ..i18n import _
from ..services import Context
from ..services import ticket_rows as tl
from .literal import clean

MARK = "●"
PADDING = 1
_BOLD = Style(bold=True)

# (key, label, width); a width of 0 takes what is left for the title. The number column
# also carries the mark (●) and is as wide as the widest number read so far.
Column = tuple[str, str, int]
COLUMNS: tuple[Column, ...] = (
    ("number", "#", 5),
    ("title", _("Title"), 0),
    ("customer", _("Customer"), 14),
    ("team", _("Team"), 12),
    ("stage", _("Stage"), 11),
    ("priority", _("Pri"), 3),
    ("assignee", _("Assigned"), 12),
    ("age", _("Age"), 4),
)
# Dropped first when the table is narrow, in this order.
OPTIONAL = ("team", "assignee", "age", "customer")
MIN_TITLE = 18
SORT_OF_COLUMN = {
    "number": tl.SortKey.NUMBER,
    "title": tl.SortKey.TITLE,
    "stage": tl.SortKey.STAGE,
    "priority": tl.SortKey.PRIORITY,
    "age": tl.SortKey.AGE,
}


def layout(width: int, digits: int) -> tuple[Column, ...]:
    """The columns that fit ``width``; the title takes what the others leave."""
    columns = [(key, label, digits + 1 if key == "number" else w) for key, label, w in COLUMNS]
    room = width

    def fixed() -> int:
        return sum(w + 2 * PADDING for _key, _label, w in columns if w)

    for optional in OPTIONAL:
        if fixed() + MIN_TITLE + 2 * PADDING <= room:
            break
        columns = [c for c in columns if c[0] != optional]
    title = max(MIN_TITLE, room - fixed() - 2 * PADDING)
    return tuple((key, label, w or title) for key, label, w in columns)


def sort_at(columns: tuple[Column, ...], x: int) -> tl.SortKey | None:
    """The sort of the header column at ``x`` (``None``: not a sortable column)."""
    left = 0
    for key, _label, width in columns:
        left += width + 2 * PADDING
        if x < left:
            return SORT_OF_COLUMN.get(key)
    return None


def strip(text: Text, style: Style, width: int, console: Console) -> Strip:
    segments = list(text.render(console))
    line = Strip(Segment.apply_style(segments, style), text.cell_len)
    return line.adjust_cell_length(width, style)


def line(columns: tuple[Column, ...], cells: list[Text]) -> Text:
    out = Text(no_wrap=True, end="")
    for (_key, _label, width), cell in zip(columns, cells, strict=True):
        cell = cell.copy()
        cell.truncate(width, overflow="ellipsis", pad=True)
        out.append(" " * PADDING)
        out.append_text(cell)
        out.append(" " * PADDING)
    return out


def header(columns: tuple[Column, ...], sort: tl.TicketSort) -> Text:
    return line(columns, [_header_cell(key, label, sort) for key, label, _w in columns])


def _header_cell(key: str, label: str, sort: tl.TicketSort) -> Text:
    if SORT_OF_COLUMN.get(key) == sort.key:
        arrow = " ▼" if sort.descending else " ▲"
        return Text(label + arrow)
    return Text(label)


# --- a row, drawn straight into segments (a screenful is redrawn on every keystroke) ----


def _fit(value: str, width: int) -> str:
    """``value`` cut with "…" or padded to ``width`` cells, as a truncated ``Text`` is."""
    length = cell_len(value)
    if length > width:
        return set_cell_size(value, width - 1) + "…"
    return value + " " * (width - length)


def _plain(value: str | None) -> str:
    """``value`` as ``one_line`` shows it."""
    return clean(" ".join((value or "").split()))


def _value(key: str, row: tl.TicketRow, marked: bool, ctx: Context) -> str:
    if key == "number":
        return f"{MARK}{row.number}" if marked else f" {row.number}"
    if key == "title":
        return _plain(row.title)
    if key == "customer":
        return _plain(row.customer)
    if key == "team":
        return _plain(row.team)
    if key == "stage":
        return fmt.stage_label(row.stage)
    if key == "priority":
        return fmt.priority_stars(row.priority)
    if key == "assignee":
        return _plain(row.assignee)
    return fmt.age(row.created_at, ctx.now())


def row_strip(
    columns: tuple[Column, ...],
    row: tl.TicketRow,
    marked: bool,
    ctx: Context,
    style: Style,
    width: int,
) -> Strip:
    """The line of ``row``: what ``strip(line(columns, cells(...)))`` draws, made faster."""
    pad = " " * PADDING
    text = "".join(pad + _fit(_value(key, row, marked, ctx), w) + pad for key, _l, w in columns)
    length = cell_len(text)
    mark = text.find(MARK) if marked and columns and columns[0][0] == "number" else -1
    if mark < 0:
        segments = [Segment(text, style)]
    else:  # the mark is bold
        end = mark + len(MARK)
        segments = [
            Segment(text[:mark], style),
            Segment(MARK, style + _BOLD),
            Segment(text[end:], style),
        ]
    return Strip(segments, length).adjust_cell_length(width, style)
