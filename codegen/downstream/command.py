"""`pluvo-codegen init` and `pluvo-codegen verify`: their options, and the commands.

`codegen/cli.py` only calls `add_downstream_parsers`. `init` scaffolds another team's
repository (`codegen/downstream/init.py`); `verify PACKAGE_DIR [--schema SOURCE]` checks
a generated package against its manifest (`codegen/manifest.py`) and, with
`--schema`, its operations against another schema.
"""

from __future__ import annotations

import argparse
import hashlib
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codegen.arguments import HelpFormatter, add_common_options, seconds
from codegen.config import DEFAULT_CONFIG_NAME
from codegen.errors import EXIT_FOUND, EXIT_OK, CodegenError
from codegen.style import complain, paint

__all__ = ["add_downstream_parsers", "run_init", "run_verify"]


INIT_EXIT_CODES = """\
exit codes:
  0  the files were written and the client generated; `pluvo-codegen check` now exits 0
  2  a file to write exists already, or a folder on the way is a symbolic link out of
     DIR (each is named; nothing is written), the schema could not be pulled (its
     token URL failing is named), bad credentials, or the operations do not fit the
     pulled schema
"""

VERIFY_EXIT_CODES = """\
exit codes:
  0  every file is as generated (and, with --schema, every operation validates)
  1  a file was edited, added or removed, or an operation breaks against --schema;
     each is named, with the reason
  2  not a generated package (no manifest), SOURCE cannot be read or fetched (its
     token URL failing is named), or bad credentials
"""
# ------------------------------------------------------------------------ the parsers


def add_downstream_parsers(commands: Any, config_options: argparse.ArgumentParser) -> None:
    """`pluvo-codegen init` and `pluvo-codegen verify`."""
    # init writes its config rather than reading the nearest one: its own --config help.
    init_options = argparse.ArgumentParser(add_help=False)
    init_options.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="where to write the [tool.ariadne-codegen] table, inside DIR; the hooks and "
        "the workflow then pass it too (default: DIR/pyproject.toml)",
    )
    add_common_options(init_options)
    init = commands.add_parser(
        "init",
        parents=[init_options],
        help="scaffold a repository: config, schema, operations, hooks, CI; then generate",
        description="Scaffold a repository that generates its own Pluvo client: the "
        "[tool.ariadne-codegen] table, schema/pluvo.graphql, queries/ with the standard "
        "operations, a .pre-commit-config.yaml and a GitHub Actions workflow; then "
        "generate the client. Never overwrites a file.",
        epilog=INIT_EXIT_CODES,
        formatter_class=HelpFormatter,
    )
    init.add_argument(
        "directory",
        metavar="DIR",
        nargs="?",
        type=Path,
        default=Path(),
        help="the repository's folder, created if needed (default: the current folder)",
    )
    _add_source_options(
        init, "--url", "pull the schema of this endpoint (default: the bundled schema)"
    )
    init.set_defaults(command=run_init)

    verify = commands.add_parser(
        "verify",
        parents=[config_options],
        help="check a generated package (a vendored copy) against its manifest and a schema",
        description="Check that every file of a generated package is as generated (its "
        "manifest holds a sha256 of each); with --schema, also validate the operations the "
        "client embeds against that schema. Needs no config: it works on a copy anywhere.",
        epilog=VERIFY_EXIT_CODES,
        formatter_class=HelpFormatter,
    )
    verify.add_argument(
        "package",
        metavar="PACKAGE_DIR",
        nargs="?",
        type=Path,
        help="the package folder, e.g. vendor/pluvo_client (default: the configured package)",
    )
    _add_source_options(
        verify,
        "--schema",
        "also validate the embedded operations against this schema: an SDL or "
        "introspection JSON file, a URL, or git:REV:PATH (default: files only)",
    )
    verify.set_defaults(command=run_verify)


def _add_source_options(parser: argparse.ArgumentParser, flag: str, help_text: str) -> None:
    from codegen.credentials import add_credential_options

    parser.add_argument(flag, dest="source", metavar="URL" if flag == "--url" else "SOURCE",
                        help=help_text)  # fmt: skip
    parser.add_argument(
        "--timeout", type=seconds, default=30.0, metavar="SECONDS", help="for a URL"
    )
    add_credential_options(parser, target=flag if flag == "--url" else f"a {flag} URL")


def run_init(args: argparse.Namespace) -> int:
    """`pluvo-codegen init`."""
    from codegen.credentials import auth_for
    from codegen.downstream.init import InitOptions, init_project, shown_in

    options = InitOptions(
        directory=args.directory,
        config=args.config,
        url=args.source,
        auth=auth_for(args, args.source, "--url"),
        timeout=args.timeout,
    )
    for item in init_project(options):
        note = paint(f" ({item.note})", "dim") if item.note else ""
        print(f"{paint('created', 'green')} {shown_in(args.directory, item.path)}{note}")
    config = (
        args.config.as_posix() if args.config else shown_in(args.directory, DEFAULT_CONFIG_NAME)
    )
    where = "" if config == DEFAULT_CONFIG_NAME else f" --config {shlex.quote(config)}"
    print(f"next: pluvo-codegen check{where}")
    return EXIT_OK


