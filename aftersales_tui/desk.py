"""What every screen works with: the open database and who is acting, when.

The desk is usually opened before the application starts. When the first screen can be read
without it (``services.first_page``), the application starts at once with a ``DeskOpening``:
the first rows are painted while the database is opened in a background thread, and whatever
needs the desk waits for it there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .services.context import Context
from .settings import Settings

if TYPE_CHECKING:
    from .db import Database
    from .services.first_page import FirstPage


@dataclass(frozen=True)
class Desk:
    db: Database
    ctx: Context
    agent_name: str = ""
    settings: Settings = field(default_factory=Settings)


class DeskOpening:
    """A desk being opened by ``open_desk`` in a thread, with the first page already read."""

    def __init__(self, first: FirstPage, open_desk: Callable[[], Desk]) -> None:
        self.first = first
        self._open_desk = open_desk
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._started = False
        self._desk: Desk | None = None
        self.failure: BaseException | None = None

    @property
    def started(self) -> bool:
        return self._started

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def start(self, then: Callable[[], None] = lambda: None) -> None:
        """Open the desk in a background thread, then call ``then`` (in that thread)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, args=(then,), name="desk-opening", daemon=True).start()

    def _run(self, then: Callable[[], None]) -> None:
        try:
            self._desk = self._open_desk()
        except BaseException as problem:  # handed over to whoever waits
            self.failure = problem
        finally:
            self._done.set()
        then()

    def wait(self) -> Desk:
        """The open desk, once opened; raises what stopped it from opening.

        On the main thread, starts the opening if nobody has. A background thread (a read
        of the list, say) only waits: the opening starts once the first rows are painted,
        and must not compete with that paint."""
        if threading.current_thread() is threading.main_thread():
            self.start()
        self._done.wait()
        if self._desk is None:
            assert self.failure is not None
            raise self.failure
        return self._desk


class HasDesk(Protocol):
    @property
    def desk(self) -> Desk: ...

    @property
    def agent_ctx(self) -> Context: ...

    @property
    def agent_name(self) -> str: ...

    @property
    def first_page(self) -> FirstPage | None:
        """The first rows, read before the desk was opened (``None``: it was open first)."""

    def open_desk(self) -> None:
        """Open the desk in the background, if it is not open yet."""
