"""The README's file formats are the import's own, and every documented column is accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftersales_tui.db import Database
from aftersales_tui.services import Context
from aftersales_tui.services.importing.docs import format_tables
from aftersales_tui.services.importing.types import TYPES, RecordType, example_of

from .io_builders import counts, csv_file, import_samples, run

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_shows_the_formats_as_they_are() -> None:
    assert format_tables() in README.read_text(encoding="utf-8")


@pytest.mark.parametrize("rtype", TYPES, ids=lambda t: t.name)
def test_every_documented_column_is_accepted(
    db: Database, ctx: Context, tmp_path: Path, rtype: RecordType
) -> None:
    import_samples(db, ctx)
    names = [c.name for c in rtype.all_columns]
    path = csv_file(
        tmp_path, f"{rtype.name}.csv", names, [example_of(c) for c in rtype.all_columns]
    )
    report = run(db, ctx, path)
    assert report.problems == []
    assert counts(report) == {rtype.name: (0, 1, 0)}
