"""`aftersales import` / `aftersales export`: what they print and their exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftersales_tui.cli import main

from .io_builders import csv_file, sample_paths
from .test_cli import run


def test_import_the_samples_then_again_dry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "desk.db")
    files = [str(p) for p in sample_paths()]
    assert main(["import", *files, "--db", db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["type", "created", "updated", "skipped"]
    assert "tickets 10 0 0" in [" ".join(line.split()) for line in out]
    assert main(["import", *files, "--db", db, "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "tickets 0 10 0" in [" ".join(line.split()) for line in out]
    assert out[-1] == "Dry run: nothing was written."


def test_problems_exit_1_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = csv_file(tmp_path, "customers.csv", ["ext_ref", "name"], ["C-1", "A"], ["C-2", ""])
    assert main(["import", str(bad), "--db", str(tmp_path / "desk.db")]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "customers.csv line 3: name is required",
        "1 problems found",
    ]
    assert " ".join(captured.out.splitlines()[1].split()) == "customers 0 0 2"
    assert captured.out.splitlines()[-1] == "Nothing was written."
    assert main(["import", str(bad), "--db", str(tmp_path / "desk.db"), "--skip-bad-rows"]) == 1
    assert " ".join(capsys.readouterr().out.splitlines()[1].split()) == "customers 1 0 1"


def test_an_unusable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "customers.csv"
    assert main(["import", str(missing), "--db", str(tmp_path / "desk.db")]) == 2
    assert capsys.readouterr().err == (
        "aftersales: customers.csv: cannot be read: No such file or directory\n"
    )


def test_export_all_then_since(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "desk.db")
    assert main(["import", *map(str, sample_paths()), "--db", db]) == 0
    capsys.readouterr()
    out_dir = tmp_path / "out"
    assert main(["export", "--all", "--db", db, "--to", str(out_dir), "--format", "json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[:5]] == [
        "credit_notes",
        "coupons",
        "returns",
        "repairs",
        "tasks",
    ]
    assert lines[5] == f"Written into {out_dir}"
    assert lines[6].startswith("Next time, to export only what changed: --since ")
    since = lines[6].rsplit(" ", 1)[1]
    assert main(["export", "--since", since, "--db", db, "--to", str(out_dir)]) == 0
    assert (out_dir / "credit_notes.json").read_text() == "[]\n"
    assert (out_dir / "credit_notes.csv").read_text().startswith("id,ext_ref,name,state,")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--to", "x"], "one of the arguments --since --all is required"),
        (["export", "--since", "soon", "--to", "x"], "--since 'soon' is not a timestamp"),
        (["import"], "the following arguments are required: FILE"),
        (["import", "a.csv", "--type", "cars"], "argument --type: invalid choice: 'cars'"),
    ],
)
def test_bad_arguments_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_the_installed_command(tmp_path: Path) -> None:
    bad = csv_file(tmp_path, "products.csv", ["ext_ref", "name", "list_price"], ["P-1", "A", "x"])
    result = run("import", str(bad), "--db", str(tmp_path / "desk.db"))
    assert result.returncode == 1
    assert "products.csv line 2: list_price 'x' is not a number" in result.stderr
    assert "Traceback" not in result.stderr
