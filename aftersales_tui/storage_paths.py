"""Where the database is: ``--db``, else ``AFTERSALES_DB``, else the agent's own file.

Kept apart from ``db`` (and SQLAlchemy) so that the command line can find a plain SQLite file
before anything heavy is loaded.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "aftersales-tui"
ENV_DB = "AFTERSALES_DB"


def default_database_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "aftersales.db"


def database_value(db: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``--db``, else ``AFTERSALES_DB``, else the personal default: a path or a URL."""
    env = os.environ if environ is None else environ
    return db or env.get(ENV_DB) or str(default_database_path())


def sqlite_file(value: str) -> Path | None:
    """The SQLite file a plain path names (``None`` for a URL)."""
    if "://" in value:
        return None
    return Path(value).expanduser()
