"""Checking the records of one file: every value readable, every reference found, every
``ext_ref`` and every unique value used once. Problems name the file, the line and the field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ...i18n import _
from .files import LIST_SEPARATOR, Record, SourceFile
from .types import Column, RecordType
from .values import BadValue

# A value of a unique key: the stored value, or the id of a referenced record (a record new
# in this run is ("new", its ext_ref)).
Key = tuple[Any, ...]


@dataclass
class Row:
    """A record that passed its checks, ready to write."""

    file: str
    line: int
    ext_ref: str
    header: frozenset[str]
    values: dict[str, Any] = field(default_factory=dict)  # attribute -> value
    refs: dict[str, str | None] = field(default_factory=dict)  # column -> ext_ref
    many: dict[str, list[str]] = field(default_factory=dict)  # column -> ext_refs
    extra: dict[str, Any] = field(default_factory=dict)  # columns not on the record


@dataclass
class RunState:
    """What the run knows while it checks file after file, in the order of the types."""

    stored: dict[str, dict[str, int]]  # type -> ext_ref -> id (in the database)
    accepted: dict[str, set[str]]  # type -> ext_refs checked and to be written
    pending: dict[str, set[str]]  # type -> ext_refs of every record of the run (self refs)
    unique_stored: dict[tuple[str, tuple[str, ...]], dict[Key, int]]
    # lot ext_ref -> its product's ext_ref (None: a product without one)
    lot_products: dict[str, str | None] = field(default_factory=dict)
    seen: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    unique_seen: dict[tuple[str, tuple[str, ...]], dict[Key, str]] = field(default_factory=dict)

    def known(self, type_name: str, ref: str, own_type: str) -> bool:
        return (
            ref in self.stored.get(type_name, {})
            or ref in self.accepted.get(type_name, set())
            or (type_name == own_type and ref in self.pending.get(type_name, set()))
        )


def message(source: str, line: int, template: str, name: str, value: str = "") -> str:
    return _("{file} line {line}: {problem}").format(
        file=source, line=line, problem=template.format(field=name, value=value)
    )


def header_problems(rtype: RecordType, source: SourceFile) -> list[str]:
    """Unknown columns (a required column left out is a problem of each new record)."""
    known = {c.name for c in rtype.all_columns}
    problems = []
    for name in source.columns:
        if name not in known:
            line = source.header_line or _first_line_with(source.records, name)
            problems.append(message(source.name, line, _("unknown column '{field}'"), name))
    return problems


def _first_line_with(records: tuple[Record, ...], name: str) -> int:
    return next((r.line for r in records if name in r.values), 1)


def check_record(
    rtype: RecordType, source: SourceFile, record: Record, state: RunState
) -> tuple[Row | None, list[str]]:
    """The row to write, or the problems of this record."""
    problems: list[str] = []
    # CSV: the file's header; JSON: each record has its own fields
    names = source.columns if source.header_line is not None else tuple(record.values)
    header = _header(rtype, names)
    ext_ref = record.values.get("ext_ref", "")
    row = Row(source.name, record.line, ext_ref, header)

    def problem(template: str, name: str, value: str = "") -> None:
        problems.append(message(source.name, record.line, template, name, value))

    if record.extra_cells:
        problems.append(
            _("{file} line {line}: {n} more values than the header has columns").format(
                file=source.name, line=record.line, n=record.extra_cells
            )
        )
    known = ext_ref in state.stored.get(rtype.name, {})
    for column in rtype.all_columns:
        if column.name not in header:
            # a known record keeps what a file leaves out; a new one needs its required columns
            if column.required and not known:
                problem(_("{field} is required"), column.name)
            continue
        raw = record.values.get(column.name, "")
        if not raw:
            if column.required:
                problem(_("{field} is required"), column.name)
            _store(row, column, column.default if column.ref is None else None)
            continue
        if column.ref is not None:
            refs = [r.strip() for r in raw.split(LIST_SEPARATOR) if r.strip()]
            for target in refs if column.many else [raw]:
                if not state.known(column.ref, target, rtype.name):
                    problem(_("{field} '{value}' not found"), column.name, target)
            if column.many:
                row.many[column.name] = refs
            else:
                row.refs[column.name] = raw
            continue
        try:
            _store(row, column, column.read(raw))
        except BadValue as bad:
            problem(bad.template, column.name, raw)
    if ext_ref and not problems:
        _check_lot(rtype, row, state, problem)
    if ext_ref and not problems:
        _check_once(rtype, row, state, problem)
    if not problems and rtype.name == "lots":
        state.lot_products[ext_ref] = row.refs.get("product")
    return (None if problems else row), problems


def _check_lot(rtype: RecordType, row: Row, state: RunState, problem: Any) -> None:
    """A lot/serial named with a product must be one of that product's."""
    lot, product = row.refs.get("lot"), row.refs.get("product")
    if rtype.name == "lots" or not lot or not product:
        return
    if lot in state.lot_products and state.lot_products[lot] != product:
        problem(
            _("{field} '{value}' is not a lot of product '{product}'").replace(
                "{product}", product
            ),
            "lot",
            lot,
        )


