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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.defaults import default_unasync, with_defaults
from codegen.errors import ConfigError, Diagnostic, DocumentError, decode_utf8

__all__ = [
    "DEFAULT_CONFIG_NAME",
    "DEFAULT_SKIPPED_RULES",
    "HONOURED_SETTINGS",
    "SETTING_TYPES",
    "UNSUPPORTED_SETTINGS",
    "Config",
    "find_config",
    "load_config",
]

DEFAULT_CONFIG_NAME = "pyproject.toml"
_SECTION = ("tool", "ariadne-codegen")
_TOML_POSITION = re.compile(r"^(?P<message>.*?) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")
# ariadne-codegen settings `generate` does not honour: each is refused with the reason,
# never dropped silently. The first two would make the output depend on the machine
# or the network; the rest only matter to ariadne-codegen's own command line.
_REMOTE_ONLY = "it only applies with remote_schema_url, which is not supported here"
_UNSUPPORTED = {
    "remote_schema_url": "write the live schema to a file first and set schema_path",
    "schema_paths": "list one folder or file in schema_path",
    "remote_schema_headers": _REMOTE_ONLY,
    "remote_schema_verify_ssl": _REMOTE_ONLY,
    "remote_schema_timeout": _REMOTE_ONLY,
    "remote_schema_http_client_path": _REMOTE_ONLY,
    "introspection_descriptions": _REMOTE_ONLY,
    "introspection_input_value_deprecation": _REMOTE_ONLY,
    "introspection_specified_by_url": _REMOTE_ONLY,
    "introspection_schema_description": _REMOTE_ONLY,
    "introspection_directive_is_repeatable": _REMOTE_ONLY,
    "introspection_input_object_one_of": _REMOTE_ONLY,
    "show_deprecation_warnings": (
        "pluvo-codegen runs ariadne-codegen without its console output and its warning setup"
    ),
}
# The ariadne-codegen settings `generate` honours: read by pluvo-codegen itself
# (the paths, include_comments, skip_validation_rules), or handed to ariadne-codegen's
# generator as they are; target_package_path is where the finished package is moved.
# A test checks that every setting of ariadne-codegen is here or in _UNSUPPORTED.
HONOURED_SETTINGS = frozenset(
    {
        *("schema_path", "queries_path", "target_package_path", "target_package_name"),
        *("include_comments", "skip_validation_rules", "plugins", "scalars", "files_to_include"),
        *("client_name", "client_file_name", "async_client", "opentelemetry_client"),
        *("base_client_name", "base_client_file_path", "base_client_module_name"),
        *("enums_module_name", "input_types_module_name", "fragments_module_name"),
        *("convert_to_snake_case", "include_all_inputs", "include_all_enums"),
        *("default_optional_fields_to_none", "include_typename", "ignore_extra_fields"),
        *("defer_model_build", "use_alias_generator", "lazy_imports", "multipart_uploads"),
        "enable_custom_operations",
    }
)
UNSUPPORTED_SETTINGS = frozenset(_UNSUPPORTED)
# The type ariadne-codegen's ClientSettings declares for each honoured setting that
# load_config does not check on its own. ariadne-codegen checks none of them, so a
# string "no" for a flag would turn it on. A test keeps this in step with ClientSettings.
SETTING_TYPES: Mapping[str, str] = {
    **dict.fromkeys(
        (
            *("enable_custom_operations", "convert_to_snake_case", "include_all_inputs"),
            *("include_all_enums", "default_optional_fields_to_none", "include_typename"),
            *("ignore_extra_fields", "defer_model_build", "use_alias_generator"),
            *("lazy_imports", "async_client", "opentelemetry_client", "multipart_uploads"),
        ),
        "true or false",
    ),
    **dict.fromkeys(
        (
            *("enums_module_name", "input_types_module_name", "fragments_module_name"),
            *("client_name", "client_file_name", "base_client_name", "base_client_file_path"),
            "base_client_module_name",
        ),
        "a string",
    ),
    **dict.fromkeys(("plugins", "files_to_include"), "a list of strings"),
    "scalars": "a table",
}
_IS_TYPE: Mapping[str, Callable[[Any], bool]] = {
    "true or false": lambda v: isinstance(v, bool),
    "a string": lambda v: isinstance(v, str),
    "a list of strings": lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
    "a table": lambda v: isinstance(v, dict),
}
# ariadne-codegen's default: a fragment file may serve many operation files.
DEFAULT_SKIPPED_RULES = ("NoUnusedFragments",)


@dataclass(frozen=True)
class Config:
    """Where the schema, the operations and the generated package are."""

    file: Path
    section: Mapping[str, Any]
    schema_path: Path
    queries_path: Path
    package_dir: Path
    unasync: tuple[str, ...] = ()
    skip_validation_rules: tuple[str, ...] = DEFAULT_SKIPPED_RULES

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
    skipped = _skipped_rules(section.get("skip_validation_rules", DEFAULT_SKIPPED_RULES), shown)
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
    for key, expected in SETTING_TYPES.items():
        if key in section and not _IS_TYPE[expected](section[key]):
            raise ConfigError(f"{shown}: {key} must be {expected}, not {section[key]!r}")
    ours = _read_table(file, ("tool", "pluvo-codegen"))
    unasync = ours.get("unasync", list(default_unasync(section)))
    if not isinstance(unasync, list) or not all(
        isinstance(n, str) and n.startswith("async_") and n.endswith(".py") for n in unasync
    ):
        raise ConfigError(f"{shown}: [tool.pluvo-codegen] unasync must list files named async_*.py")
    return Config(
        unasync=tuple(unasync),
        skip_validation_rules=skipped,
        file=file,
        section=with_defaults(section),
        schema_path=required_path("schema_path"),
        queries_path=required_path("queries_path"),
        package_dir=root / target / package_name,
    )


def _skipped_rules(value: Any, shown: str) -> tuple[str, ...]:
    """`skip_validation_rules`, as ariadne-codegen reads it: graphql-core rule names."""
    from graphql import specified_rules

    known = sorted(rule.__name__.removesuffix("Rule") for rule in specified_rules)
    if not isinstance(value, list | tuple) or not all(isinstance(n, str) for n in value):
        raise ConfigError(f"{shown}: skip_validation_rules must be a list of rule names")
    for name in value:
        if name not in known:
            raise ConfigError(
                f"{shown}: skip_validation_rules: unknown rule {name!r}; "
                f"known rules: {', '.join(known)}"
            )
    return tuple(value)


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
    if raw.startswith(b"\xef\xbb\xbf"):  # tomllib's message would be "Invalid statement"
        message = (
            "invalid TOML: the file starts with a byte order mark (BOM); "
            "save it as UTF-8 without one"
        )
        raise DocumentError([Diagnostic(shown, 1, 1, message)])
    text = decode_utf8(raw, shown)  # the one `path:line:col: not UTF-8` message
    try:
        data = tomllib.loads(text)
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
