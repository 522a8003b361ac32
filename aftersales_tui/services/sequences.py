"""Collision-free numbering (tickets, invoices, credit notes, transfers, repairs)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..models import Sequence


def next_number(session: Session, code: str, start: int | Callable[[], int] = 1) -> int:
    """Take the next number of sequence ``code`` inside the caller's write transaction.

    The write transaction holds the database's write lock (SQLite's ``BEGIN IMMEDIATE``,
    the server's advisory lock), and the UPDATE locks the sequence's row as well, so two
    agents can never take the same number. ``start`` (or what it computes, only
    when the sequence does not exist yet) is the first number handed out.
    """
    result = session.execute(
        update(Sequence)
        .where(Sequence.code == code)  # type: ignore[arg-type]
        .values(next_number=col(Sequence.next_number) + 1)
        .returning(col(Sequence.next_number))
    ).first()
    if result is not None:
        return int(result[0]) - 1
    first = start() if callable(start) else start
    session.add(Sequence(code=code, next_number=first + 1))
    session.flush()
    return first


def peek(session: Session, code: str) -> int | None:
    row = session.exec(select(Sequence).where(Sequence.code == code)).first()
    return row.next_number if row else None


def set_next(session: Session, code: str, value: int) -> None:
    """Make sure the next number handed out by ``code`` is at least ``value``."""
    row = session.get(Sequence, code)
    if row is None:
        session.add(Sequence(code=code, next_number=value))
    elif row.next_number < value:
        row.next_number = value
    session.flush()


def next_name(
    session: Session, prefix: str, width: int = 5, start: int | Callable[[], int] = 1
) -> str:
    """The next document name of a prefix: ``INV/2026/`` gives ``INV/2026/00008``.

    ``start`` is the first number when the prefix has no sequence yet (see ``next_number``).
    """
    return f"{prefix}{next_number(session, 'name:' + prefix, start):0{width}d}"


def split_name(name: str) -> tuple[str, int] | None:
    """``WH/OUT/00012`` -> (``WH/OUT/``, 12); None when the name does not end in digits."""
    digits = len(name) - len(name.rstrip("0123456789"))
    if digits == 0:
        return None
    return name[:-digits], int(name[-digits:])


def sync_name_sequences(session: Session, names: list[str]) -> None:
    """After a bulk load: make every prefix's sequence continue after the names present."""
    highest: dict[str, int] = {}
    for name in names:
        parts = split_name(name)
        if parts:
            prefix, number = parts
            highest[prefix] = max(highest.get(prefix, 0), number)
    for prefix, number in highest.items():
        set_next(session, "name:" + prefix, number + 1)
