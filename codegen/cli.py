"""The `pluvo-codegen` command line: argument parsing, printing and exit codes only."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

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
    return parser


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
