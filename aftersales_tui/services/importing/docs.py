"""The file formats written out (the README's tables are this function's output)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from . import values as v
from .types import TYPES, Column, example_of

_KINDS: dict[Any, str] = {
    v.number: "number",
    v.positive: "number, 0 or more",
    v.integer: "whole number",
    v.day: "date YYYY-MM-DD",
    v.moment: "timestamp ISO 8601 (UTC unless an offset)",
    v.boolean: "true / false",
}


def describe(column: Column) -> str:
    """What a column holds, and its default."""
    if column.ref is not None:
        several = ", several separated by `;` (JSON: a list)" if column.many else ""
        return f"ext_ref of {column.ref}{several}"
    read = column.read
    if isinstance(read, v.Choice):
        kind = "one of " + ", ".join(f"`{value}`" for value in read.members)
    elif isinstance(read, v.Text):
        kind = "text" if read.max_length is None else f"text, at most {read.max_length} characters"
    else:
        kind = _KINDS[read]
    default = column.default
    if column.required or default in (None, ""):
        return kind
    if isinstance(default, StrEnum):
        shown = default.value
    elif isinstance(default, bool):
        shown = "true" if default else "false"
    else:
        shown = str(default)
    return f"{kind} (default `{shown}`)"


def format_tables() -> str:
    """One Markdown table per record type: column, required, value, example."""
    parts = []
    for rtype in TYPES:
        lines = [
            f"#### `{rtype.name}` ({rtype.title.lower()})",
            "",
            "| column | required | value | example |",
            "|---|---|---|---|",
        ]
        for column in rtype.all_columns:
            required = "yes" if column.required else ""
            lines.append(
                f"| `{column.name}` | {required} | {describe(column)} | `{example_of(column)}` |"
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
