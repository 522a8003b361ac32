"""Completes the tag being typed in a comma-separated list of tags."""

from __future__ import annotations

from collections.abc import Iterable

from textual.suggester import Suggester


class TagSuggester(Suggester):
    """``Warranty, fir`` suggests ``Warranty, Firmware`` when a tag Firmware exists."""

    def __init__(self, tags: Iterable[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._tags = tuple(tags)

    async def get_suggestion(self, value: str) -> str | None:
        typed = value.rpartition(",")[2].lstrip()
        if not typed:
            return None
        stem = typed.casefold()
        for tag in self._tags:
            if tag.casefold().startswith(stem) and len(tag) > len(typed):
                return value[: len(value) - len(typed)] + tag
        return None
