"""Many tickets at once, for the list at scale (plain executemany: 20,000 rows in a blink)."""

from __future__ import annotations

from datetime import timedelta

from aftersales_tui.db import Database

from .conftest import NOW

WORDS = (
    "printer jams chair desk lamp broken refund wrong size delivery late invoice screen "
    "cable noise warranty firmware battery leak scratch missing part return"
).split()
STAGES = ("new", "in_progress", "on_hold", "solved", "cancelled")


def many_tickets(db: Database, count: int, *, customers: int = 200) -> None:
    """``count`` tickets #1..#count over 3 teams, 4 agents and ``customers`` customers.

    Ticket n's title and description are made of WORDS chosen by n (no randomness), and only
    ticket #7 mentions "zeppelin" (in its description).
    """
    with db.engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.executemany(
            "INSERT INTO team (id, name, use_refunds, use_coupons, use_returns, use_repairs,"
            " use_field_service) VALUES (?, ?, 1, 1, 0, 0, 0)",
            [(i, f"Team {i}") for i in (1, 2, 3)],
        )
        raw.executemany(
            "INSERT INTO partner (id, name) VALUES (?, ?)",
            [(i, f"Customer {WORDS[i % len(WORDS)]} {i}") for i in range(1, customers + 5)],
        )
        raw.executemany(
            "INSERT INTO user (id, login, name, partner_id) VALUES (?, ?, ?, ?)",
            [(i, f"agent{i}", f"Agent {i}", customers + i) for i in (1, 2, 3, 4)],
        )

        def rows():  # type: ignore[no-untyped-def]
            n_words = len(WORDS)
            for n in range(1, count + 1):
                created = (NOW - timedelta(minutes=count - n)).strftime("%Y-%m-%d %H:%M:%S.%f")
                title = " ".join(WORDS[(n * k) % n_words] for k in (1, 3, 7))
                description = " ".join(WORDS[(n * k + 5) % n_words] for k in (2, 5, 11, 13))
                if n == 7:
                    description += " zeppelin"
                yield (
                    n,
                    n,
                    title.capitalize(),
                    description,
                    1 + n % 3,
                    1 + n % customers,
                    STAGES[n % 5],
                    str(n % 4),
                    None if n % 5 == 0 else 1 + n % 4,
                    created,
                    created,
                )

        raw.executemany(
            "INSERT INTO ticket (id, number, title, description, team_id, partner_id, stage,"
            " priority, user_id, created_at, updated_at, version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            rows(),
        )
