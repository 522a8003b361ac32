"""One import run: read the files, check them type by type (references may point into any
file of the run), then write what passed in one transaction, and count."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from ...db import Database
from ...i18n import _
from ...models import Lot, Product
from ..context import Context
from ..demo.bulk import table_of
from .checks import Row, RunState, check_record, header_problems, unique_targets
from .files import ImportFileError, SourceFile, read_file
from .types import BY_NAME, TYPES, RecordType, recognise
from .writing import Writer, finish, stored_refs

Progress = Callable[[int, int], None]

# Above this many tickets, the full-text index is rebuilt once at the end rather than kept
# row by row.
BULK_TICKETS = 2_000


@dataclass(frozen=True)
class ImportOptions:
    type_name: str | None = None  # every file holds this type (else: recognised)
    dry_run: bool = False
    skip_bad_rows: bool = False


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    skipped: int = 0


@dataclass
class ImportReport:
    counts: dict[str, Counts] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def type_of(source: SourceFile, type_name: str | None) -> RecordType:
    if type_name is not None:
        if type_name not in BY_NAME:
            raise ImportFileError(
                _("Unknown record type '{name}' (one of: {names})").format(
                    name=type_name, names=", ".join(BY_NAME)
                )
            )
        return BY_NAME[type_name]
    found = recognise(source.path.stem, source.columns)
    if found is None:
        raise ImportFileError(
            _(
                "{file}: cannot tell which records it holds: name it after its type "
                "(customers.csv, ...) or give --type"
            ).format(file=source.name)
        )
    return found


def read_files(paths: Sequence[Path], type_name: str | None) -> list[tuple[RecordType, SourceFile]]:
    """Every file read and typed; ``ImportFileError`` for the first that cannot be."""
    found = []
    for path in paths:
        source = read_file(path)
        found.append((type_of(source, type_name), source))
    return found


def import_files(
    db: Database,
    ctx: Context,
    paths: Sequence[Path],
    options: ImportOptions = ImportOptions(),
    progress: Progress | None = None,
) -> ImportReport:
    """Import the files; nothing of a file with problems is written (unless
    ``skip_bad_rows``: then only its bad records are left out). ``ImportFileError`` when a
    file cannot be used at all (nothing is written then)."""
    files = read_files(paths, options.type_name)
    total = 2 * sum(len(source.records) for _t, source in files) or 1
    done = 0

    def advance(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(done, total)

    tickets = sum(len(s.records) for t, s in files if t.name == "tickets")
    scope: AbstractContextManager[Session]
    if options.dry_run:
        scope = db.read()
    else:
        scope = db.bulk_write() if tickets > BULK_TICKETS else db.write()
    report = ImportReport()
    with scope as session:
        state = _state(session, files)
        accepted: dict[str, list[Row]] = {}
        for rtype in TYPES:
            for source in (s for t, s in files if t is rtype):
                rows = _check_file(rtype, source, state, options, report)
                accepted.setdefault(rtype.name, []).extend(rows)
                state.accepted.setdefault(rtype.name, set()).update(r.ext_ref for r in rows)
                advance(len(source.records))
        writer = Writer(session, ctx.now(), state.stored)
        for rtype in TYPES:
            rows = accepted.get(rtype.name, [])
            if not rows:
                continue
            counts = report.counts.setdefault(rtype.name, Counts())
            if options.dry_run:
                known = state.stored.get(rtype.name, {})
                counts.updated += sum(1 for r in rows if r.ext_ref in known)
                counts.created += len(rows) - sum(1 for r in rows if r.ext_ref in known)
            else:
                created, updated = writer.write(rtype, rows)
                counts.created += created
                counts.updated += updated
            advance(len(rows))
        if not options.dry_run:
            finish(writer)
            report.written = any(c.created or c.updated for c in report.counts.values())
    return report


def _state(session: Session, files: list[tuple[RecordType, SourceFile]]) -> RunState:
    """What the database already holds: every type's ext_refs, the values that must stay
    unique for the types being imported."""
    stored = {rtype.name: stored_refs(session, rtype) for rtype in TYPES}
    unique: dict[tuple[str, tuple[str, ...]], dict[tuple[object, ...], int]] = {}
    pending: dict[str, set[str]] = {}
    for rtype in [t for t in TYPES if any(t is f for f, _s in files)]:
        table = table_of(rtype.model)
        for names, attrs in unique_targets(rtype).items():
            query = select(table.c.id, *(table.c[a] for a in attrs))
            unique[(rtype.name, names)] = {
                tuple(values): id_ for id_, *values in session.execute(query)
            }
    for rtype, source in files:
        pending.setdefault(rtype.name, set()).update(
            r.values["ext_ref"] for r in source.records if r.values.get("ext_ref")
        )
    lots, products = table_of(Lot), table_of(Product)
    query = select(lots.c.ext_ref, products.c.ext_ref).join(
        products, products.c.id == lots.c.product_id
    )
    lot_products = dict(session.execute(query.where(lots.c.ext_ref.is_not(None))).all())
    return RunState(
        stored=stored,
        accepted={},
        pending=pending,
        unique_stored=unique,
        lot_products=lot_products,
    )


def _check_file(
    rtype: RecordType,
    source: SourceFile,
    state: RunState,
    options: ImportOptions,
    report: ImportReport,
) -> list[Row]:
    problems = header_problems(rtype, source)
    rows: list[Row] = []
    for record in source.records:
        row, found = check_record(rtype, source, record, state)
        problems += found
        if row is not None:
            rows.append(row)
    report.problems += problems
    counts = report.counts.setdefault(rtype.name, Counts())
    if problems and not options.skip_bad_rows:
        counts.skipped += len(source.records)
        return []
    counts.skipped += len(source.records) - len(rows)
    return rows
