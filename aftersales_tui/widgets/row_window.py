"""The rows of the ticket list held in memory: a few blocks around what is on screen.

The list may hold a million tickets; this cache holds blocks of ``BLOCK`` rows by position,
forgets the ones far from the screen, and says how the next missing block is best read: as
the continuation of a neighbour already held (an index seek, at any depth), from the end
(for the second half of a list whose length is known), or by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..services.ticket_rows import TicketRow

BLOCK = 64
KEEP_BLOCKS = 24


@dataclass(frozen=True)
class BlockRead:
    """How to read block ``block``: after/before ``anchor``, from the end, or by offset."""

    block: int
    how: Literal["after", "before", "from_end", "offset"]
    anchor: TicketRow | None
    offset: int
    limit: int


class RowWindow:
    def __init__(self, total: int = 0, exact: bool = True) -> None:
        self.total = total
        self.exact = exact  # False: the list holds more than ``total`` (a capped count)
        self._blocks: dict[int, list[TicketRow]] = {}
        self._asked: set[int] = set()

    def reset(self, total: int, exact: bool) -> None:
        self.total, self.exact = total, exact
        self._blocks.clear()
        self._asked.clear()

    def grow(self, total: int, exact: bool) -> None:
        """A longer count of the same list (the rows held stay valid)."""
        self.total, self.exact = total, exact

    # --- reading ---------------------------------------------------------------------------

    def row(self, index: int) -> TicketRow | None:
        block = self._blocks.get(index // BLOCK)
        if block is None:
            return None
        offset = index % BLOCK
        return block[offset] if offset < len(block) else None

    def rows(self) -> list[TicketRow]:
        """Every row held, in list order (gaps skipped)."""
        return [row for b in sorted(self._blocks) for row in self._blocks[b]]

    def widest_number(self) -> int:
        return max((len(str(r.number)) for rows in self._blocks.values() for r in rows), default=4)

    # --- filling ---------------------------------------------------------------------------

    def missing(self, first: int, last: int) -> list[int]:
        """Blocks covering rows ``first..last`` that are neither held nor asked for."""
        if self.total <= 0:
            return []
        last = min(last, self.total - 1)
        wanted = range(max(first, 0) // BLOCK, last // BLOCK + 1) if last >= first else range(0)
        return [b for b in wanted if b not in self._blocks and b not in self._asked]

    def plan(self, block: int) -> BlockRead:
        """The cheapest way to read ``block`` given what is held; marks it asked for."""
        self._asked.add(block)
        start = block * BLOCK
        limit = BLOCK
        if self.total:
            limit = max(0, min(BLOCK, self.total - start))
        previous = self._blocks.get(block - 1)
        if previous and len(previous) == BLOCK:
            return BlockRead(block, "after", previous[-1], start, limit)
        following = self._blocks.get(block + 1)
        if following:
            return BlockRead(block, "before", following[0], start, limit)
        if self.exact and start > self.total // 2:
            return BlockRead(block, "from_end", None, self.total - start - limit, limit)
        return BlockRead(block, "offset", None, start, limit)

    def put(self, block: int, rows: list[TicketRow], keep_near: int) -> None:
        """Hold ``rows`` as ``block``; forget the blocks farthest from row ``keep_near``."""
        self._asked.discard(block)
        self._blocks[block] = rows
        if len(self._blocks) > KEEP_BLOCKS:
            centre = keep_near // BLOCK
            for far in sorted(self._blocks, key=lambda b: abs(b - centre))[KEEP_BLOCKS:]:
                del self._blocks[far]
