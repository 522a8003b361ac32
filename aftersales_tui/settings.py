"""The agent's settings file: ``config.toml`` in the user config directory.

```toml
[ui]
theme = "ansi-dark"   # readable with 16 colours
```

``AFTERSALES_CONFIG`` names another file. A missing file means the defaults.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .i18n import _

ENV_CONFIG = "AFTERSALES_CONFIG"


class SettingsError(Exception):
    """The settings file cannot be used; the message is one line for the agent."""


@dataclass(frozen=True)
class Settings:
    theme: str | None = None


def settings_path(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("aftersales-tui", appauthor=False) / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        return Settings()
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(
            _("Cannot read the settings file {path}: {reason}").format(path=path, reason=exc)
        ) from exc
    ui = data.get("ui", {})
    theme = ui.get("theme") if isinstance(ui, dict) else None
    if theme is not None and not isinstance(theme, str):
        raise SettingsError(_("{path}: [ui] theme must be a text").format(path=path))
    return Settings(theme=theme)
