"""Re-export the package's public surface from its `__init__`.

Only what the package really has: a runtime module is imported when the config
includes it (`files_to_include`, or the base client), and only the names that
module defines; the sync twins (`client`, `base_client`) when `[tool.pluvo-codegen]
unasync` derives them. A config without `auth.py` gets an `__init__` without
`ClientCredentials`, one that imports.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ariadne_codegen.plugins.base import Plugin
from graphql import GraphQLSchema

__all__ = ["PUBLIC", "PublicApiPlugin", "public_names"]

# module -> names; modules that a config does not generate are skipped.
PUBLIC = {
    "client": ["Client"],
    "base_client": ["BaseClient"],
    "auth": ["ClientCredentials"],
    "retry": ["NO_RETRY", "RetryPolicy"],
    "bulk": ["BulkIssueError", "BulkProgress", "IssueResult"],
    "exceptions": [
        "GraphQLClientError",
        "GraphQLClientGraphQLError",
        "GraphQLClientGraphQLMultiError",
        "GraphQLClientHttpError",
        "GraphQLClientInvalidResponseError",
        "PaginationError",
        "TokenError",
    ],
    "webhooks": [
        "CertificateAchieved",
        "RecentDeliveries",
        "WebhookError",
        "WebhookEvent",
        "WebhookPayloadError",
        "WebhookSignatureError",
        "handle_delivery",
        "parse_event",
        "verify_signature",
    ],
}


def _defined_names(path: Path) -> set[str]:
    """The top-level names a module defines (classes, functions, assignments, imports)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def public_names(section: Mapping[str, Any], unasync: tuple[str, ...]) -> dict[str, list[str]]:
    """The names of `PUBLIC` this config's package defines, by module."""
    sources = {
        Path(str(p)).stem: Path(str(p))
        for p in [*section.get("files_to_include", []), section.get("base_client_file_path", "")]
        if p
    }
    found: dict[str, list[str]] = {}
    for module, names in PUBLIC.items():
        if module in sources:
            defined = _defined_names(sources[module])
            kept = [n for n in names if n in defined]
        else:
            kept = [n for n in names if _is_twin(module, n, section, unasync)]
        if kept:
            found[module] = kept
    return found


def _is_twin(module: str, name: str, section: Mapping[str, Any], unasync: tuple[str, ...]) -> bool:
    """Whether `module.name` is a sync twin that unasync derives (`Client`, `BaseClient`)."""
    if module == "client":
        source, cls = section.get("client_file_name", "client"), section.get("client_name")
    elif module == "base_client":
        path = str(section.get("base_client_file_path", ""))
        source, cls = Path(path).stem, section.get("base_client_name")
    else:
        return False
    return f"async_{module}.py" in unasync and source == f"async_{module}" and cls == f"Async{name}"


class PublicApiPlugin(Plugin):
    """Adds `from .client import Client` and friends, and lists them in `__all__`."""

    def __init__(self, schema: GraphQLSchema, config_dict: dict[str, Any]) -> None:
        super().__init__(schema, config_dict)
        tool = config_dict.get("tool", {})
        unasync = tuple(tool.get("pluvo-codegen", {}).get("unasync", ()))
        self.public = public_names(tool.get("ariadne-codegen", {}), unasync)

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        exported: list[str] = []
        imports: list[ast.stmt] = []
        for name, names in self.public.items():
            imports.append(
                ast.ImportFrom(module=name, names=[ast.alias(n) for n in names], level=1)
            )
            exported.extend(names)
        for node in module.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == "__all__"
                and isinstance(node.value, ast.List)
            ):
                current = [e.value for e in node.value.elts if isinstance(e, ast.Constant)]
                names_all = sorted({*map(str, current), *exported})
                node.value.elts = [ast.Constant(n) for n in names_all]
        position = next(
            (i for i, n in enumerate(module.body) if not isinstance(n, ast.ImportFrom)),
            len(module.body),
        )
        module.body[position:position] = imports
        return module
