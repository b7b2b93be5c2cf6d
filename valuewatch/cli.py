"""The `valuewatch` command: serve, evaluate, keys, report, export, privacy."""

import argparse
import logging
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import Scope
from valuewatch.build_commands import BUILD_COMMANDS, add_build_commands, run_build_command
from valuewatch.privacy_commands import (
    add_privacy_commands,
    run_privacy_command,
    write_privacy_docs,
)
from valuewatch.value_commands import VALUE_COMMANDS, add_value_commands, run_value_command


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="valuewatch", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the collector")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--workers", type=int, default=1,
                       help="worker processes (metrics merged in multiprocess mode)")
    serve.add_argument("--otlp-grpc-port", type=int, default=None,
                       help="OTLP/gRPC port (default VALUEWATCH_OTLP_GRPC_PORT or 4317; 0: off)")
    serve.add_argument("--tls-cert", type=Path, default=None,
                       help="PEM certificate: serve HTTPS and gRPC over TLS (VALUEWATCH_TLS_CERT)")
    serve.add_argument("--tls-key", type=Path, default=None,
                       help="PEM private key of --tls-cert (VALUEWATCH_TLS_KEY)")

    evaluate = commands.add_parser(
        "evaluate", help="run the scheduled evaluators (drift, accuracy, feedback, rollup, "
        "retention, kpis, report, delivery), serving their /metrics"
    )
    evaluate.add_argument("--job", help="only this job (default: all)")
    evaluate.add_argument("--once", action="store_true", help="run the jobs now and exit")
    evaluate.add_argument("--metrics-host", default="0.0.0.0")
    evaluate.add_argument("--metrics-port", type=int, default=9464)
    evaluate.add_argument("--log-level", default="info")

    commands.add_parser("migrate", help="create or upgrade the database schema, then exit "
                        "(serve does this first)")

    keys = commands.add_parser("keys", help="create, list and revoke API keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="create a key; it is printed once")
    create.add_argument("--name", required=True)
    create.add_argument("--scope", required=True, choices=[s.value for s in Scope])
    revoke = key_commands.add_parser("revoke", help="revoke every live key of a name")
    revoke.add_argument("--name", required=True)
    key_commands.add_parser("list", help="list keys (never the keys themselves)")
    add_value_commands(commands)
    add_build_commands(commands)
    add_privacy_commands(commands)

    demo = commands.add_parser("demo", help="a first look: a service with weeks of traffic, "
                               "evaluated, with dashboards, alerts and a value report")
    demo.add_argument("--out", type=Path, default=Path("valuewatch-demo"),
                      help="where the dashboards, alerts and report go")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--days", type=int, default=42, help="days of traffic to send")
    demo.add_argument("--no-wait", action="store_true", help="stop once everything is written")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    settings = Settings()
    if args.command in BUILD_COMMANDS:  # generators: no database needed
        return run_build_command(settings, args)
    if args.command == "privacy" and args.privacy_command == "docs":
        return write_privacy_docs(args)
    if args.command == "demo":  # its own temporary database
        from valuewatch.demo import run_demo

        return run_demo(args.out, port=args.port, days=args.days, wait=not args.no_wait)
    if args.command == "serve":
        return _serve(settings, args)
    store = Store.open(settings.database_url)
    store.migrate()
    if args.command == "migrate":
        return 0
    if args.command == "evaluate":
        return _evaluate(settings, store, args)
    if args.command in VALUE_COMMANDS:
        return run_value_command(settings, store, args)
    if args.command == "privacy":
        return run_privacy_command(settings, store, args)
    return _keys(store, args)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from valuewatch.serve import serve

    # Migrating in a child process keeps Alembic out of the server's memory for good.
    migrated = subprocess.run([sys.executable, "-m", "valuewatch", "migrate"], check=False)
    if migrated.returncode != 0:
        print("valuewatch serve: the schema could not be migrated (see above)", file=sys.stderr)
        return migrated.returncode
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    if args.otlp_grpc_port is not None:
        settings = settings.model_copy(update={"otlp_grpc_port": args.otlp_grpc_port})
    if args.tls_cert is not None or args.tls_key is not None:
        # Validated again, so that one of the two alone fails loudly.
        settings = Settings.model_validate(settings.model_dump() | {
            "tls_cert": args.tls_cert, "tls_key": args.tls_key})
    serve(settings, host=args.host, port=args.port, workers=args.workers,
          log_level=args.log_level)
    return 0


def _evaluate(settings: Settings, store: Store, args: argparse.Namespace) -> int:
    from valuewatch.evaluate import chosen_jobs, evaluate_forever, evaluate_once

    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    try:
        jobs = chosen_jobs(settings, args.job)
    except ValueError as exc:
        print(f"valuewatch evaluate: {exc}", file=sys.stderr)
        return 2
    if args.once:
        return evaluate_once(store, jobs)
    return evaluate_forever(store, jobs, host=args.metrics_host, port=args.metrics_port,
                            refresh_s=settings.evaluator_metrics_refresh_s,
                            label_limit=settings.label_value_limit)


def _keys(store: Store, args: argparse.Namespace) -> int:
    from collector.keys import create_key, list_keys, revoke_key

    if args.keys_command == "create":
        key = create_key(store, name=args.name, scope=Scope(args.scope))
        print(f"created {args.scope} key {args.name!r}; it is shown once, store it now:")
        print(key)
        return 0
    if args.keys_command == "revoke":
        count = revoke_key(store, name=args.name)
        print(f"revoked {count} key(s) named {args.name!r}")
        return 0 if count else 1
    for key in list_keys(store):
        state = "revoked" if key.revoked_at else "live"
        print(f"{key.name}\t{key.scope}\t{key.prefix}…\t{state}\t{key.created_at:%Y-%m-%d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
