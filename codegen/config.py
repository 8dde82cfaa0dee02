"""Read the generator's settings from `[tool.ariadne-codegen]` in a TOML file.

The table is ariadne-codegen's own, so a config works with both tools. Paths in
it are relative to the config file, not to the working directory, so that
`pluvo-codegen --config other/project.toml check` works from anywhere. Settings
a config leaves out get the defaults in `codegen.defaults`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.defaults import default_unasync, with_defaults
from codegen.errors import ConfigError, Diagnostic, DocumentError

__all__ = ["DEFAULT_CONFIG_NAME", "Config", "find_config", "load_config"]

DEFAULT_CONFIG_NAME = "pyproject.toml"
_SECTION = ("tool", "ariadne-codegen")
_TOML_POSITION = re.compile(r"^(?P<message>.*?) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")
# Settings that would make the output depend on the machine or the clock.
_UNSUPPORTED = {
    "remote_schema_url": "write the live schema to a file first and set schema_path",
    "schema_paths": "list one folder or file in schema_path",
}


@dataclass(frozen=True)
class Config:
    """Where the schema, the operations and the generated package are."""

    file: Path
    section: Mapping[str, Any]
    schema_path: Path
    queries_path: Path
    package_dir: Path
    unasync: tuple[str, ...] = ()

    @property
    def root(self) -> Path:
        """The folder that relative paths in the config start from."""
        return self.file.parent

    def display(self, path: Path) -> str:
        """Name `path` relative to the config's folder, as every message does."""
        return Path(os.path.relpath(path, self.root)).as_posix()


def find_config(start: Path) -> Path:
    """Find `pyproject.toml` in `start` or the nearest folder above it."""
    for folder in (start, *start.parents):
        candidate = folder / DEFAULT_CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(f"{DEFAULT_CONFIG_NAME}: not found in {start} or any parent folder")


def load_config(path: Path | None = None) -> Config:
    """Load and check the config at `path`, or the nearest `pyproject.toml`."""
    file = (path if path is not None else find_config(Path.cwd())).absolute()
    shown = str(path) if path is not None else DEFAULT_CONFIG_NAME
    section = _read_section(file, shown)
    root = file.parent

    def required_path(key: str) -> Path:
        value = section.get(key)
        if not isinstance(value, str) or not value:
            raise ConfigError(f'{shown}: [tool.ariadne-codegen] needs {key} = "PATH"')
        return root / value

    for key, advice in _UNSUPPORTED.items():
        if key in section:
            raise ConfigError(f"{shown}: {key} is not supported here; {advice}")
    if section.get("include_comments") not in (None, "none", "stable"):
        raise ConfigError(
            f'{shown}: include_comments must be "stable" or "none"; '
            "timestamps would make every run differ"
        )
    package_name = section.get("target_package_name", "graphql_client")
    if not isinstance(package_name, str) or not package_name.isidentifier():
        raise ConfigError(f"{shown}: target_package_name must be a Python identifier")
    target = section.get("target_package_path", ".")
    if not isinstance(target, str):
        raise ConfigError(f"{shown}: target_package_path must be a string")
    ours = _read_table(file, ("tool", "pluvo-codegen"))
    unasync = ours.get("unasync", list(default_unasync(section)))
    if not isinstance(unasync, list) or not all(
        isinstance(n, str) and n.startswith("async_") and n.endswith(".py") for n in unasync
    ):
        raise ConfigError(f"{shown}: [tool.pluvo-codegen] unasync must list files named async_*.py")
    return Config(
        unasync=tuple(unasync),
        file=file,
        section=with_defaults(section),
        schema_path=required_path("schema_path"),
        queries_path=required_path("queries_path"),
        package_dir=root / target / package_name,
    )


def _read_table(file: Path, keys: tuple[str, ...]) -> Mapping[str, Any]:
    table: Any = tomllib.loads(file.read_text(encoding="utf-8"))
    for key in keys:
        table = table.get(key) if isinstance(table, dict) else None
    return table if isinstance(table, dict) else {}


def _read_section(file: Path, shown: str) -> Mapping[str, Any]:
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such config file") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown}: not UTF-8 (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.match(str(exc))
        if match is None:
            raise ConfigError(f"{shown}: invalid TOML: {exc}") from exc
        diagnostic = Diagnostic(
            shown, int(match["line"]), int(match["col"]), f"invalid TOML: {match['message']}"
        )
        raise DocumentError([diagnostic]) from exc
    table: Any = data
    for key in _SECTION:
        table = table.get(key) if isinstance(table, dict) else None
    if not isinstance(table, dict):
        raise ConfigError(f"{shown}: no [tool.ariadne-codegen] table")
    return table
