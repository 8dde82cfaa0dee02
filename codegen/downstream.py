"""Other teams' repositories: `pluvo-codegen init` scaffolds one, `verify` checks a copy.

`init [DIR]` writes the config table, the schema (bundled, or pulled with `--url`),
the standard operations, a pre-commit config and a GitHub Actions workflow, then
generates the client. Everything is prepared and generated in a scratch folder
first; only when all of it worked are the files created, each with exclusive
creation, so nothing that exists is ever overwritten (each clash is named, exit 2).

`verify PACKAGE_DIR [--schema SOURCE]` checks a generated package against its
manifest (see `codegen/manifest.py`) and, with `--schema`, its operations against
another schema.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from codegen.config import DEFAULT_CONFIG_NAME
from codegen.errors import (
    EXIT_FOUND,
    EXIT_OK,
    CodegenError,
    Diagnostic,
    DocumentError,
)
from codegen.style import HelpFormatter, add_common_options, paint, seconds

if TYPE_CHECKING:
    import httpx

__all__ = [
    "InitOptions",
    "add_downstream_parsers",
    "init_project",
    "load_graphql_schema",
    "run_init",
    "run_verify",
]


INIT_EXIT_CODES = """\
exit codes:
  0  the files were written and the client generated; `pluvo-codegen check` now exits 0
  2  a file to write exists already (each clash is named; nothing is written), the
     schema could not be pulled, or the operations do not fit the pulled schema
"""

VERIFY_EXIT_CODES = """\
exit codes:
  0  every file is as generated (and, with --schema, every operation validates)
  1  a file was edited, added or removed, or an operation breaks against --schema;
     each is named, with the reason
  2  not a generated package (no manifest), or SOURCE cannot be read or fetched
"""

PACKAGE = "pluvo_client"
SCHEMA_FILE = "schema/pluvo.graphql"
QUERIES_DIR = "queries"
TARGET_DIR = "generated"
WORKFLOW_FILE = ".github/workflows/pluvo-codegen.yml"
PRE_COMMIT_FILE = ".pre-commit-config.yaml"
# What the check hook runs on: the inputs, the config, the package, and a new hook version.
CHECK_FILES = rf"(\.(graphql|graphqls|gql|toml)$|^{TARGET_DIR}/|^\.pre-commit-config\.yaml$)"


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


# ------------------------------------------------------------------------------- init


@dataclass(frozen=True)
class InitOptions:
    """What `init` writes where."""

    directory: Path
    config: Path | None = None  # default: DIRECTORY/pyproject.toml
    url: str | None = None
    auth: httpx.Auth | None = None  # see codegen/credentials.py
    timeout: float = 30.0


@dataclass(frozen=True)
class Created:
    """One file `init` created, and a word on where it came from."""

    path: str
    note: str = ""


def _scaffold_file(name: str) -> bytes:
    return (resources.files("codegen.scaffold") / name).read_bytes()


def _scaffold_queries() -> dict[str, bytes]:
    folder = resources.files("codegen.scaffold") / "queries"
    return {
        entry.name: entry.read_bytes()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".graphql")
    }


def _config_text(root: Path, config: Path) -> str:
    def rel(path: str) -> str:
        return Path(os.path.relpath(root / path, config.parent)).as_posix()

    return (
        "# The Pluvo client's generator (pluvo-codegen). Every other setting has a default:\n"
        "# see `pluvo-codegen init --help` and the project's docs/downstream.md.\n"
        "[tool.ariadne-codegen]\n"
        f'schema_path = "{rel(SCHEMA_FILE)}"\n'
        f'queries_path = "{rel(QUERIES_DIR)}"\n'
        f'target_package_path = "{rel(TARGET_DIR)}"\n'
        f'target_package_name = "{PACKAGE}"\n'
    )


def _config_args(root: Path, config: Path) -> list[str]:
    """`--config PATH` for the hooks and the workflow, when the config is not the default."""
    if config == root / DEFAULT_CONFIG_NAME:
        return []
    return ["--config", Path(os.path.relpath(config, root)).as_posix()]


def _yaml(text: str) -> str:
    """`text` as a YAML scalar: plain when that is safe, else double-quoted (JSON is YAML)."""
    return text if re.fullmatch(r"[A-Za-z0-9_./][A-Za-z0-9_./= -]*", text) else json.dumps(text)


def _pre_commit_text(version: str, config_args: list[str]) -> str:
    # A JSON array of JSON strings is a YAML flow sequence, whatever the file is called.
    args = f"\n        args: {json.dumps(config_args)}" if config_args else ""
    return f"""\
