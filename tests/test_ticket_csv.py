"""The ticket list as a CSV file, from the service and from the home screen's `e` key."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftersales_tui.db import Database
from aftersales_tui.models import Stage
from aftersales_tui.screens.home import HomeScreen
from aftersales_tui.services import Context, ticket_csv
from aftersales_tui.services import ticket_list as tl

from .io_builders import read_csv
from .ui import make_app, press, settle, type_text


def listed(db: Database, ctx: Context, flt: tl.TicketFilter, sort: tl.TicketSort) -> list[str]:
    with db.read() as session:
        return [str(r.number) for r in tl.fetch_page(session, ctx, flt, sort, 0, 10_000)]


def test_the_file_holds_the_list_in_windows(
    demo_db: Database, ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ticket_csv, "WINDOW", 7)  # many windows, one partly filled
    flt = tl.TicketFilter(stage=Stage.NEW)
    sort = tl.TicketSort(tl.SortKey.TITLE, descending=False)
    written = ticket_csv.write_ticket_list(demo_db, ctx, flt, sort, tmp_path)
    assert written.path == tmp_path / "tickets-2026-11-23-1000.csv"
    rows = read_csv(written.path)
    assert [r["number"] for r in rows] == listed(demo_db, ctx, flt, sort)
    assert written.rows == len(rows) > 7
    assert list(rows[0]) == list(ticket_csv.HEADER)
    assert {r["stage"] for r in rows} == {"New"}
    again = ticket_csv.write_ticket_list(demo_db, ctx, flt, sort, tmp_path)
    assert again.path == tmp_path / "tickets-2026-11-23-1000-2.csv"


def test_text_a_spreadsheet_would_run_as_a_formula_is_written_as_text(
    db: Database, ctx: Context, tmp_path: Path
) -> None:
    from . import factories as f

    team = f.team(db)
    customer = f.partner(db, "@Evil Corp")
    f.ticket(db, team, 1, '=HYPERLINK("http://x.example","click")', partner_id=customer)
    f.ticket(db, team, 2, "-2+3 screws missing")
    f.ticket(db, team, 3, "Plain title")
    written = ticket_csv.write_ticket_list(db, ctx, tl.TicketFilter(), tl.TicketSort(), tmp_path)
    rows = read_csv(written.path)
    assert [(r["title"], r["customer"]) for r in rows] == [
        ("Plain title", ""),
        ("'-2+3 screws missing", ""),
        ('\'=HYPERLINK("http://x.example","click")', "'@Evil Corp"),
    ]


def test_a_folder_that_cannot_be_written(demo_db: Database, ctx: Context, tmp_path: Path) -> None:
    from aftersales_tui.services import AfterSalesError

    with pytest.raises(AfterSalesError) as refused:
        ticket_csv.write_ticket_list(
            demo_db, ctx, tl.TicketFilter(), tl.TicketSort(), tmp_path / "missing"
        )
    assert str(refused.value) == (
        f"Cannot write {tmp_path / 'missing' / 'tickets-2026-11-23-1000.csv'}: "
        "No such file or directory"
    )


async def test_the_e_key_exports_what_the_list_shows(
    demo_db: Database, ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(demo_db, ctx)
    notes: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app, "notify", lambda message, **_kw: notes.append(message))
        await press(pilot, "slash")
        await type_text(pilot, "printer")
        await press(pilot, "enter", "e")
        assert isinstance(app.screen, HomeScreen)
        await settle(pilot)
    path = tmp_path / "tickets-2026-11-23-1000.csv"
    rows = read_csv(path)
    expected = listed(demo_db, ctx, tl.TicketFilter(text="printer"), tl.TicketSort())
    assert [r["number"] for r in rows] == expected
    assert 0 < len(rows) < 120
    assert notes[-1] == f"{len(rows)} tickets written to {path}"


def test_the_key_is_listed_for_help_and_palette() -> None:
    [binding] = [b for b in HomeScreen.BINDINGS if getattr(b, "id", None) == "export-list"]
    assert (binding.key, binding.description) == ("e", "Export the list as CSV")
