"""The one translation function every user-facing string goes through."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

DOMAIN = "aftersales_tui"
LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def _translations() -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, fallback=True)


def _(message: str) -> str:
    """Translate ``message`` into the agent's language (English when no catalogue)."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations().ngettext(singular, plural, n)
