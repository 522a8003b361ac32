"""Stopping a read whose answer is no longer wanted (a filter typed further, for instance).

Kept apart from ``db`` (and SQLAlchemy) so that the ticket list can hold one before the
database is open.
"""

from __future__ import annotations

import threading
from typing import Any


class ReadCancelled(Exception):
    """A read was stopped by its ``Cancel`` (its answer is no longer wanted)."""


class Cancel:
    """Stops the read it is given to, from any thread: the query in progress is interrupted
    (on SQLite), and the read ends with ``ReadCancelled``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._driver: Any = None
        self.cancelled = False

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            if self._driver is not None:
                _interrupt(self._driver)

    def _attach(self, driver: Any) -> None:
        with self._lock:
            self._driver = driver
            if self.cancelled:
                _interrupt(driver)

    def _detach(self) -> None:
        with self._lock:
            self._driver = None


def _interrupt(driver: Any) -> None:
    """Stop the statement running on a driver's connection (sqlite3 or psycopg)."""
    stop = getattr(driver, "interrupt", None) or getattr(driver, "cancel_safe", None)
    if stop is not None:
        stop()
