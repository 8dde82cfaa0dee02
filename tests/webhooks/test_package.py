"""`pluvo_client.webhooks` is part of the package's public surface only when it is included."""

from __future__ import annotations

import ast
from typing import Any

from graphql import build_schema

import pluvo_client
from codegen.plugins.package import PublicApiPlugin


def exported_modules(files_to_include: list[str]) -> list[str]:
    config: dict[str, Any] = {"tool": {"ariadne-codegen": {"files_to_include": files_to_include}}}
    plugin = PublicApiPlugin(build_schema("type Query { a: Int }"), config)
    module = plugin.generate_init_module(ast.parse("__all__ = []"))
    return [n.module or "" for n in module.body if isinstance(n, ast.ImportFrom)]


def test_the_webhooks_names_are_exported_when_the_module_is_included() -> None:
    modules = exported_modules(["codegen/runtime/exceptions.py", "codegen/runtime/webhooks.py"])
    # No `unasync` in this config, so no sync twins (`client`, `base_client`) to export.
    assert modules == ["exceptions", "webhooks"]
    assert pluvo_client.parse_event is pluvo_client.webhooks.parse_event
    assert "CertificateAchieved" in pluvo_client.__all__


def test_a_config_without_the_module_does_not_import_it() -> None:
    assert exported_modules(["codegen/runtime/exceptions.py"]) == ["exceptions"]
