"""`pluvo-codegen serve`: its options, and what they mean as `ServeOptions`.

`codegen/cli.py` only calls `add_serve_parser`; the command runs `run_serve`. Exit
codes: 0 the server was stopped (Ctrl-C or SIGTERM); 2 bad usage or input (the CLI maps
`CodegenError`), e.g. `--webhook-url` without `--webhook-secret`, or a port in use.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen.arguments import HelpFormatter, non_negative_int
from codegen.errors import EXIT_OK
from codegen.webhooks.command import add_serve_webhook_options, serve_webhook_options

if TYPE_CHECKING:
    from codegen.server.run import ServeOptions

__all__ = ["SERVE_EXIT_CODES", "add_serve_parser", "run_serve", "serve_options_of"]

SERVE_EXIT_CODES = """\
exit codes:
  0  the server was stopped (Ctrl-C or SIGTERM)
  2  invalid input or usage: each problem is printed as path:line:col: message
"""


def add_serve_parser(commands: Any, config_options: argparse.ArgumentParser) -> None:
    """`pluvo-codegen serve` and every option of it."""
    sub = commands.add_parser(
        "serve",
        parents=[config_options],
        help="run the reference server: a local Pluvo over HTTP and SQLite",
        description="Serve the schema's certificate API on loopback, backed by SQLite.",
        epilog=SERVE_EXIT_CODES,
        formatter_class=HelpFormatter,
    )
    sub.set_defaults(command=run_serve)
    sub.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sub.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    sub.add_argument(
        "--db", type=Path, help="SQLite file that survives restarts (default: temporary)"
    )
    sub.add_argument(
        "--certificates", type=non_negative_int, default=120, metavar="N", help="templates to seed"
    )
    sub.add_argument(
        "--users", type=non_negative_int, default=10, metavar="M", help="users to seed"
    )
    sub.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the seeding")
    sub.add_argument("--token", metavar="T", help="static bearer token to accept (default: random)")
    sub.add_argument(
        "--client-id",
        metavar="ID",
        help="OAuth client id to accept (default: pluvo-reference-client)",
    )
    sub.add_argument(
        "--client-secret", metavar="S", help="OAuth client secret to accept (default: random)"
    )
    sub.add_argument(
        "--token-ttl",
        type=non_negative_int,
        default=86400,
        metavar="SECONDS",
        help="lifetime of OAuth tokens",
    )
    sub.add_argument(
        "--fixture-out",
        type=Path,
        metavar="PATH",
        help="write url, tokens and ids as JSON once listening (default: not written)",
    )
    add_serve_webhook_options(sub)


def serve_options_of(args: argparse.Namespace) -> ServeOptions:
    """The `ServeOptions` that parsed `serve` arguments mean (the schema from `--config`)."""
    from codegen.config import load_config
    from codegen.server.run import ServeOptions

    config = load_config(args.config)
    return ServeOptions(
        schema_path=config.schema_path,
        host=args.host,
        port=args.port,
        db=args.db,
        certificates=args.certificates,
        users=args.users,
        seed=args.seed,
        token=args.token,
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_ttl=args.token_ttl,
        fixture_out=args.fixture_out,
        **serve_webhook_options(args),
    )


def run_serve(args: argparse.Namespace) -> int:
    """`pluvo-codegen serve`: serve until interrupted; 0 once stopped."""
    from codegen.server.run import serve

    serve(serve_options_of(args))
    return EXIT_OK
