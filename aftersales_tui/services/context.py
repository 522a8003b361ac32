"""Who is acting and when: passed to every service so that tests are deterministic."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo


def system_now() -> datetime:
    return datetime.now(UTC)


def local_timezone() -> tzinfo:
    tz = datetime.now().astimezone().tzinfo
    return tz if tz is not None else UTC


@dataclass(frozen=True)
class Context:
    """The current agent (``user_id``), the clock and the agent's time zone."""

    user_id: int | None = None
    clock: Callable[[], datetime] = system_now
    tz: tzinfo = field(default_factory=local_timezone)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """The agent's calendar date."""
        return self.clock().astimezone(self.tz).date()

    def as_user(self, user_id: int | None) -> Context:
        return Context(user_id=user_id, clock=self.clock, tz=self.tz)


def frozen_clock(moment: datetime) -> Callable[[], datetime]:
    """A clock that always says ``moment`` (for tests, snapshots and the demo)."""
    if moment.tzinfo is None:
        raise ValueError("the frozen moment must be timezone-aware")
    return lambda: moment
