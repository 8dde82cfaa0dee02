"""`pluvo-codegen init`: scaffold another team's repository and generate its client.

`init [DIR]` writes the config table, the schema (bundled, or pulled with `--url`),
the standard operations, a pre-commit config and a GitHub Actions workflow, then
generates the client. Everything is prepared and generated in a scratch folder
first; only when all of it worked are the files created, each with exclusive
creation, so nothing that exists is ever overwritten (each clash is named, exit 2).
Nor does it write through a symbolic link to a folder outside DIR (`DIR/schema`
pointing elsewhere): each such link is named and nothing is written.
The command line is in `codegen/downstream/command.py`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from codegen.config import DEFAULT_CONFIG_NAME
from codegen.errors import CodegenError, Diagnostic, DocumentError

if TYPE_CHECKING:
    import httpx

__all__ = ["CHECK_FILES", "Created", "InitOptions", "init_project", "shown_in"]

PACKAGE = "pluvo_client"
SCHEMA_FILE = "schema/pluvo.graphql"
QUERIES_DIR = "queries"
TARGET_DIR = "generated"
WORKFLOW_FILE = ".github/workflows/pluvo-codegen.yml"
PRE_COMMIT_FILE = ".pre-commit-config.yaml"
# What the check hook runs on: the inputs, the config, the package, and a new hook version.
CHECK_FILES = rf"(\.(graphql|graphqls|gql|toml)$|^{TARGET_DIR}/|^\.pre-commit-config\.yaml$)"


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
    links = _links_leaving(root, [*planned, package_dir])
    if clashes or not_folders or links:
        config_name = config.relative_to(root).as_posix()
        problems = [Diagnostic(shown_in(options.directory, name), 0, 0, why) for name, why in links]
        problems += [
            Diagnostic(
                shown_in(options.directory, name),
                0,
                0,
                "exists and is not a folder; init never overwrites (nothing was written)",
            )
            for name in not_folders
        ]
        for name in clashes:
            message = "exists already; init never overwrites (nothing was written)"
            if name == config_name:
                other = shlex.quote(shown_in(options.directory, "pluvo-codegen.toml"))
                message += f"; to keep it, write the table elsewhere: --config {other}"
            problems.append(Diagnostic(shown_in(options.directory, name), 0, 0, message))
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


def _links_leaving(root: Path, names: list[str]) -> list[tuple[str, str]]:
    """The symbolic links among the folders on the way to `names` that leave `root`.

    `init` would write through them, into a folder outside DIR. A link whose target
    stays inside DIR is followed; one to nothing is refused too, since creating the
    folders it names would also write outside, or fail half-way.
    """
    real_root = Path(os.path.realpath(root))
    found: list[tuple[str, str]] = []
    folders = sorted(
        {str(folder) for name in names for folder in PurePosixPath(name).parents} - {"."}
    )
    for folder in folders:
        path = root / folder
        if not path.is_symlink():
            continue
        target = Path(os.path.realpath(path))
        text = path.readlink()
        if not path.exists():
            why = f"a symbolic link to {text}, which does not exist"
        elif real_root != target and real_root not in target.parents:
            why = f"a symbolic link to {text}, outside the folder init writes in"
        else:
            continue
        found.append((folder, f"{why}; init never writes through it (nothing was written)"))
    return found


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


def shown_in(directory: Path, name: str) -> str:
    """`name` inside DIR as the user sees it: no `./` when DIR is the current folder."""
    return (directory / name).as_posix() if directory != Path() else name
