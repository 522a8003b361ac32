"""The ticket screen as it opens from the list: read first, shown filled, kept between two
tickets; its one-widget footer."""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.widgets import Button

from aftersales_tui.db import Database
from aftersales_tui.screens.home import HomeScreen
from aftersales_tui.screens.ticket import TicketScreen, open_ticket
from aftersales_tui.services import Context, linked
from aftersales_tui.widgets.action_bar import ActionBar
from aftersales_tui.widgets.chatter_log import ChatterLog
from aftersales_tui.widgets.key_footer import FooterItem, KeyFooter, layout
from aftersales_tui.widgets.smart_buttons import SmartButtonBox
from aftersales_tui.widgets.ticket_fields import TicketFields
from aftersales_tui.widgets.title_bar import TitleBar

from .ui import make_app, open_from_home, press, settle, smart_buttons, ticket_id, type_text

PRINTER = 1042  # three kinds of linked records, five actions, a note in its chatter
MONITOR = 1017  # no linked record, two actions, the longest chatter


def shown_actions(screen: TicketScreen) -> list[str]:
    return [
        str(button.label) for button in screen.query_one(ActionBar).query(Button) if button.display
    ]


def fields_text(screen: TicketScreen) -> str:
    fields = screen.query_one(TicketFields).fields
    assert fields is not None
    return fields.plain


async def test_the_screen_opens_filled_in_one_go(demo_db: Database, ctx: Context) -> None:
    """Opened from the list, the ticket is read before the screen is pushed: no read runs
    after it, and the screen is whole from its first paint."""
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_home(pilot, PRINTER)
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        assert screen.ticket is not None and screen.ticket.number == PRINTER
        assert not [w for w in app.workers if w.group == "ticket"]
        assert app.focused is screen.query_one("#ticket-pane")
        assert "Printer jams after firmware 2.1" in screen.query_one(TitleBar).left.plain
        assert set(smart_buttons(app)) == {"credit_notes", "returns", "repairs"}
        assert shown_actions(screen) == [
            "f Refund",
            "c Coupon",
            "r Return",
            "o Repair",
            "i Plan Intervention",
        ]


