"""The core (records, storage, services) never imports Textual or Rich, nor acts on import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

IMPORT_THE_CORE = """
import importlib, json, pkgutil, sys
import aftersales_tui.models, aftersales_tui.db, aftersales_tui.services
import aftersales_tui.formatting, aftersales_tui.i18n
names = []
for info in pkgutil.walk_packages(aftersales_tui.services.__path__, "aftersales_tui.services."):
    importlib.import_module(info.name)
    names.append(info.name)
ui = sorted(
    m for m in sys.modules if m.split(".")[0] in ("textual", "rich")
)
print(json.dumps({"services": names, "ui": ui}))
"""


def run_python(code: str, env_updates: dict[str, str]) -> str:
    env = {**os.environ, **env_updates}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_core_never_imports_textual_or_rich(tmp_path: Path) -> None:
    out = json.loads(run_python(IMPORT_THE_CORE, {"XDG_DATA_HOME": str(tmp_path / "data")}))
    expected = {
        f"aftersales_tui.services.{p.stem}"
        for p in (ROOT / "aftersales_tui" / "services").glob("*.py")
        if p.stem != "__init__"
    }
    assert expected <= set(out["services"])  # every service module was imported
    assert out["ui"] == []


def test_the_check_would_see_textual(tmp_path: Path) -> None:
    """The probe above is not blind: importing Textual does show up."""
    out = json.loads(
        run_python("import textual.app\n" + IMPORT_THE_CORE, {"XDG_DATA_HOME": str(tmp_path)})
    )
    assert "textual" in out["ui"]


def test_importing_the_core_creates_no_file(tmp_path: Path) -> None:
    data = tmp_path / "fresh-data"
    config = tmp_path / "fresh-config"
    cache = tmp_path / "fresh-cache"
    run_python(
        IMPORT_THE_CORE + "from aftersales_tui.db import default_database_path\n",
        {
            "XDG_DATA_HOME": str(data),
            "XDG_CONFIG_HOME": str(config),
            "XDG_CACHE_HOME": str(cache),
            "AFTERSALES_DB": "",
        },
    )
    assert not data.exists()
    assert not config.exists()
    assert not cache.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_opening_the_default_database_is_what_creates_it(tmp_path: Path) -> None:
    """The counterpart: the folder appears when the database is opened, not before."""
    data = tmp_path / "fresh-data"
    run_python(
        "from aftersales_tui.db import open_database\nopen_database(None).dispose()\n",
        {"XDG_DATA_HOME": str(data), "AFTERSALES_DB": ""},
    )
    assert (data / "aftersales-tui" / "aftersales.db").is_file()
