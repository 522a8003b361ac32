"""Storage: what can go wrong with the database itself, as one line for the agent."""

from __future__ import annotations

from .errors import AfterSalesError
from .i18n import _


class StorageError(Exception):
    """The database cannot be used; the message is one line for the agent."""


class DatabaseBusy(AfterSalesError, StorageError):
    """The write lock could not be taken: another agent holds it. Nothing was written.

    Also an ``AfterSalesError``: a modal that is refused reopens with what the agent typed
    and this message, and trying again later is the remedy.
    """

    def __init__(self) -> None:
        super().__init__(_("The database is busy (another agent is saving): try again"))


class ConnectionLost(AfterSalesError, StorageError):
    """The connection to the database server broke during a write.

    ``saved`` says what became of the transaction: ``False`` when it is known not to have
    been committed (the agent tries again), ``None`` when the server could not tell.
    """

    def __init__(self, saved: bool | None = False) -> None:
        self.saved = saved
        if saved is None:
            message = _(
                "The connection to the database was lost while saving, and the server cannot "
                "tell whether it was saved: look before trying again"
            )
        else:
            message = _("The connection to the database was lost: nothing was saved, try again")
        super().__init__(message)