# ----------------------------------------------------------------------------- verify


def run_verify(args: argparse.Namespace) -> int:
    """`pluvo-codegen verify`."""
    from codegen.credentials import auth_for
    from codegen.manifest import (
        check_operations,
        embedded_operations,
        read_manifest,
        unrecorded_enums,
        verify_files,
    )

    if args.package is not None:
        package, shown = args.package, args.package.as_posix()
    else:
        from codegen.config import load_config

        config = load_config(args.config)
        package, shown = config.package_dir, config.display(config.package_dir)
    if args.source is not None and not args.source.strip():
        raise CodegenError("--schema needs a SOURCE: a file, a URL or git:REV:PATH")
    auth = auth_for(args, args.source, "a --schema URL")
    manifest = read_manifest(package, shown)
    # SOURCE is read before any verdict, so that an unreadable one is exit 2 alone.
    loaded = None
    if args.source is not None:
        root = args.config.absolute().parent if args.config else Path.cwd()
        # Read exactly as `diff` reads it; the SDL bytes (a file or `git:`) tell whether it
        # is byte for byte the schema the copy was generated from.
        from codegen.evolution.load import load_schema

        source = load_schema(args.source, root=root, auth=auth, timeout=args.timeout)
        raw = source.text.encode("utf-8") if source.text is not None else None
        loaded = (source.graphql_schema, raw)
    failed = False
    drift = verify_files(package, manifest)
    for kind, names in (
        ("edited", drift.edited),
        ("added", drift.added),
        ("missing", drift.missing),
    ):
        for name in names:
            print(f"{paint(kind + ':', 'red')} {shown}/{name}")
    if drift:
        count = len(drift.edited) + len(drift.added) + len(drift.missing)
        aside = " (CRLF line endings read as LF)" if drift.crlf else ""
        complain(
            f"{count} file(s) in {shown} are not as pluvo-codegen {manifest.version} "
            f"generated them{aside}; regenerate or re-copy the package instead of editing it"
        )
        failed = True
    else:
        files = len(manifest.files)
        crlf = f" ({len(drift.crlf)} with CRLF line endings, compared as LF)" if drift.crlf else ""
        print(f"{shown}: {files} files as generated by pluvo-codegen {manifest.version}{crlf}")
    if loaded is not None:
        schema, raw = loaded
        try:
            operations = embedded_operations(
                package / manifest.client, f"{shown}/{manifest.client}"
            )
        except CodegenError as exc:
            if manifest.client not in (*drift.edited, *drift.missing):
                raise
            # The client module itself is what drifted: that verdict (exit 1) stands.
            complain(f"the operations were not checked against {args.source}: {exc}")
            return EXIT_FOUND
        broken = check_operations(operations, schema, args.source, manifest.fields, manifest.enums)
        for breakage in broken:
            print(paint(str(breakage.diagnostic), "red"))
        broken_names = sorted({b.operation for b in broken})
        if broken:
            listed = ", ".join(broken_names)
            complain(f"{len(broken_names)} of {len(operations)} operations break: {listed}")
            failed = True
        else:
            print(f"{shown}: all {len(operations)} operations are valid against {args.source}")
        print(_schema_note(manifest.schema, schema, raw, args.source, bool(broken)))
        for name in unrecorded_enums(schema, manifest):
            note = (
                f"note: the manifest does not record the values of enum {name} (an older "
                "pluvo-codegen wrote it), so new values were not checked; regenerate the package"
            )
            print(paint(note, "yellow"))
    return EXIT_FOUND if failed else EXIT_OK


def _schema_note(
    generated_from: Mapping[str, str], schema: Any, raw: bytes | None, source: str, broken: bool
) -> str:
    """Whether SOURCE is the schema the copy was generated from (compared by sha256)."""
    from graphql import lexicographic_sort_schema, print_schema

    if len(generated_from) != 1:
        return (
            f"note: the copy was generated from {len(generated_from)} schema files; "
            f"whether {source} is the same schema cannot be told"
        )
    ((original, digest),) = generated_from.items()
    canonical = (print_schema(lexicographic_sort_schema(schema)) + "\n").encode()
    candidates = {hashlib.sha256(canonical).hexdigest()}
    if raw is not None:
        candidates.add(hashlib.sha256(raw).hexdigest())
    if digest in candidates:
        return f"{source} is the schema this copy was generated from ({original})"
    verdict = "" if broken else ", but the copy is still compatible with it"
    return paint(
        f"note: {source} differs from the schema this copy was generated from "
        f"({original}){verdict}",
        "yellow",
    )
