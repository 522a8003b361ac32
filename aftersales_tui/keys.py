"""The keys of a screen, read from its bindings: help and command palette share them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen


@dataclass(frozen=True)
class KeyCommand:
    key: str
    description: str
    action: str
    binding_id: str | None
    enabled: bool
    node: DOMNode

    @property
    def is_command(self) -> bool:
        """A command of the screen or the desk (not a widget's own movement key)."""
        return isinstance(self.node, Screen | App) and self.binding_id is not None


def screen_keys(screen: Screen[Any]) -> list[KeyCommand]:
    """Every key active on ``screen`` that has a description: commands first, no repeats."""
    found: list[KeyCommand] = []
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.action in seen:
            continue
        seen.add(binding.action)
        display = binding.key_display or screen.app.get_key_display(binding)
        found.append(
            KeyCommand(
                key=display or key,
                description=binding.description,
                action=binding.action,
                binding_id=binding.id,
                enabled=active.enabled,
                node=active.node,
            )
        )
    return sorted(found, key=lambda k: not k.is_command)
