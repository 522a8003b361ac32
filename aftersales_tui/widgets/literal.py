"""Database text shown exactly as typed: never Rich markup, never terminal escapes."""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls except tab and newline, DEL, the C1 range, and the bidirectional controls
# (marks, embeddings, overrides, isolates) that would reorder what follows them on screen.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␀ for NUL, ...
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"  # a bidirectional control, shown as its code


def clean(value: str) -> str:
    """``value`` with every control character replaced by a visible stand-in."""
    return _CONTROL.sub(_picture, value)


def literal(value: str | None, style: str = "") -> Text:
    """A Rich ``Text`` holding ``value`` literally (markup-looking brackets stay brackets)."""
    return Text(clean(value or ""), style=style)


def folded(value: str | None, style: str = "") -> Text:
    """Like ``literal`` with line breaks folded to spaces (it still wraps to the width)."""
    return literal(" ".join((value or "").split()), style=style)


def one_line(value: str | None, style: str = "") -> Text:
    """Like ``folded``, kept on one line and cut with "…" when too long."""
    text = folded(value, style=style)
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text
