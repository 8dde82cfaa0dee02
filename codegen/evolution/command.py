"""`pluvo-codegen pull` and `pluvo-codegen diff`: their options, and the commands that run them.

`codegen/cli.py` only calls `add_evolution_parsers`. Credentials (for `pull` and for a
`diff` schema that is a URL) come from `codegen.credentials`: the same flags and
environment variables as every command.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from codegen.arguments import HelpFormatter, seconds
from codegen.errors import EXIT_FOUND, EXIT_OK

__all__ = ["add_evolution_parsers", "run_diff", "run_pull"]

PULL_EXIT_CODES_HELP = """\
exit codes:
  0  the schema was printed or written
  2  the endpoint or its token URL failed: introspection disabled, HTTP 401, not
     GraphQL, or a timeout; bad credentials; an existing --out file is left untouched
"""

DIFF_EXIT_CODES_HELP = """\
OLD and NEW are each an SDL file, an introspection JSON file, a URL, or
git:REV:PATH (PATH relative to the config's folder, as `git show` reads it).
A URL is fetched with the credentials below (both, when both are URLs).

exit codes:
  0  no change breaks one of our operations (with --strict: no change is breaking)
  1  a change breaks one of our operations; with --strict, any breaking change
  2  bad input: a schema or operation that does not parse is printed as
     path:line:col: message; a URL or its token URL that fails; bad credentials
"""


def add_evolution_parsers(commands: Any, config_options: argparse.ArgumentParser) -> None:
    """`pluvo-codegen pull` and `pluvo-codegen diff`: the schema over time."""
    from codegen.credentials import add_credential_options

    pull = commands.add_parser(
        "pull",
        parents=[config_options],
        help="introspect an endpoint and write its schema as sorted SDL",
        description="Introspect a GraphQL endpoint and print or write its schema as "
        "deterministic SDL: sorted, with descriptions and deprecations.",
        epilog=PULL_EXIT_CODES_HELP,
        formatter_class=HelpFormatter,
    )
    pull.add_argument("--url", required=True, help="the GraphQL endpoint (required)")
    pull.add_argument(
        "--out", type=Path, metavar="PATH", help="write the SDL here, atomically (default: stdout)"
    )
    pull.add_argument(
        "--timeout", type=seconds, default=30.0, metavar="SECONDS", help="for each HTTP request"
    )
    add_credential_options(pull, target="--url")
    pull.set_defaults(command=run_pull)

    diff = commands.add_parser(
        "diff",
        parents=[config_options],
        help="list the changes between two schemas and the operations they break",
        description="List every change from OLD to NEW (graphql-inspector's levels, types "
        "and paths) and name the operations in --queries that each change breaks.",
        epilog=DIFF_EXIT_CODES_HELP,
        formatter_class=HelpFormatter,
    )
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument(
        "--queries",
        type=Path,
        metavar="DIR",
        help="our operations (default: the configured queries_path)",
    )
    diff.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="how to print the report",
    )
    diff.add_argument(
        "--strict", action="store_true", help="exit 1 on any breaking change, used or not"
    )
    diff.add_argument(
        "--timeout", type=seconds, default=30.0, metavar="SECONDS", help="for a URL schema"
    )
    add_credential_options(diff, target="a URL schema")
    diff.set_defaults(command=run_diff)


def run_pull(args: argparse.Namespace) -> int:
    """`pluvo-codegen pull`."""
    from codegen.atomic_write import write_atomically
    from codegen.credentials import resolve_auth
    from codegen.evolution import pull_schema

    auth = resolve_auth(args)
    if args.config is not None:  # pull reads no setting, but a broken config is still exit 2
        from codegen.config import load_config

        load_config(args.config)
    sdl = pull_schema(args.url, auth, args.timeout)
    if args.out is None:
        sys.stdout.write(sdl)
    else:
        write_atomically(args.out, sdl)
        print(f"{args.out}: schema of {args.url} written")
    return EXIT_OK


def run_diff(args: argparse.Namespace) -> int:
    """`pluvo-codegen diff`."""
    from codegen.credentials import auth_for
    from codegen.evolution import Level, compare, render_report
    from codegen.style import complain

    # The environment is read only when a schema is a URL: files need no credentials.
    urls = [spec for spec in (args.old, args.new) if spec.startswith(("http://", "https://"))]
    auth = auth_for(args, urls[0] if urls else None, "an OLD or NEW that is a URL")
    comparison = compare(
        args.old,
        args.new,
        queries=args.queries,
        config=args.config,
        auth=auth,
        timeout=args.timeout,
    )
    report = render_report(comparison, args.format)
    if args.format == "text":
        from codegen.style import paint_levels

        report = paint_levels(report)
    sys.stdout.write(report)
    broken = comparison.broken_operations
    if broken:
        complain(f"changes break {', '.join(broken)}")
        return EXIT_FOUND
    breaking = comparison.count(Level.BREAKING)
    if args.strict and breaking:
        complain(f"{breaking} breaking change(s) (--strict)")
        return EXIT_FOUND
    return EXIT_OK
