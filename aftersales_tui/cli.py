"""The `aftersales` command line: open the desk on a database, or on the demo."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from . import __version__
from .i18n import _

if TYPE_CHECKING:
    from .db import Database
    from .desk import Desk
    from .settings import Settings

# The demo's shop, for share links when the settings name none (a reserved example domain).
DEMO_SHOP_URL = "https://shop.example.com"

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH|URL",
        help=_("database file or URL (default: $AFTERSALES_DB, else your own SQLite file)"),
    )
    common.add_argument("--user", metavar="LOGIN", help=_("act as this agent (default: you)"))
    common.add_argument(
        "--theme", metavar="NAME", help=_("colour theme, e.g. ansi-dark for 16-colour terminals")
    )
    common.add_argument(
        "--no-mouse", action="store_true", help=_("do not capture the mouse (slow links)")
    )
    parser = argparse.ArgumentParser(
        prog="aftersales",
        description=_("The after-sales desk of a helpdesk, in the terminal."),
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"aftersales {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        parents=[common],
        help=_("open the desk on a demo database (loaded on first use)"),
        description=_("Open the desk on a demo database, loading the demo data when empty."),
    )
    demo.add_argument(
        "--reset", action="store_true", help=_("empty the demo database and load it again")
    )
    commands.add_parser(
        "post-due",
        parents=[common],
        help=_("post the scheduled credit notes whose date has come, then exit"),
        description=_(
            "Post the credit notes dated in the future once their date has come (the desk "
            "also does it each time it starts). Suited to a daily cron job."
        ),
    )
    return parser


def _demo_path() -> str:
    from .db import default_database_path

    return str(default_database_path().with_name("demo.db"))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .db import StorageError, open_database
    from .services import AfterSalesError
    from .settings import SettingsError, load_settings

    try:
        settings = load_settings()
        if args.command == "demo":
            db_arg = args.db or _demo_path()
            db = open_database(db_arg, environ={})
        else:
            db = open_database(args.db)
        if args.command == "post-due":
            return _post_due(db)
        desk = _prepare(db, args, settings)
    except (StorageError, AfterSalesError, SettingsError) as problem:
        print(f"aftersales: {problem}", file=sys.stderr)
        return EXIT_USAGE
    from .app import AfterSalesApp

    app = AfterSalesApp(desk, theme=args.theme or settings.theme)
    app.run(mouse=not args.no_mouse)
    db.dispose()
    return app.return_code or 0


def _post_due(db: Database) -> int:
    from .services import Context, refunds

    posted = refunds.post_due(db, Context())
    db.dispose()
    if posted:
        print(_("Posted: {names}").format(names=", ".join(posted)))
    else:
        print(_("No scheduled credit note is due"))
    return 0


def _prepare(db: Database, args: argparse.Namespace, settings: Settings) -> Desk:
    """Load the demo if asked, and find who is acting: the Desk the screens work with."""
    from .desk import Desk
    from .services import Context, demo, refunds, setup

    ctx = Context()
    if args.command == "demo":
        if args.reset:
            demo.reset_database(db)
        if demo.is_empty(db):
            demo.load_demo(db, ctx)
    refunds.post_due(db, ctx)
    agent = setup.sign_in(db, ctx, args.user, getpass.getuser(), demo=args.command == "demo")
    if args.command == "demo" and not settings.shop_base_url:
        settings = replace(settings, shop_base_url=DEMO_SHOP_URL)
    return Desk(db=db, ctx=ctx.as_user(agent.id), agent_name=agent.name, settings=settings)
