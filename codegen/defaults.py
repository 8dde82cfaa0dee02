"""The settings a config may leave out, and where the installed tool keeps its own files.

A downstream config needs only the four paths:

    [tool.ariadne-codegen]
    schema_path = "schema/pluvo.graphql"
    queries_path = "queries"
    target_package_path = "generated"
    target_package_name = "pluvo_client"

Everything else defaults to what this repository uses, with the runtime modules
(`codegen/runtime/`) and the plugins (`codegen/plugins/`) taken from the installed
package through `importlib.resources`, not from paths relative to the config. A key
that a config sets is kept as it is: a config that lists its own `plugins` or
`files_to_include` gets exactly those (list ours too to keep them). Scalars merge
per name: a config's own `[tool.ariadne-codegen.scalars.UUID]` replaces ours for
`UUID` only; ours are added only while a `scalars.py` is among `files_to_include`,
since their functions live there.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from codegen.errors import ConfigError

__all__ = [
    "DEFAULT_PLUGINS",
    "DEFAULT_SCALARS",
    "DEFAULT_UNASYNC",
    "GENERATOR",
    "PINNED",
    "RUNTIME_FILES",
    "default_unasync",
    "runtime_path",
    "tool_versions",
    "version_text",
    "with_defaults",
]

GENERATOR = "pluvo-codegen"
# The tools that decide the bytes of a generated package: pinned exactly.
PINNED = ("ariadne-codegen", "graphql-core", "ruff")

# The runtime modules copied into every package (the base client comes separately).
RUNTIME_FILES = (
    "auth.py",
    "bulk.py",
    "exceptions.py",
    "pagination.py",
    "retry.py",
    "scalars.py",
    "webhooks.py",
)
BASE_CLIENT_FILE = "async_base_client.py"
DEFAULT_PLUGINS = (
    "codegen.plugins.operation.OperationTypePlugin",
    "codegen.plugins.parse.FastParsePlugin",
    "codegen.plugins.pagination.PaginationPlugin",
    "codegen.plugins.bulk.BulkIssuePlugin",
    "codegen.plugins.scalars.StringUuidPlugin",
    "codegen.plugins.package.PublicApiPlugin",
)
DEFAULT_SCALARS: Mapping[str, Mapping[str, str]] = {
    "UUID": {"type": "uuid.UUID", "serialize": ".scalars.serialize_uuid"},
    "DateTime": {
        "type": "datetime.datetime",
        "parse": ".scalars.parse_datetime",
        "serialize": ".scalars.serialize_datetime",
    },
}
DEFAULT_UNASYNC = ("async_base_client.py", "async_client.py")
_PLAIN_DEFAULTS: Mapping[str, Any] = {
    "include_comments": "stable",
    "multipart_uploads": False,
    "defer_model_build": True,
    "client_name": "AsyncClient",
    "client_file_name": "async_client",
}


def runtime_path(name: str) -> str:
    """The installed runtime module `name` as a file path, for ariadne-codegen to copy."""
    resource = resources.files("codegen.runtime") / name
    if not isinstance(resource, Path) or not resource.is_file():
        raise ConfigError(
            f"codegen/runtime/{name}: not found as a file in the installed pluvo-codegen; "
            "install it as a regular package (pip install), not as a zip"
        )
    return resource.as_posix()


def with_defaults(section: Mapping[str, Any]) -> dict[str, Any]:
    """`section` with every setting it leaves out filled in."""
    merged: dict[str, Any] = {**_PLAIN_DEFAULTS, **section}
    if "base_client_file_path" not in section and "base_client_name" not in section:
        merged["base_client_name"] = "AsyncBaseClient"
        merged["base_client_file_path"] = runtime_path(BASE_CLIENT_FILE)
    if "files_to_include" not in section:
        merged["files_to_include"] = [runtime_path(name) for name in RUNTIME_FILES]
    if "plugins" not in section:
        merged["plugins"] = list(DEFAULT_PLUGINS)
    own_scalars = section.get("scalars")
    # Our scalar functions live in the runtime's scalars.py: without it, no defaults.
    has_ours = any(Path(str(p)).name == "scalars.py" for p in merged["files_to_include"])
    if has_ours and (own_scalars is None or isinstance(own_scalars, Mapping)):
        merged["scalars"] = {
            **{name: dict(data) for name, data in DEFAULT_SCALARS.items()},
            **(own_scalars or {}),
        }
    return merged


def default_unasync(section: Mapping[str, Any]) -> tuple[str, ...]:
    """The sync twins to derive when `[tool.pluvo-codegen] unasync` is not set.

    Ours, when the base client is ours too; none for a config with its own base client,
    whose async code the rewrite was not written for.
    """
    return () if "base_client_file_path" in section else DEFAULT_UNASYNC


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def tool_versions() -> dict[str, str]:
    """pluvo-codegen's version and the installed versions of the pinned tools."""
    return {GENERATOR: _version(GENERATOR), **{name: _version(name) for name in PINNED}}


def version_text() -> str:
    """What `pluvo-codegen --version` prints: ours, then each pin, installed vs required.

    A pin that the installed version does not match is flagged: the bytes of a
    generated package then differ from what `check` expects.
    """
    versions = tool_versions()
    lines = [f"{GENERATOR} {versions.pop(GENERATOR)}"]
    required = _required_pins()
    for name, installed in versions.items():
        pin = required.get(name)
        note = "" if pin is None or pin == installed else f" (pluvo-codegen pins {pin}!)"
        lines.append(f"{name} {installed}{note}")
    return "\n".join(lines) + "\n"


def _required_pins() -> dict[str, str]:
    """`name==version` requirements of the installed pluvo-codegen, by name."""
    try:
        requirements = metadata.requires(GENERATOR) or []
    except metadata.PackageNotFoundError:
        return {}
    pins = {}
    for requirement in requirements:
        name, sep, version = requirement.partition("==")
        if sep and ";" not in version:
            pins[name.strip().lower()] = version.strip()
    return pins
