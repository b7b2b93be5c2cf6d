"""`valuewatch report` and `valuewatch export preferences`."""

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from metrics.settings import Settings
from metrics.store.database import Store
from metrics.types import as_utc, utc_now
from metrics.value.config import ValueConfigError, load_value_config
from metrics.value.periods import Month
from metrics.value.tables import REPORT_FORMATS

VALUE_COMMANDS = ("report", "export")
PREFERENCE_RECORDS = {"dpo": "DPO pair(s)", "kto": "KTO row(s)", "scores": "score(s)"}


def add_value_commands(commands: Any) -> None:
    """Add `report` and `export` to the CLI's subcommands."""
    report = commands.add_parser("report", help="write the monthly value report")
    report.add_argument("--month", required=True, type=Month.parse, help="YYYY-MM")
    report.add_argument("--format", choices=REPORT_FORMATS, default="html")
    report.add_argument("--out", required=True, type=Path, help="the file to write")

    export = commands.add_parser("export", help="export data sets built from the store")
    kinds = export.add_subparsers(dest="export_kind", required=True)
    preferences = kinds.add_parser(
        "preferences", help="a preference dataset from user feedback, as JSON Lines: DPO "
        "pairs, KTO rows (both as TRL reads them) or the scores of calls without content"
    )
    preferences.add_argument("--since", required=True, type=date.fromisoformat,
                             help="YYYY-MM-DD: feedback from this day on")
    preferences.add_argument("--format", choices=("dpo", "kto", "scores"), required=True,
                             help="dpo: prompt, chosen, rejected; kto: prompt, completion, "
                             "label; scores: id, app, score")
    preferences.add_argument("--out", required=True, type=Path)


def run_value_command(settings: Settings, store: Store, args: argparse.Namespace) -> int:
    """Run `report` or `export`; returns the exit status."""
    if args.command == "report":
        return _report(settings, store, args)
    return _export_preferences(store, args)


def _report(settings: Settings, store: Store, args: argparse.Namespace) -> int:
    from evaluators.value.report.build import build_report
    from evaluators.value.report.render import render

    try:
        config = load_value_config(settings.value_config)
        with store.engine.begin() as connection:
            report = build_report(connection, config, args.month, now=utc_now())
    except (ValueConfigError, ValueError) as exc:
        print(f"valuewatch report: {exc}", file=sys.stderr)
        return 2
    _, content = render(report, (args.format,))[args.format]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(content)
    state = "final" if report.final else "month to date"
    print(f"wrote the {state} value report for {args.month} ({args.format}) to {args.out}")
    return 0


def _export_preferences(store: Store, args: argparse.Namespace) -> int:
    from evaluators.quality.preferences import export_preferences

    since = as_utc(datetime.combine(args.since, datetime.min.time()))
    with store.engine.connect() as connection:
        written = export_preferences(connection, args.format, since=since, out=args.out)
    print(f"wrote {written} {PREFERENCE_RECORDS[args.format]} to {args.out}")
    return 0
