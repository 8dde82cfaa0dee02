"""`pluvo-codegen serve`: its options, and what they mean as `ServeOptions`.

`codegen/cli.py` only calls `add_serve_arguments` and `run_serve_command`. Exit codes:
0 the server was stopped (Ctrl-C or SIGTERM); 2 bad usage or input (the CLI maps
`CodegenError`), e.g. `--webhook-url` without `--webhook-secret`, or a port in use.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from codegen.webhooks.command import add_serve_options, serve_options

if TYPE_CHECKING:
    from codegen.server.run import ServeOptions

__all__ = ["add_serve_arguments", "run_serve_command", "serve_options_of"]


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def add_serve_arguments(sub: argparse.ArgumentParser) -> None:
    """Every option of `serve`."""
    sub.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sub.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    sub.add_argument(
        "--db", type=Path, help="SQLite file that survives restarts (default: temporary)"
    )
    sub.add_argument(
        "--certificates", type=_count, default=120, metavar="N", help="templates to seed"
    )
    sub.add_argument("--users", type=_count, default=10, metavar="M", help="users to seed")
    sub.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the seeding")
    sub.add_argument("--token", metavar="T", help="static bearer token (default: random)")
    sub.add_argument(
        "--client-id", metavar="ID", help="OAuth client id to accept (default: random)"
    )
    sub.add_argument(
        "--client-secret", metavar="S", help="OAuth client secret to accept (default: random)"
    )
    sub.add_argument(
        "--token-ttl",
        type=_count,
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
    add_serve_options(sub)


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
        **serve_options(args),
    )


def run_serve_command(args: argparse.Namespace) -> int:
    """Serve until interrupted; 0 once stopped."""
    from codegen.server.run import serve

    serve(serve_options_of(args))
    return 0
