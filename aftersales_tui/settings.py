"""The agent's settings file: ``config.toml`` in the user config directory.

```toml
[ui]
theme = "ansi-dark"            # readable with 16 colours

[shop]
base_url = "https://shop.example.com"   # share links: {base_url}/coupon/{code}?r=/shop

[smtp]                         # without it, mail stays queued in the Outbox
host = "smtp.example.com"
port = 587
security = "starttls"          # "starttls", "ssl" or "none"
user = "desk@example.com"
password = "..."
from = "Support <desk@example.com>"
```

``AFTERSALES_CONFIG`` names another file. ``AFTERSALES_SMTP_HOST``, ``_PORT``, ``_SECURITY``,
``_USER``, ``_PASSWORD`` and ``_FROM`` override the ``[smtp]`` table, and
``AFTERSALES_SHOP_URL`` the shop's base URL. A missing file means the defaults.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .i18n import _

ENV_CONFIG = "AFTERSALES_CONFIG"
SECURITY = ("starttls", "ssl", "none")


class SettingsError(Exception):
    """The settings file cannot be used; the message is one line for the agent."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"
    user: str = ""
    password: str = ""
    sender: str = ""


@dataclass(frozen=True)
class Settings:
    theme: str | None = None
    shop_base_url: str | None = None
    smtp: SmtpSettings | None = None


def settings_path(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("aftersales-tui", appauthor=False) / "config.toml"


def _text(table: dict[str, Any], key: str, path: Path, section: str) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise SettingsError(
            _("{path}: [{section}] {key} must be a text").format(
                path=path, section=section, key=key
            )
        )
    return value


def _smtp(data: dict[str, Any], env: Mapping[str, str], path: Path) -> SmtpSettings | None:
    table = data.get("smtp", {})
    if not isinstance(table, dict):
        raise SettingsError(_("{path}: [smtp] must be a table").format(path=path))
    values: dict[str, Any] = {k: table[k] for k in table}
    for key in ("host", "port", "security", "user", "password", "from"):
        env_value = env.get(f"AFTERSALES_SMTP_{key.upper()}")
        if env_value:
            values[key] = env_value
    host = values.get("host")
    if not host:
        return None
    try:
        port = int(values.get("port", 587))
    except (TypeError, ValueError):
        raise SettingsError(_("{path}: [smtp] port must be a number").format(path=path)) from None
    security = str(values.get("security", "starttls")).lower()
    if security not in SECURITY:
        raise SettingsError(
            _("{path}: [smtp] security must be starttls, ssl or none").format(path=path)
        )
    return SmtpSettings(
        host=str(host),
        port=port,
        security=security,
        user=str(values.get("user", "")),
        password=str(values.get("password", "")),
        sender=str(values.get("from", "") or values.get("user", "")),
    )


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    path = path or settings_path(env)
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        data = {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(
            _("Cannot read the settings file {path}: {reason}").format(path=path, reason=exc)
        ) from exc
    ui = data.get("ui", {})
    shop = data.get("shop", {})
    if not isinstance(ui, dict) or not isinstance(shop, dict):
        raise SettingsError(_("{path}: [ui] and [shop] must be tables").format(path=path))
    base_url = env.get("AFTERSALES_SHOP_URL") or _text(shop, "base_url", path, "shop")
    return Settings(
        theme=_text(ui, "theme", path, "ui"),
        shop_base_url=base_url.rstrip("/") if base_url else None,
        smtp=_smtp(data, env, path),
    )
