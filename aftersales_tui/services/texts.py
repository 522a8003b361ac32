"""What any typed text must be to be stored: encodable (no lone surrogate)."""

from __future__ import annotations

from ..i18n import _
from .errors import AfterSalesError


def storable(text: str, field: str | None) -> str:
    """``text`` unchanged; refused next to ``field`` when it cannot be stored (UTF-8).

    A lone surrogate (from a broken paste or file) is a valid Python string that no
    database accepts: say so rather than fail while writing.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise AfterSalesError(
            _("This text holds a character that cannot be stored: retype it"), field=field
        ) from None
    return text