# pluvo-codegen: keep {TARGET_DIR}/{PACKAGE} exactly what the schema and operations produce.
# The hooks install the same pluvo-codegen version that generated the client; after
# upgrading it, run `pluvo-codegen generate` and commit the result.
repos:
  - repo: local
    hooks:
      - id: pluvo-codegen-check
        name: pluvo-codegen check
        entry: pluvo-codegen check
        language: python
        additional_dependencies: ["pluvo-codegen=={version}"]
        pass_filenames: false
        files: '{CHECK_FILES}'{args}
      - id: pluvo-codegen-validate
        name: pluvo-codegen validate
        entry: pluvo-codegen validate
        language: python
        additional_dependencies: ["pluvo-codegen=={version}"]
        pass_filenames: false
        files: '\\.(graphql|graphqls|gql|toml)$'{args}
"""


def _workflow_text(version: str, config_args: list[str]) -> str:
    check = _yaml(" ".join(["pluvo-codegen check", *map(shlex.quote, config_args)]))
    return f"""\
# pluvo-codegen's drift check: {TARGET_DIR}/{PACKAGE} must be exactly what schema/ and
# queries/ produce, and every file must be as generated.
name: pluvo-codegen

on:
  pull_request:
  push:
    branches: [main]

jobs:
  drift:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m pip install "pluvo-codegen=={version}"
      - run: {check}
      - run: pluvo-codegen verify {TARGET_DIR}/{PACKAGE}
      # Does the client still fit the live API? Set the secrets and uncomment:
      # - run: >-
      #     pluvo-codegen verify {TARGET_DIR}/{PACKAGE}
      #     --schema "$PLUVO_GRAPHQL_URL" --token "$PLUVO_TOKEN"
      #   env:
      #     PLUVO_GRAPHQL_URL: ${{{{ secrets.PLUVO_GRAPHQL_URL }}}}
      #     PLUVO_TOKEN: ${{{{ secrets.PLUVO_TOKEN }}}}
