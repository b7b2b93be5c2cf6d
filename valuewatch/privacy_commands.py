"""`valuewatch privacy docs|export|delete`: what is stored, and one user's rows."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from metrics.privacy import privacy_docs
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.subject_rights import delete_user, export_user, user_pseudonym


def add_privacy_commands(commands: Any) -> None:
    """Add `privacy` and its subcommands to the CLI's subcommands."""
    privacy = commands.add_parser("privacy", help="what is stored; export or delete a user's rows")
    actions = privacy.add_subparsers(dest="privacy_command", required=True)
    docs = actions.add_parser("docs", help="write docs/privacy.md from the classification")
    docs.add_argument("--out", type=Path, default=None, help="the file (default: stdout)")
    export = actions.add_parser("export", help="every row tied to a user, as JSON")
    export.add_argument("--user", required=True, help="the user id the apps send")
    export.add_argument("--out", type=Path, default=None, help="the file (default: stdout)")
    remove = actions.add_parser("delete", help="delete every row tied to a user; "
                                "aggregates, which hold no user id, are kept")
    remove.add_argument("--user", required=True, help="the user id the apps send")


def write_privacy_docs(args: argparse.Namespace) -> int:
    """`valuewatch privacy docs`: needs no database."""
    _write(privacy_docs(), args.out)
    return 0


def run_privacy_command(settings: Settings, store: Store, args: argparse.Namespace) -> int:
    """Run `privacy export` or `privacy delete`, audited as the CLI; returns the exit status."""
    user_hash = user_pseudonym(settings, store, args.user)
    if args.privacy_command == "export":
        found = export_user(store, user_hash, actor="cli")
        _write(json.dumps(found, indent=2, sort_keys=True) + "\n", args.out)
        return 0
    counts = delete_user(store, user_hash, actor="cli")
    for table, count in counts.items():
        print(f"{table}\t{count}")
    print(f"deleted {sum(counts.values())} row(s) of user {user_hash}", file=sys.stderr)
    return 0


def _write(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
