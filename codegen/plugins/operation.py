"""Pass each operation's type to `execute`, so that the client never parses a document.

ariadne-codegen writes

    response = await self.execute(query=query, operation_name="Name", variables=variables, **kwargs)

and this plugin adds `operation_type="mutation"` (or `"query"`, `"subscription"`),
read from the operation graphql-core parsed. The base client decides what may be
retried from it: a mutation is never sent again once it may have reached the server.
"""

from __future__ import annotations

import ast

from ariadne_codegen.plugins.base import Plugin
from graphql import OperationDefinitionNode

__all__ = ["OperationTypePlugin", "pass_operation_type"]


def _execute_calls(method_def: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.Call]:
    """The `self.execute(...)` calls in a method."""
    return [
        node
        for node in ast.walk(method_def)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "execute"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    ]


def pass_operation_type(
    method_def: ast.FunctionDef | ast.AsyncFunctionDef, operation_type: str
) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """`method_def` with `operation_type=...` added to its `self.execute(...)` calls."""
    for call in _execute_calls(method_def):
        if any(keyword.arg == "operation_type" for keyword in call.keywords):
            continue
        keyword = ast.keyword(arg="operation_type", value=ast.Constant(operation_type))
        # Before `**kwargs`, which is a keyword with no name.
        named = [k for k in call.keywords if k.arg is not None]
        rest = [k for k in call.keywords if k.arg is None]
        call.keywords = [*named, keyword, *rest]
    return method_def


class OperationTypePlugin(Plugin):
    """Adds the operation's type to every generated operation method's `execute` call."""

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        return pass_operation_type(method_def, operation_definition.operation.value)
