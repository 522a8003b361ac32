"""The one error a user can cause."""

from __future__ import annotations


class AfterSalesError(Exception):
    """Something the agent did wrong; ``message`` is shown next to ``field`` (if any)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
