"""`valuewatch dashboards build` and `valuewatch alerts build`: the generated files."""

import argparse
import sys
from pathlib import Path
from typing import Any

from metrics.settings import Settings

BUILD_COMMANDS = ("dashboards", "alerts")


def add_build_commands(commands: Any) -> None:
    """Add `dashboards build` and `alerts build` to the CLI's subcommands."""
    helps = {
        "dashboards": "the Grafana dashboards, as JSON",
        "alerts": "the Prometheus rules, a PrometheusRule and an example Alertmanager config",
    }
    for name, what in helps.items():
        command = commands.add_parser(name, help=f"generate {what}")
        actions = command.add_subparsers(dest=f"{name}_command", required=True)
        build = actions.add_parser("build", help=f"write {what} into --out")
        build.add_argument("--out", required=True, type=Path, help="the directory to write")


def run_build_command(settings: Settings, args: argparse.Namespace) -> int:
    """Write the files of `dashboards build` or `alerts build`; 2 on a bad setting."""
    # Imported here, not at the top: every `valuewatch` command, `serve` included, loads
    # this module, and the generators (grafanalib) are only needed by these two.
    from alerts.pipeline import alert_files
    from dashboards.build import dashboard_files

    build = dashboard_files if args.command == "dashboards" else alert_files
    try:
        files = build(settings)
    except ValueError as exc:
        print(f"valuewatch {args.command} build: {exc}", file=sys.stderr)
        return 2
    write_files(files, args.out)
    for name in sorted(files):
        print(args.out / name)
    return 0


def write_files(files: dict[str, str], out: Path) -> None:
    """Each file name → text into `out`, made if missing."""
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
