"""`aftersales import` and `aftersales export`: their arguments and what they print."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .i18n import _

if TYPE_CHECKING:
    from .db import Database

EXIT_PROBLEMS = 1  # the files have problems (what had none may have been written)
SHOWN_PROBLEMS = 100  # a file wrong from top to bottom does not flood the terminal


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from .services.importing.names import TYPE_NAMES

    importing = commands.add_parser(
        "import",
        help=_("import customers, products, orders, invoices, tickets... from CSV or JSON"),
        description=_(
            "Import records from CSV or JSON files (one record type per file, told by the "
            "file's name, its columns or --type). A record whose ext_ref is known is updated, "
            "else created; references between files may point into any file of the run. "
            "Nothing of a file with problems is written unless --skip-bad-rows. Exit code 0 "
            "when all went in, 1 when problems were found, 2 when a file or the database "
            "cannot be used."
        ),
    )
    importing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    importing.add_argument("--db", metavar="PATH|URL", help=_("database file or URL"))
    importing.add_argument(
        "--type",
        dest="type_name",
        choices=list(TYPE_NAMES),
        metavar="TYPE",
        help=_("the record type of every file: {names}").format(names=", ".join(TYPE_NAMES)),
    )
    importing.add_argument(
        "--dry-run", action="store_true", help=_("check the files and count, write nothing")
    )
    importing.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help=_("write the good records of a file with problems, leave out the bad ones"),
    )
    exporting = commands.add_parser(
        "export",
        help=_("export the credit notes, coupons, returns, repairs and tasks made in the desk"),
        description=_(
            "Write the after-sales documents made in the desk (credit notes with lines, "
            "coupons, return receipts with lines, repair orders with parts, tasks), with "
            "their ticket and the external references of what they refer to, into a folder. "
            "--since keeps those created or changed from then on; each export prints the "
            "--since to give next time."
        ),
    )
    exporting.add_argument("--db", metavar="PATH|URL", help=_("database file or URL"))
    which = exporting.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--since",
        type=_timestamp,
        metavar="TIMESTAMP",
        help=_("only what changed from then on (ISO 8601, UTC unless an offset)"),
    )
    which.add_argument("--all", action="store_true", help=_("every document"))
    exporting.add_argument("--format", choices=["csv", "json"], default="csv")
    exporting.add_argument("--to", required=True, type=Path, metavar="DIR")


def _timestamp(text: str) -> datetime:
    from .services.importing.values import BadValue, moment

    try:
        return moment(text)
    except BadValue as bad:
        raise argparse.ArgumentTypeError(bad.template.format(field="--since", value=text)) from None


def run_import(db: Database, args: argparse.Namespace) -> int:
    """Import, with a progress bar; problems on stderr, the summary on stdout."""
    from .cli_progress import progress_bar
    from .services import Context
    from .services.importing.run import ImportOptions, import_files

    options = ImportOptions(
        type_name=args.type_name, dry_run=args.dry_run, skip_bad_rows=args.skip_bad_rows
    )
    with progress_bar(_("Importing")) as progress:
        report = import_files(db, Context(), args.files, options, progress)
    for problem in report.problems[:SHOWN_PROBLEMS]:
        print(problem, file=sys.stderr)
    if len(report.problems) > SHOWN_PROBLEMS:
        more = len(report.problems) - SHOWN_PROBLEMS
        print(_("... and {n} more problems").format(n=f"{more:,}"), file=sys.stderr)
    header = (_("type"), _("created"), _("updated"), _("skipped"))
    print(f"{header[0]:<20} {header[1]:>9} {header[2]:>9} {header[3]:>9}")
    for name, counts in report.counts.items():
        print(f"{name:<20} {counts.created:>9,} {counts.updated:>9,} {counts.skipped:>9,}")
    if args.dry_run:
        print(_("Dry run: nothing was written."))
    elif report.problems and not report.written:
        print(_("Nothing was written."))
    if report.problems:
        print(_("{n} problems found").format(n=len(report.problems)), file=sys.stderr)
        return EXIT_PROBLEMS
    return 0


def run_export(db: Database, args: argparse.Namespace) -> int:
    from .services import Context
    from .services.exporting import ExportFormat, export

    report = export(db, Context(), args.to, ExportFormat(args.format), args.since)
    for name, count in report.counts.items():
        print(f"{name:<14} {count:>9,}")
    print(_("Written into {path}").format(path=args.to))
    print(
        _("Next time, to export only what changed: --since {until}").format(
            until=report.until.isoformat()
        )
    )
    return 0
