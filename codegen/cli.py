"""The `pluvo-codegen` command line: argument parsing, printing and exit codes only."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from codegen.arguments import HelpFormatter, VersionAction, add_common_options
from codegen.errors import EXIT_FOUND, EXIT_INVALID, EXIT_OK, CodegenError, DocumentError

__all__ = ["EXIT_DRIFT", "EXIT_INVALID", "EXIT_OK", "main"]

EXIT_DRIFT = EXIT_FOUND  # `check`: the package differs from what generate would write

_INVALID = "  2  invalid input or usage: each problem is printed as path:line:col: message\n"
EXIT_CODES_HELP = (
    "exit codes (each command's --help lists its own):\n"
    "  0  ok\n"
    "  1  drift, a violation or a break was found\n" + _INVALID
)
COMMAND_EXIT_CODES = {
    "validate": "exit codes:\n  0  the schema and every operation are valid\n" + _INVALID,
    "generate": "exit codes:\n  0  the package was written, or was already up to date\n"
    + _INVALID
    + "     (the package is then left byte-identical)\n",
    "check": "exit codes:\n  0  the package is exactly what generate would write\n"
    "  1  drift: a file is stale, missing or extra (each is named, with a diff)\n" + _INVALID,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    from codegen.style import complain, set_mode

    parser = build_parser()
    args = parser.parse_args(argv)
    set_mode(getattr(args, "color", "auto"))
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        return command(args)
    except DocumentError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        noun = "problem" if len(exc.diagnostics) == 1 else "problems"
        complain(f"{len(exc.diagnostics)} {noun} found")
        return EXIT_INVALID
    except CodegenError as exc:
        complain(str(exc))
        return EXIT_INVALID
    except OSError as exc:  # a safety net: each command names its own paths first
        where = f"{exc.filename}: " if exc.filename else ""
        complain(f"{where}{exc.strerror or exc}")
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    """Describe every command, its options and the exit codes."""
    from codegen.contract.command import add_contract_parser
    from codegen.downstream.command import add_downstream_parsers
    from codegen.evolution.command import add_evolution_parsers
    from codegen.server.command import add_serve_parser
    from codegen.webhooks.command import add_webhooks_parser

    parser = argparse.ArgumentParser(
        prog="pluvo-codegen",
        description="Generate and check the typed Pluvo client from schema/ and queries/.",
        epilog=EXIT_CODES_HELP,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--version",
        action=VersionAction,
        help="print the version and the pinned ariadne-codegen, graphql-core and ruff",
    )
    config_options = argparse.ArgumentParser(add_help=False)
    config_options.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="TOML file with a [tool.ariadne-codegen] table (default: the nearest pyproject.toml)",
    )
    add_common_options(parser, config_options)
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
            epilog=COMMAND_EXIT_CODES[name],
            formatter_class=HelpFormatter,
        )
        sub.set_defaults(command=handler)
    add_serve_parser(commands, config_options)
    add_contract_parser(commands, config_options)
    add_evolution_parsers(commands, config_options)
    add_downstream_parsers(commands, config_options)
    add_webhooks_parser(commands, config_options)
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
    from codegen.generate import (
        check_package_dir,
        describe_changes,
        read_tree,
        render_package,
        write_package,
    )
    from codegen.sources import load_sources

    config = load_config(args.config)
    check_package_dir(config)  # refuse a folder it must not replace before any work
    files = render_package(config, load_sources(config))
    before = read_tree(config.package_dir)
    write_package(config, files)
    print(f"{config.display(config.package_dir)}: {describe_changes(before, files)}")
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
    from codegen.style import complain, paint, paint_diff

    for kind, names in (("stale", drift.stale), ("missing", drift.missing), ("extra", drift.extra)):
        for name in names:
            # A file generate did not write makes generate refuse (docs/generate-safety.md).
            note = " (not written by pluvo-codegen: generate refuses)" * (name in drift.foreign)
            print(f"{paint(kind + ':', 'red')} {package}/{name}{note}")
    for name in drift.stale:
        sys.stdout.write(paint_diff(drift.diffs[name]))
    count = len(drift.stale) + len(drift.missing) + len(drift.extra)
    complain(
        f"{count} file(s) in {package} differ from the schema and "
        "operations; run `pluvo-codegen generate` and commit the result"
    )
    return EXIT_DRIFT
