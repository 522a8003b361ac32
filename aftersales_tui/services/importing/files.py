"""Reading import files: CSV (a header line, then one record a line) or JSON (a list of
objects), each record with the line it starts on, every value as text."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...i18n import _
from ..errors import AfterSalesError

# A list cell in CSV (followers): references separated by this.
LIST_SEPARATOR = ";"


class ImportFileError(AfterSalesError):
    """A file cannot be used at all (unreadable, not CSV/JSON, unknown record type)."""


@dataclass(frozen=True)
class Record:
    line: int
    values: dict[str, str]
    extra_cells: int = 0  # CSV: values beyond the header's columns


@dataclass(frozen=True)
class SourceFile:
    path: Path
    columns: tuple[str, ...]
    records: tuple[Record, ...]
    # where unknown columns are reported: the header line (CSV) or each record (JSON)
    header_line: int | None

    @property
    def name(self) -> str:
        return self.path.name


def read_file(path: Path) -> SourceFile:
    """The records of one CSV or JSON file (by its extension)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ImportFileError(
            _("{file}: not a CSV or JSON file (expected .csv or .json)").format(file=path.name)
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else _("not UTF-8 text")
        raise ImportFileError(
            _("{file}: cannot be read: {reason}").format(file=path.name, reason=reason)
        ) from exc
    return _read_csv(path, text) if suffix == ".csv" else _read_json(path, text)


def _read_csv(path: Path, text: str) -> SourceFile:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise ImportFileError(_("{file}: empty file (no header line)").format(file=path.name))
        columns = tuple(c.strip() for c in header)
        records = []
        start = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                extra = max(0, len(cells) - len(columns))
                cells += [""] * (len(columns) - len(cells))
                values = {c: cells[i].strip() for i, c in enumerate(columns)}
                records.append(Record(start, values, extra))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(
            _("{file} line {line}: not valid CSV: {reason}").format(
                file=path.name, line=reader.line_num, reason=exc
            )
        ) from exc
    return SourceFile(path, columns, tuple(records), header_line=1)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_cell(v) for v in value)
    if isinstance(value, float | Decimal):
        return str(Decimal(str(value)))
    return str(value).strip()


def _read_json(path: Path, text: str) -> SourceFile:
    """A list of objects; each record's line is where its object starts."""
    decoder = json.JSONDecoder(parse_float=Decimal)
    records: list[Record] = []
    columns: dict[str, None] = {}
    try:
        position = _skip(text, 0)
        if position >= len(text) or text[position] != "[":
            raise ImportFileError(
                _("{file}: expected a list of records ([{{...}}, ...])").format(file=path.name)
            )
        position = _skip(text, position + 1)
        while position < len(text) and text[position] != "]":
            line = text.count("\n", 0, position) + 1
            value, position = decoder.raw_decode(text, position)
            if not isinstance(value, dict):
                raise ImportFileError(
                    _("{file} line {line}: a record must be an object ({{...}})").format(
                        file=path.name, line=line
                    )
                )
            records.append(Record(line, {str(k): _cell(v) for k, v in value.items()}))
            columns.update(dict.fromkeys(str(k) for k in value))
            position = _skip(text, position)
            if position < len(text) and text[position] == ",":
                position = _skip(text, position + 1)
        if position >= len(text):
            raise ValueError(_("the list is not closed"))
    except ValueError as exc:
        line = text.count("\n", 0, getattr(exc, "pos", len(text))) + 1
        raise ImportFileError(
            _("{file} line {line}: not valid JSON: {reason}").format(
                file=path.name, line=line, reason=getattr(exc, "msg", str(exc))
            )
        ) from exc
    return SourceFile(path, tuple(columns), tuple(records), header_line=None)


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
