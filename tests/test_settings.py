"""The settings file: theme, defaults, and one clear error for a broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from aftersales_tui.settings import (
    Settings,
    SettingsError,
    SmtpSettings,
    load_settings,
    settings_path,
)


def test_a_missing_file_means_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml", {}) == Settings()


def test_smtp_and_shop_from_the_file_and_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[shop]\nbase_url = "https://shop.example.com/"\n'
        '[smtp]\nhost = "mail.example.com"\nport = 465\nsecurity = "ssl"\n'
        'user = "desk@example.com"\npassword = "s3cret"\n'
    )
    settings = load_settings(path, {})
    assert settings.shop_base_url == "https://shop.example.com"
    assert settings.smtp == SmtpSettings(
        "mail.example.com", 465, "ssl", "desk@example.com", "s3cret", "desk@example.com"
    )
    env = {"AFTERSALES_SMTP_PORT": "2525", "AFTERSALES_SMTP_SECURITY": "none"}
    overridden = load_settings(path, env).smtp
    assert overridden is not None and (overridden.port, overridden.security) == (2525, "none")
    assert load_settings(tmp_path / "none.toml", {"AFTERSALES_SMTP_HOST": "h"}).smtp is not None


@pytest.mark.parametrize(
    "text",
    ['[smtp]\nhost = "h"\nport = "many"\n', '[smtp]\nhost = "h"\nsecurity = "tls9"\n'],
)
def test_bad_smtp_settings_are_one_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=r"\[smtp\]"):
        load_settings(path, {})


def test_the_theme(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[ui]\ntheme = "ansi-dark"\n')
    assert load_settings(path, {}).theme == "ansi-dark"


@pytest.mark.parametrize("text", ["[ui\ntheme=", "[ui]\ntheme = 3\n"])
def test_a_broken_file_is_one_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(SettingsError) as err:
        load_settings(path, {})
    assert str(path) in str(err.value)


def test_where_the_file_is(tmp_path: Path) -> None:
    assert settings_path({"AFTERSALES_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    default = settings_path({})
    assert default == tmp_path / "xdg-config" / "aftersales-tui" / "config.toml"