@lru_cache(maxsize=64)
def _header(rtype: RecordType, names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(name for name in names if rtype.column(name) is not None)


def _store(row: Row, column: Column, value: Any) -> None:
    if column.ref is not None:
        row.refs[column.name] = None
    elif column.target is None:
        row.extra[column.name] = value
    else:
        row.values[column.target] = value


def _check_once(rtype: RecordType, row: Row, state: RunState, problem: Any) -> None:
    """The ext_ref once in the run; unique values not used by another record."""
    seen = state.seen.setdefault(rtype.name, {})
    if row.ext_ref in seen:
        where, line = seen[row.ext_ref]
        problem(
            _("{field} '{value}' is also on {where} line {line}")
            .replace("{where}", where)
            .replace("{line}", str(line)),
            "ext_ref",
            row.ext_ref,
        )
        return
    seen[row.ext_ref] = (row.file, row.line)
    own_id = state.stored.get(rtype.name, {}).get(row.ext_ref)
    for names in rtype.unique:
        key = _key(rtype, row, names, state)
        if key is None:
            continue
        stored = state.unique_stored.get((rtype.name, names), {})
        taken = state.unique_seen.setdefault((rtype.name, names), {})
        holder = stored.get(key)
        if (holder is not None and holder != own_id) or taken.get(key, row.ext_ref) != row.ext_ref:
            name = names[-1]
            shown = row.refs.get(name) or _raw(rtype, row, name)
            problem(_("{field} '{value}' is already used by another record"), name, shown)
        taken.setdefault(key, row.ext_ref)


def _raw(rtype: RecordType, row: Row, name: str) -> str:
    column = rtype.column(name)
    target = column.target if column is not None else name
    return str(row.values.get(target or name, ""))


def _key(rtype: RecordType, row: Row, names: tuple[str, ...], state: RunState) -> Key | None:
    parts: list[Any] = []
    for name in names:
        column = rtype.column(name)
        if column is None or name not in row.header:
            return None
        if column.ref is not None:
            target = row.refs.get(name)
            if target is None:
                return None
            stored = state.stored.get(column.ref, {}).get(target)
            parts.append(stored if stored is not None else ("new", target))
        else:
            value = row.values.get(column.target or name)
            if value in (None, ""):
                return None
            parts.append(value)
    return tuple(parts)


def unique_targets(rtype: RecordType) -> Mapping[tuple[str, ...], tuple[str, ...]]:
    """For each unique key of a type, the record attributes that hold it."""
    found: dict[tuple[str, ...], tuple[str, ...]] = {}
    for names in rtype.unique:
        attrs = []
        for name in names:
            column = rtype.column(name)
            assert column is not None and column.target is not None
            attrs.append(column.target)
        found[names] = tuple(attrs)
    return found
