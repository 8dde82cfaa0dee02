"""`pluvo-codegen contract`: its options, and the command that runs the kit and prints the report.

`codegen/cli.py` only calls `add_contract_parser`; the parser runs `run_contract`.
Exit codes: 0 every checked property held; 1 a property was violated; 2 bad usage,
an unreachable or unauthorised target, or nothing checked (every property skipped)
without `--allow-skips`. With `--format json`, errors are printed as JSON too.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codegen.errors import EXIT_FOUND, EXIT_INVALID, EXIT_OK, CodegenError

if TYPE_CHECKING:
    import httpx

    from codegen.config import Config
    from codegen.contract.embedded import EmbeddedLaunch

__all__ = ["add_contract_parser", "run_contract"]

DOCUMENT_KEYS = ("spec", "relay", "graphql", "http", "pluvo", "house")

CONTRACT_EPILOG = """\
exit codes:
  0  every checked property held
  1  a property was violated: its counterexample is printed
  2  usage error or bad credentials; the target is unreachable or refuses the token
     (HTTP 401); the token URL fails (named); or nothing was checked (every property
     skipped) and --allow-skips was not given

--only takes: spec (relay + graphql + http, the normative documents), relay,
graphql, http, pluvo (Pluvo's documentation), house (this project's house policy).
"""


def add_contract_parser(commands: Any, config_options: argparse.ArgumentParser) -> None:
    """`pluvo-codegen contract` and every option of it.

    The credentials are `codegen.credentials`'s, as for every command.
    """
    from codegen.arguments import HelpFormatter, positive_int, seconds, uuid_value
    from codegen.contract.options import (
        DEFAULT_JOBS,
        DEFAULT_MAX_EXAMPLES,
        DEFAULT_MAX_PAGE_SIZE,
        DEFAULT_TIMEOUT,
    )
    from codegen.credentials import add_credential_options

    sub = commands.add_parser(
        "contract",
        parents=[config_options],
        help="check with hypothesis that an endpoint keeps the paging and issuing contracts",
        description=(
            "Check that an endpoint keeps the Relay pagination contract on every connection, "
            "and Pluvo's bulk-issuance contract; without --url, check the embedded reference "
            "server."
        ),
        epilog=CONTRACT_EPILOG,
        formatter_class=HelpFormatter,
    )
    sub.set_defaults(command=run_contract)
    # The environment is read when the command runs (`_run`), as the credentials are.
    sub.add_argument(
        "--url",
        help="the GraphQL endpoint, e.g. https://acme.pluvo.com/graphql/ (env PLUVO_GRAPHQL_URL;"
        " default: start the embedded reference server)",
    )
    sub.add_argument(
        "--user-id",
        action="append",
        dest="user_ids",
        type=uuid_value,
        metavar="UUID",
        help="a user known to exist; repeat it (env PLUVO_USER_IDS, comma-separated;"
        " default: none, so the issuing properties use only unknown users)",
    )
    sub.add_argument(
        "--allow-mutations",
        action="store_true",
        help="run the issuing properties, which issue real certificates"
        " (env PLUVO_ALLOW_MUTATIONS=1)",
    )
    sub.add_argument(
        "--max-examples",
        type=positive_int,
        metavar="N",
        help="random examples per property, after its boundary cases "
        f"(default: {DEFAULT_MAX_EXAMPLES})",
    )
    sub.add_argument(
        "--seed", type=int, metavar="S", help="repeat a run exactly (default: drawn and printed)"
    )
    sub.add_argument(
        "--property",
        action="append",
        dest="properties",
        metavar="NAME",
        help="check only this property; repeat it (default: every property)",
    )
    sub.add_argument(
        "--only",
        action="append",
        choices=DOCUMENT_KEYS,
        metavar="DOCUMENT",
        help="check only the properties of this document; repeat it (see below;"
        " default: every document)",
    )
    sub.add_argument(
        "--max-page-size",
        type=positive_int,
        metavar="N",
        help="the endpoint's page-size limit, a house rule "
        f"(default: {DEFAULT_MAX_PAGE_SIZE}, Pluvo's)",
    )
    source = sub.add_mutually_exclusive_group()
    source.add_argument(
        "--schema",
        metavar="SOURCE",
        help="the schema to find connections in: a file, a URL or git:REV:path "
        "(default: the config's schema)",
    )
    source.add_argument(
        "--introspect",
        action="store_true",
        help="take the schema from the target by introspection",
    )
    sub.add_argument(
        "--connection",
        action="append",
        dest="connections",
        metavar="NAME",
        help="check only this connection on Query; repeat it (default: every one found)",
    )
    sub.add_argument(
        "--var",
        action="append",
        dest="variables",
        metavar="CONNECTION.ARG=VALUE",
        help="a value for a connection's other argument (VALUE is JSON, else a string;"
        " default: none, so such connections are skipped)",
    )
    sub.add_argument(
        "--allow-skips",
        action="store_true",
        help="exit 0 even when every property was skipped (nothing checked)",
    )
    sub.add_argument(
        "--jobs",
        type=int,
        choices=(1, 2),
        default=DEFAULT_JOBS,
        help="2 (default): the writing and the read-only properties run side by side",
    )
    sub.add_argument(
        "--format", choices=("text", "json"), default="text", help="how to print the report"
    )
    sub.add_argument(
        "--junit-xml",
        type=Path,
        metavar="PATH",
        help="also write a JUnit XML report to PATH (default: none)",
    )
    sub.add_argument(
        "--record",
        type=Path,
        metavar="FILE",
        help="write every exchange of the run, in full, to FILE (JSON Lines; default: none)",
    )
    sub.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="for each HTTP request, the token request included",
    )
    add_credential_options(sub, target="--url")


def run_contract(args: argparse.Namespace) -> int:
    """`pluvo-codegen contract`: run the kit as `args` say, print the report, give the exit code."""
    if args.format != "json":
        return _run(args)
    from codegen.contract.report import render_error_json
    from codegen.style import complain

    try:
        return _run(args)
    except CodegenError as error:
        sys.stdout.write(render_error_json(str(error), EXIT_INVALID))
        complain(str(error))
        return EXIT_INVALID


def _run(args: argparse.Namespace) -> int:
    from codegen.config import load_config
    from codegen.credentials import auth_for

    env = os.environ
    # A flag beats its variable; an error names the one that gave the value.
    url_source = "--url"
    if args.url is None and env.get("PLUVO_GRAPHQL_URL"):
        args.url, url_source = env["PLUVO_GRAPHQL_URL"], "PLUVO_GRAPHQL_URL"
    if not args.allow_mutations:
        args.allow_mutations = _yes(env, "PLUVO_ALLOW_MUTATIONS")
    # Read for a --url only: the embedded server has its own token.
    auth = auth_for(args, args.url, "--url (the embedded server needs no credentials)")
    if args.url is not None and not args.url.startswith(("http://", "https://")):
        raise CodegenError(f"{url_source} must start with http:// or https://, got {args.url!r}")
    user_ids = [str(user_id) for user_id in args.user_ids or []]
    for part in filter(None, ([] if user_ids else env.get("PLUVO_USER_IDS", "").split(","))):
        try:
            user_ids.append(str(uuid.UUID(part.strip())))
        except ValueError:
            raise CodegenError(f"PLUVO_USER_IDS: expected UUIDs, got {part.strip()!r}") from None
    config = load_config(args.config)
    launched = None
    if args.url is None:
        # Started first, the server boots while the kit imports hypothesis and the rest.
        from codegen.contract.embedded import launch_embedded_server

        launched = launch_embedded_server(config.file)
    try:
        return _check(args, config, auth, user_ids, launched)
    finally:
        if launched is not None:
            launched.stop()


def _yes(env: Mapping[str, str], name: str) -> bool:
    """A yes/no variable: 1, true, yes or 0, false, no, empty (any case); else an error."""
    value = env.get(name, "").strip().lower()
    if value in ("1", "true", "yes"):
        return True
    if value in ("", "0", "false", "no"):
        return False
    raise CodegenError(f"{name}: expected 1, true or yes (or 0, false, no), got {env[name]!r}")


def _check(
    args: argparse.Namespace,
    config: Config,
    auth: httpx.Auth | None,
    user_ids: list[str],
    launched: EmbeddedLaunch | None,
) -> int:
    from codegen.contract.connections import parse_vars
    from codegen.contract.options import (
        DEFAULT_MAX_EXAMPLES,
        DEFAULT_MAX_PAGE_SIZE,
        ContractOptions,
    )
    from codegen.contract.outcome import Outcome
    from codegen.contract.report import (
        render_group_header,
        render_json,
        render_junit,
        render_outcome_line,
        render_text,
    )
    from codegen.contract.run_all import check_contract

    parsed = parse_vars(args.variables or [])
    variables = tuple(
        (name, argument, value)
        for name, arguments in parsed.items()
        for argument, value in arguments.items()
    )
    options = ContractOptions(
        config_file=config.file,
        schema_path=config.schema_path,
        url=args.url,
        auth=auth,
        user_ids=tuple(dict.fromkeys(user_ids)),
        allow_mutations=args.allow_mutations,
        max_examples=args.max_examples or DEFAULT_MAX_EXAMPLES,
        seed=args.seed,
        properties=tuple(args.properties or ()),
        max_page_size=args.max_page_size or DEFAULT_MAX_PAGE_SIZE,
        only=tuple(args.only or ()),
        connections=tuple(args.connections or ()),
        variables=variables,
        schema_source=args.schema,
        introspect=args.introspect,
        jobs=args.jobs,
        record=args.record,
        timeout=args.timeout,
    )
    as_text = args.format == "text"
    shown: dict[str, Any] = {"document": None}

    def show(outcome: Outcome) -> None:
        if outcome.document != shown["document"]:
            shown["document"] = outcome.document
            print(render_group_header(outcome.document), flush=True)
        print(render_outcome_line(outcome), flush=True)

    report = check_contract(options, on_outcome=show if as_text else None, launched=launched)
    if args.junit_xml is not None:
        try:
            args.junit_xml.write_text(render_junit(report), encoding="utf-8")
        except OSError as exc:
            raise CodegenError(f"{args.junit_xml}: cannot write ({exc.strerror})") from exc
    if report.nothing_checked and not args.allow_skips:
        reasons = sorted({o.reason or "" for o in report.outcomes})
        raise CodegenError(
            "nothing was checked: every selected property was skipped ("
            + "; ".join(reasons[:3])
            + "); give --allow-skips to accept that"
        )
    sys.stdout.write(render_text(report, lines=False) if as_text else render_json(report))
    return EXIT_FOUND if report.violated else EXIT_OK