"""


def init_project(options: InitOptions) -> list[Created]:
    """Scaffold `options.directory` and generate its client; the files created, in order."""
    from codegen.config import load_config
    from codegen.defaults import tool_versions
    from codegen.generate import render_package
    from codegen.sources import load_sources

    root = options.directory.absolute()
    config = (options.config or root / DEFAULT_CONFIG_NAME).absolute()
    if root != config.parent and root not in config.parents:
        raise CodegenError(f"{options.config}: --config must be inside {options.directory}")
    if root.exists() and not root.is_dir():
        raise CodegenError(f"{options.directory}: exists and is not a folder")
    version = tool_versions()["pluvo-codegen"]
    config_args = _config_args(root, config)
    files: dict[str, bytes] = {
        config.relative_to(root).as_posix(): _config_text(root, config).encode(),
        PRE_COMMIT_FILE: _pre_commit_text(version, config_args).encode(),
        WORKFLOW_FILE: _workflow_text(version, config_args).encode(),
    }
    notes = {SCHEMA_FILE: "the bundled schema"}
    package_dir = f"{TARGET_DIR}/{PACKAGE}"
    # The clashes first, so that nothing is fetched or written for nothing.
    planned = [*files, SCHEMA_FILE, *(f"{QUERIES_DIR}/{q}" for q in _scaffold_queries())]
    clashes = [p for p in [*planned, package_dir] if (root / p).exists() or (root / p).is_symlink()]
    # A file where a folder must go (`queries`, `generated`) is a clash too.
    not_folders = sorted(
        {
            folder
            for name in [*planned, package_dir]
            for folder in map(str, PurePosixPath(name).parents)
            if folder != "." and (root / folder).exists() and not (root / folder).is_dir()
        }
    )
    if clashes or not_folders:
        config_name = config.relative_to(root).as_posix()
        problems = [
            Diagnostic(
                _shown(options.directory, name),
                0,
                0,
                "exists and is not a folder; init never overwrites (nothing was written)",
            )
            for name in not_folders
        ]
        for name in clashes:
            message = "exists already; init never overwrites (nothing was written)"
            if name == config_name:
                other = shlex.quote(_shown(options.directory, "pluvo-codegen.toml"))
                message += f"; to keep it, write the table elsewhere: --config {other}"
            problems.append(Diagnostic(_shown(options.directory, name), 0, 0, message))
        raise DocumentError(problems)
    if options.url is None:
        files[SCHEMA_FILE] = _scaffold_file("pluvo.graphql")
    else:
        from codegen.evolution import pull_schema

        files[SCHEMA_FILE] = pull_schema(options.url, options.auth, options.timeout).encode()
        notes[SCHEMA_FILE] = f"pulled from {options.url}"
    for name, data in _scaffold_queries().items():
        files[f"{QUERIES_DIR}/{name}"] = data

    # Everything is written and generated in a scratch copy first.
    with tempfile.TemporaryDirectory(prefix="pluvo-codegen-init-") as scratch:
        staged = Path(scratch)
        for name, data in files.items():
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            (staged / name).write_bytes(data)
        staged_config = load_config(staged / config.relative_to(root))
        package = render_package(staged_config, load_sources(staged_config))
    created: list[Created] = []
    made: list[Path] = []  # every file and folder this run created, to undo on failure
    try:
        for name, data in files.items():
            _create(root / name, data, made)
            created.append(Created(name, notes.get(name, "")))
        for name, data in package.items():
            _create(root / package_dir / name, data, made)
    except FileExistsError as exc:
        _undo(made)
        raise CodegenError(f"{exc.filename}: appeared while init ran; not overwritten") from exc
    except OSError as exc:
        _undo(made)
        what = f"{exc.filename or root}: cannot write: {exc.strerror or exc}"
        raise CodegenError(f"{what} (nothing was written)") from exc
    created.append(Created(package_dir + "/", f"{len(package)} files generated"))
    return created


def _create(path: Path, data: bytes, made: list[Path]) -> None:
    missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir()
        made.append(folder)
    with path.open("xb") as file:  # exclusive: never overwrites
        made.append(path)
        file.write(data)


def _undo(made: list[Path]) -> None:
    """Remove what this run created, newest first: a failed init leaves no half-scaffold."""
    for path in reversed(made):
        try:
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink()
        except OSError:
            pass  # best effort; only our own new files and folders are ever touched


def _shown(directory: Path, name: str) -> str:
    return (directory / name).as_posix() if directory != Path() else name


def run_init(args: argparse.Namespace) -> int:
    """`pluvo-codegen init`."""
    from codegen.credentials import auth_for

    options = InitOptions(
        directory=args.directory,
        config=args.config,
        url=args.source,
        auth=auth_for(args, args.source, "--url"),
        timeout=args.timeout,
    )
    for item in init_project(options):
        note = paint(f" ({item.note})", "dim") if item.note else ""
        print(f"{paint('created', 'green')} {_shown(args.directory, item.path)}{note}")
    config = args.config.as_posix() if args.config else _shown(args.directory, DEFAULT_CONFIG_NAME)
    where = "" if config == DEFAULT_CONFIG_NAME else f" --config {shlex.quote(config)}"
    print(f"next: pluvo-codegen check{where}")
    return EXIT_OK


# ----------------------------------------------------------------------------- verify


def load_graphql_schema(
    spec: str, *, root: Path, auth: httpx.Auth | None = None, timeout: float = 30.0
) -> tuple[Any, bytes | None]:
    """graphql-core's schema from SOURCE, read exactly as `diff` reads it, and its SDL bytes.

    The bytes are there when SOURCE is SDL (a file or `git:`), so that `verify` can tell
    whether it is byte for byte the schema the copy was generated from.
    """
    from codegen.evolution.load import load_schema

    loaded = load_schema(spec, root=root, auth=auth, timeout=timeout)
    raw = loaded.text.encode("utf-8") if loaded.text is not None else None
    return loaded.graphql_schema, raw


def run_verify(args: argparse.Namespace) -> int:
    """`pluvo-codegen verify`."""
    from codegen.credentials import auth_for
    from codegen.manifest import (
        check_operations,
        embedded_operations,
        read_manifest,
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
        loaded = load_graphql_schema(args.source, root=root, auth=auth, timeout=args.timeout)
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
        _fail(
            f"{count} file(s) in {shown} are not as pluvo-codegen {manifest.version} "
            "generated them; regenerate or re-copy the package instead of editing it"
        )
        failed = True
    else:
        files = len(manifest.files)
        print(f"{shown}: {files} files as generated by pluvo-codegen {manifest.version}")
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
            _fail(f"the operations were not checked against {args.source}: {exc}")
            return EXIT_FOUND
        broken = check_operations(operations, schema, args.source, manifest.fields)
        for breakage in broken:
            print(paint(str(breakage.diagnostic), "red"))
        broken_names = sorted({b.operation for b in broken})
        if broken:
            listed = ", ".join(broken_names)
            _fail(f"{len(broken_names)} of {len(operations)} operations break: {listed}")
            failed = True
        else:
            print(f"{shown}: all {len(operations)} operations are valid against {args.source}")
        print(_schema_note(manifest.schema, schema, raw, args.source, bool(broken)))
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


def _fail(message: str) -> None:
    print(f"{paint('pluvo-codegen:', 'red', stream=sys.stderr)} {message}", file=sys.stderr)
