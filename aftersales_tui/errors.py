"""The one error a user can cause (or can resolve by trying again).

It lives below every layer so that the storage layer can raise one too (a busy database),
and every screen that catches it shows the message and keeps what the agent typed.
"""

from __future__ import annotations


class AfterSalesError(Exception):
    """Something the agent did wrong; ``message`` is shown next to ``field`` (if any)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
