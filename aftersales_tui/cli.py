"""The `aftersales` command line: open the desk on a database, or on the demo."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .i18n import _

if TYPE_CHECKING:
    from .db import Database
    from .desk import Desk, DeskOpening
    from .settings import Settings

# The demo's shop, for share links when the settings name none (a reserved example domain).
DEMO_SHOP_URL = "https://shop.example.com"

EXIT_USAGE = 2
EXIT_VIOLATIONS = 1  # `aftersales check` found something wrong


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
    demo.add_argument(
        "--tickets",
        type=_ticket_count,
        metavar="N",
        help=_("generate N tickets and what they refer to instead of the small demo"),
    )
    demo.add_argument("--seed", type=int, default=0, help=_("seed of --tickets (default: 0)"))
    generate = commands.add_parser(
        "generate",
        help=_("fill an empty database with N generated tickets, then exit"),
        description=_(
            "Fill an empty database with the demo's agents and teams and N generated tickets, "
            "with customers, orders, deliveries, invoices and after-sales records in "
            "proportion (for benchmarks). The same N and seed give the same database."
        ),
    )
    generate.add_argument(
        "--db", required=True, metavar="PATH", help=_("the database file to fill (empty or new)")
    )
    generate.add_argument("--tickets", type=_ticket_count, required=True, metavar="N")
    generate.add_argument("--seed", type=int, default=0, help=_("default: 0"))
    commands.add_parser(
        "post-due",
        parents=[common],
        help=_("post the scheduled credit notes whose date has come, then exit"),
        description=_(
            "Post the credit notes dated in the future once their date has come (the desk "
            "also does it each time it starts). Suited to a daily cron job."
        ),
    )
    commands.add_parser(
        "check",
        parents=[common],
        help=_("check the database's integrity and the desk's rules, then exit"),
        description=_(
            "Check the database file (integrity, foreign keys) and the desk's rules: no "
            "invoice refunded or delivery returned beyond its total, numbers used once, "
            "after-sales records in their ticket's chatter, receipts and credit notes with "
            "lines, the full-text index. Exit code 0 when all is well, 1 otherwise."
        ),
    )
    copy = commands.add_parser(
        "copy",
        help=_("copy a whole desk into another, empty database, then exit"),
        description=_(
            "Copy every record of a desk into an empty database, for instance from a SQLite "
            "file to a PostgreSQL server when a team moves to several hosts. Numbering goes "
            "on after the copied records. The source is not changed."
        ),
    )
    copy.add_argument("--from", dest="source", required=True, metavar="PATH|URL")
    copy.add_argument("--to", dest="target", required=True, metavar="PATH|URL")
    from .cli_io import add_commands

    add_commands(commands)
    return parser


def _ticket_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(_("expected a number of tickets, at least 1"))
    return count


def _demo_path() -> str:
    from .storage_paths import default_database_path

    return str(default_database_path().with_name("demo.db"))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as problem:
        print(f"aftersales: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.command in (None, "demo"):
        opening = _opening(args, settings)
        if opening is not None:
            return _run_desk(opening, args, settings)
    from .db import StorageError
    from .services import AfterSalesError

    try:
        return _run_command(args, settings)
    except (StorageError, AfterSalesError, SettingsError) as problem:
        print(f"aftersales: {problem}", file=sys.stderr)
        return EXIT_USAGE


def _database_value(args: argparse.Namespace) -> str:
    """The database the desk (or the demo) opens: a path or a URL."""
    from .storage_paths import database_value

    if args.command == "demo":
        return args.db or _demo_path()
    return database_value(args.db)


def _run_command(args: argparse.Namespace, settings: Settings) -> int:
    from .cli_io import run_export, run_import
    from .db import open_database

    if args.command == "copy":
        return _copy(args.source, args.target)
    if args.command in (None, "demo"):
        return _run_desk(_open_desk(args, settings), args, settings)
    db = open_database(args.db)
    if args.command == "post-due":
        return _post_due(db)
    if args.command == "check":
        return _check(db)
    if args.command in ("import", "export"):
        run = run_import if args.command == "import" else run_export
        code = run(db, args)
        db.dispose()
        return code
    _generate(db, args.tickets, args.seed, sys.stdout)
    db.dispose()
    return 0


def _opening(args: argparse.Namespace, settings: Settings) -> DeskOpening | None:
    """The quick way in: the first page read at once from a SQLite file of this version, the
    database opened in the background once it is painted (``None``: the ordinary way)."""
    if args.command == "demo" and (args.reset or args.tickets):
        return None
    from .storage_paths import sqlite_file

    path = sqlite_file(_database_value(args))
    if path is None:
        return None
    from .desk import DeskOpening
    from .services.context import Context
    from .services.first_page import read
    from .widgets.row_window import BLOCK

    first = read(
        path,
        Context(),
        args.user,
        getpass.getuser(),
        demo=args.command == "demo",
        limit=BLOCK,
    )
    if first is None:
        return None
    return DeskOpening(first, partial(_open_desk, args, settings))


def _open_desk(args: argparse.Namespace, settings: Settings) -> Desk:
    from .db import open_database

    environ: dict[str, str] | None = {} if args.command == "demo" else None
    db = open_database(_database_value(args), environ=environ)
    try:
        return _prepare(db, args, settings)
    except BaseException:
        db.dispose()
        raise


def _run_desk(desk: Desk | DeskOpening, args: argparse.Namespace, settings: Settings) -> int:
    from .app import AfterSalesApp

    app = AfterSalesApp(desk, theme=args.theme or settings.theme)
    app.run(mouse=not args.no_mouse)
    opening = app.desk_opening
    if opening is not None and not opening.started:
        return app.return_code or 0  # quit before the first paint: nothing was opened
    from .db import StorageError
    from .services import AfterSalesError
    from .settings import SettingsError

    try:
        desk = app.desk  # a desk still opening in the background is waited for
    except (StorageError, AfterSalesError, SettingsError) as problem:
        print(f"aftersales: {problem}", file=sys.stderr)
        return EXIT_USAGE
    desk.db.dispose()
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


def _check(db: Database) -> int:
    from .services import check

    results = check.run(db)
    db.dispose()
    for result in results:
        print(check.report_line(result))
    failed = sum(1 for r in results if not r.ok)
    if failed:
        print(_("{n} of {total} checks failed").format(n=failed, total=len(results)))
        return EXIT_VIOLATIONS
    print(_("All checks passed"))
    return 0


def _prepare(db: Database, args: argparse.Namespace, settings: Settings) -> Desk:
    """Load the demo if asked, and find who is acting: the Desk the screens work with."""
    from .desk import Desk
    from .services import Context, demo, refunds, setup

    ctx = Context()
    if args.command == "demo":
        if args.reset:
            demo.reset_database(db)
        if args.tickets:
            _generate(db, args.tickets, args.seed, sys.stderr)
        elif demo.is_empty(db):
            demo.load_demo(db, ctx)
    refunds.post_due(db, ctx)
    agent = setup.sign_in(db, ctx, args.user, getpass.getuser(), demo=args.command == "demo")
    if args.command == "demo" and not settings.shop_base_url:
        settings = replace(settings, shop_base_url=DEMO_SHOP_URL)
    return Desk(db=db, ctx=ctx.as_user(agent.id), agent_name=agent.name, settings=settings)


def _copy(source: str, target: str) -> int:
    from .cli_progress import progress_bar
    from .copying import copy_database
    from .db import open_database

    started = time.perf_counter()
    origin = open_database(source)
    try:
        destination = open_database(target)
        try:
            with progress_bar(_("Copying")) as progress:
                stats = copy_database(origin, destination, progress)
        finally:
            destination.dispose()
    finally:
        origin.dispose()
    print(
        _("Copied {rows} rows of {tables} tables in {seconds} s").format(
            rows=f"{stats.total:,}",
            tables=len(stats.rows),
            seconds=f"{time.perf_counter() - started:.1f}",
        )
    )
    return 0


def _generate(db: Database, tickets: int, seed: int, out: TextIO) -> None:
    """Generate the tickets with a progress bar on stderr, then say how fast on ``out``."""
    from .cli_progress import progress_bar
    from .services import Context
    from .services.demo.generate import generate

    ctx = Context()
    title = _("Generating {n} tickets").format(n=f"{tickets:,}")
    started = time.perf_counter()
    with progress_bar(title) as progress:
        stats = generate(db, ctx, tickets, ctx.today(), seed=seed, progress=progress)
    seconds = time.perf_counter() - started
    print(
        _("Tickets generated: {tickets} ({rows} rows) in {seconds} s, {rate} rows/s").format(
            tickets=f"{stats.tickets:,}",
            rows=f"{stats.rows:,}",
            seconds=f"{seconds:.1f}",
            rate=f"{stats.rows / max(seconds, 1e-6):,.0f}",
        ),
        file=out,
    )