async def test_the_kept_screen_shows_the_next_ticket_as_a_new_one(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_home(pilot, PRINTER)
        first = app.screen
        assert isinstance(first, TicketScreen)
        await press(pilot, "tab", "tab")  # away from the fields
        await press(pilot, "j", "j", "j")  # the chatter scrolled
        await press(pilot, "q", "x")
        await open_from_home(pilot, MONITOR)
        screen = app.screen
        assert screen is first  # the same screen, not composed again
        assert screen.ticket is not None and screen.ticket.number == MONITOR
        assert screen.ticket_id == ticket_id(demo_db, MONITOR)
        assert "Monitor flickers and goes black" in screen.query_one(TitleBar).left.plain
        assert "Diego Alvarez" in fields_text(screen)
        assert smart_buttons(app) == {}
        assert not [box for box in screen.query(SmartButtonBox) if box.display]
        assert screen.query_one(".smart-empty").display
        assert shown_actions(screen) == ["f Refund", "c Coupon"]
        chatter = screen.query_one(ChatterLog)
        assert chatter.scroll_y == 0
        assert chatter.text.plain.startswith("Kim Nguyen")
        assert app.focused is screen.query_one("#ticket-pane")
        # Its keys are this ticket's: Return is not offered here.
        await press(pilot, "r")
        assert app.screen is screen
        await press(pilot, "q", "x")
        await open_from_home(pilot, PRINTER)
        assert app.screen is first
        assert set(smart_buttons(app)) == {"credit_notes", "returns", "repairs"}
        assert len(shown_actions(first)) == 5


async def test_a_ticket_gone_meanwhile_is_not_opened(
    demo_db: Database, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(demo_db, ctx)
    notes: list[tuple[str, str]] = []

    def notify(message: str, severity: str = "information", **_kw: object) -> None:
        notes.append((message, severity))

    monkeypatch.setattr(app, "notify", notify)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        home = app.screen
        open_ticket(home, 987654)
        await settle(pilot)
        assert app.screen is home
        assert notes == [("This ticket no longer exists", "error")]


async def test_a_late_read_of_the_previous_ticket_is_ignored(
    demo_db: Database, ctx: Context
) -> None:
    """A background read for the ticket the kept screen showed before (an action's reload
    still running when the agent moved on) neither shows nor closes the new one."""
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_home(pilot, PRINTER)
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        late = linked.ticket_page(demo_db, ticket_id(demo_db, PRINTER), ctx.today())
        await press(pilot, "q", "x")
        await open_from_home(pilot, MONITOR)
        screen._show(late)
        screen._gone(ticket_id(demo_db, PRINTER), "This ticket no longer exists")
        await settle(pilot)
        assert app.screen is screen
        assert screen.ticket is not None and screen.ticket.number == MONITOR
        assert "Diego Alvarez" in fields_text(screen)


async def test_a_theme_changed_while_the_screen_is_kept_shows(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_home(pilot, PRINTER)
        kept = app.screen
        await press(pilot, "q", "x")
        app.theme = "textual-light"
        await settle(pilot)
        await open_from_home(pilot, MONITOR)
        assert app.screen is kept
        bar = kept.query_one(TitleBar)
        assert bar.styles.background == Color.parse(app.get_css_variables()["panel"])


async def test_a_new_ticket_opens_on_its_screen(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await type_text(pilot, "Wobbly")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketScreen)
        assert app.screen.ticket is not None and app.screen.ticket.title == "Wobbly"
        await press(pilot, "q")
        assert isinstance(app.screen, HomeScreen)


async def test_the_screen_holds_few_widgets(demo_db: Database, ctx: Context) -> None:
    """One widget for the chatter, the fields, the title bar and the footer, whatever the
    number of messages, fields and keys; a button per action and a box per kind of linked
    record, built once and hidden when not offered (there were 33 widgets for #1042)."""
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_home(pilot, PRINTER)
        printer = len(list(app.screen.walk_children()))
        await press(pilot, "q", "x")
        await open_from_home(pilot, MONITOR)
        assert len(list(app.screen.walk_children())) == printer <= 23


# --- the footer ------------------------------------------------------------------------


def items(*pairs: tuple[str, str]) -> list[FooterItem]:
    return [FooterItem(key, key, description, True) for key, description in pairs]


def test_the_footer_leaves_out_a_key_that_does_not_fit_whole() -> None:
    keys = items(("q", "Back"), ("f", "Refund"), ("e", "Edit"))
    palette = FooterItem("ctrl+p", "^p", "palette", True)
    placed, palette_x = layout(keys, palette, 30)
    # "q Back f Refund " is 16 cells; "e Edit" would end at 22, past the palette at 18.
    assert [(x, item.key) for x, item in placed] == [(0, "q"), (7, "f")]
    assert palette_x == 30 - len("^p palette") - 2
    placed, palette_x = layout(keys, palette, 40)
    assert [item.key for _x, item in placed] == ["q", "f", "e"]


async def test_the_footer_at_80_columns_cuts_cleanly(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_from_home(pilot, PRINTER)
        line = app.screen.query_one(KeyFooter).render_line(0).text
        assert line.rstrip().endswith("▏^p palette")
        left = line.split("▏")[0].rstrip()
        assert left.endswith("i Plan Intervention")


async def test_the_footer_shows_the_keys_textual_footer_shows(
    demo_db: Database, ctx: Context
) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(160, 30)) as pilot:
        await open_from_home(pilot, PRINTER)
        footer = app.screen.query_one(KeyFooter)
        keys, palette = footer.keys()
        assert [(k.key_display, k.description) for k in keys] == [
            ("q", "Back"),
            ("f", "Refund"),
            ("c", "Coupon"),
            ("r", "Return"),
            ("o", "Repair"),
            ("i", "Plan Intervention"),
            ("e", "Edit"),
            ("l", "Log note"),
            ("a", "Assign"),
            ("s", "Stage"),
            ("p", "Priority"),
        ]
        assert palette is not None and palette.key_display == "^p"
        text = footer.render_line(0).text
        assert "a Assign s Stage p Priority" in text


async def test_a_click_on_a_footer_key_presses_it(demo_db: Database, ctx: Context) -> None:
    app = make_app(demo_db, ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_from_home(pilot, PRINTER)
        await pilot.click(KeyFooter, offset=(1, 0))  # "q Back"
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
