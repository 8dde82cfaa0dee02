"""Re-export the package's public surface from its `__init__`."""

from __future__ import annotations

import ast
from pathlib import PurePath

from ariadne_codegen.plugins.base import Plugin

__all__ = ["PublicApiPlugin"]

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
# Written by the generator itself; every other module above comes from `files_to_include`.
ALWAYS_GENERATED = {"client", "base_client"}


class PublicApiPlugin(Plugin):
    """Adds `from .client import Client` and friends, and lists them in `__all__`."""

    def generate_init_module(self, module: ast.Module) -> ast.Module:
        exported: list[str] = []
        imports: list[ast.stmt] = []
        section = self.config_dict.get("tool", {}).get("ariadne-codegen", {})
        included = {
            PurePath(path).stem for path in section.get("files_to_include", [])
        } | ALWAYS_GENERATED
        for name, names in PUBLIC.items():
            if name not in included:
                continue
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
