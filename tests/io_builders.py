"""Builders for the import / export tests: sample files, small CSV / JSON files, look-ups."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlmodel import SQLModel, select

from aftersales_tui.db import Database
from aftersales_tui.services import Context
from aftersales_tui.services.importing.run import ImportOptions, ImportReport, import_files

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def sample_paths() -> list[Path]:
    return sorted(SAMPLES.iterdir())


def import_samples(db: Database, ctx: Context) -> ImportReport:
    report = import_files(db, ctx, sample_paths())
    assert report.problems == []
    return report


def run(db: Database, ctx: Context, *paths: Path, **options: Any) -> ImportReport:
    return import_files(db, ctx, list(paths), ImportOptions(**options))


def csv_file(folder: Path, name: str, header: Sequence[str], *rows: Sequence[Any]) -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def json_file(folder: Path, name: str, records: list[dict[str, Any]]) -> Path:
    path = folder / name
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    return path


def by_ref(db: Database, model: type[SQLModel], ext_ref: str) -> Any:
    with db.read() as session:
        found = session.exec(
            select(model).where(model.ext_ref == ext_ref)  # type: ignore[attr-defined]
        ).one()
        return found


def count(db: Database, model: type[SQLModel]) -> int:
    with db.read() as session:
        return len(session.exec(select(model)).all())


def counts(report: ImportReport) -> dict[str, tuple[int, int, int]]:
    return {name: (c.created, c.updated, c.skipped) for name, c in report.counts.items()}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))
