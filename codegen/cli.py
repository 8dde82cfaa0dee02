"""The `pluvo-codegen` command line: argument parsing, printing and exit codes only."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from codegen.errors import CodegenError, DocumentError

__all__ = ["EXIT_DRIFT", "EXIT_INVALID", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_INVALID = 2

EXIT_CODES_HELP = """\
exit codes (the same for every command):
  0  ok
  1  drift found: generated/ is not what the schema and operations produce
  2  invalid input or usage: each problem is printed as path:line:col: message
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        return command(args)
    except DocumentError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        noun = "problem" if len(exc.diagnostics) == 1 else "problems"
        print(f"pluvo-codegen: {len(exc.diagnostics)} {noun} found", file=sys.stderr)
        return EXIT_INVALID
    except CodegenError as exc:
        print(f"pluvo-codegen: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    """Describe every command, its options and the exit codes."""
    parser = argparse.ArgumentParser(
        prog="pluvo-codegen",
        description="Generate and check the typed Pluvo client from schema/ and queries/.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    config_options = argparse.ArgumentParser(add_help=False)
    config_options.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="TOML file with a [tool.ariadne-codegen] table (default: the nearest pyproject.toml)",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name, handler, summary in (
        ("validate", run_validate, "parse the schema and every operation; report all errors"),
        ("generate", run_generate, "validate, then regenerate the client package atomically"),
        ("check", run_check, "exit 1 if the package differs from what generate would write"),
    ):
        sub = commands.add_parser(
            name,
            parents=[config_options],
            help=summary,
            description=summary[0].upper() + summary[1:] + ".",
            epilog=EXIT_CODES_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(command=handler)
    add_serve_parser(commands, config_options)
    return parser


def add_serve_parser(commands: Any, config_options: argparse.ArgumentParser) -> None:
    """`pluvo-codegen serve`: the reference server's options."""
    sub = commands.add_parser(
        "serve",
        parents=[config_options],
        help="run the reference server: a local Pluvo over HTTP and SQLite",
        description="Serve the schema's certificate API on loopback, backed by SQLite.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("--host", default="127.0.0.1")
    sub.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    sub.add_argument(
        "--db", type=Path, help="SQLite file that survives restarts (default: temporary)"
    )
    sub.add_argument("--certificates", type=_count, default=120, metavar="N")
    sub.add_argument("--users", type=_count, default=10, metavar="M")
    sub.add_argument("--seed", type=int, default=0, metavar="S")
    sub.add_argument("--token", metavar="T", help="static bearer token (default: random)")
    sub.add_argument("--client-id", metavar="ID")
    sub.add_argument("--client-secret", metavar="S")
    sub.add_argument("--token-ttl", type=_count, default=86400, metavar="SECONDS")
    sub.add_argument(
        "--fixture-out", type=Path, metavar="PATH", help="write url, tokens and ids as JSON"
    )
    sub.set_defaults(command=run_serve)


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def run_validate(args: argparse.Namespace) -> int:
    """`pluvo-codegen validate`."""
    from codegen.config import load_config
    from codegen.sources import load_sources

    config = load_config(args.config)
    sources = load_sources(config)
    print(
        f"{config.display(config.schema_path)} and {len(sources.operations)} operations "
        f"in {config.display(config.queries_path)} are valid"
    )
    return EXIT_OK


def run_generate(args: argparse.Namespace) -> int:
    """`pluvo-codegen generate`."""
    from codegen.config import load_config
    from codegen.generate import render_package, write_package
    from codegen.sources import load_sources

    config = load_config(args.config)
    files = render_package(config, load_sources(config))
    changed = write_package(config, files)
    state = "written" if changed else "already up to date"
    print(f"{config.display(config.package_dir)}: {len(files)} files {state}")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    """`pluvo-codegen check`."""
    from codegen.config import load_config
    from codegen.generate import find_drift, render_package
    from codegen.sources import load_sources

    config = load_config(args.config)
    drift = find_drift(config, render_package(config, load_sources(config)))
    package = config.display(config.package_dir)
    if not drift:
        print(f"{package} is up to date")
        return EXIT_OK
    for kind, names in (("stale", drift.stale), ("missing", drift.missing), ("extra", drift.extra)):
        for name in names:
            print(f"{kind}: {package}/{name}")
    for name in drift.stale:
        sys.stdout.write(drift.diffs[name])
    count = len(drift.stale) + len(drift.missing) + len(drift.extra)
    print(
        f"pluvo-codegen: {count} file(s) in {package} differ from the schema and "
        "operations; run `pluvo-codegen generate` and commit the result",
        file=sys.stderr,
    )
    return EXIT_DRIFT


def run_serve(args: argparse.Namespace) -> int:
    """`pluvo-codegen serve`."""
    from codegen.config import load_config
    from codegen.server.run import ServeOptions, serve

    config = load_config(args.config)
    serve(
        ServeOptions(
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
        )
    )
    return EXIT_OK
