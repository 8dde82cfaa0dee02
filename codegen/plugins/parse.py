"""Make every generated operation method validate its result straight from the bytes.

ariadne-codegen ends each method with

    data = self.get_data(response)
    return Result.model_validate(data)

which parses the body into dicts and then walks them again to build the models.
This plugin rewrites that tail into

    return self._parse(response, Result)

The base client's `_parse` validates `Result` from the JSON bytes in one pass and
falls back to exactly the old two steps for anything unusual, so the errors raised
stay the same. A method that does not end that way is left as it is.
"""

from __future__ import annotations

import ast

from ariadne_codegen.plugins.base import Plugin
from graphql import OperationDefinitionNode

__all__ = ["FastParsePlugin", "rewrite_tail"]


def _is_get_data(node: ast.stmt) -> bool:
    """`data = self.get_data(response)`."""
    return (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == "data"
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and isinstance(node.value.func.value, ast.Name)
        and node.value.func.value.id == "self"
        and node.value.func.attr == "get_data"
        and len(node.value.args) == 1
        and isinstance(node.value.args[0], ast.Name)
        and node.value.args[0].id == "response"
        and not node.value.keywords
    )


def _validated_model(node: ast.stmt) -> str | None:
    """`Result` in `return Result.model_validate(data)`, else None."""
    if not (
        isinstance(node, ast.Return)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and isinstance(node.value.func.value, ast.Name)
        and node.value.func.attr == "model_validate"
        and len(node.value.args) == 1
        and isinstance(node.value.args[0], ast.Name)
        and node.value.args[0].id == "data"
        and not node.value.keywords
    ):
        return None
    return node.value.func.value.id


def rewrite_tail(
    method_def: ast.FunctionDef | ast.AsyncFunctionDef,
) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """`method_def` ending in `return self._parse(response, Result)`, if it had the old tail."""
    if len(method_def.body) < 2 or not _is_get_data(method_def.body[-2]):
        return method_def
    model = _validated_model(method_def.body[-1])
    if model is None:
        return method_def
    call = ast.parse(f"self._parse(response, {model})", mode="eval").body
    method_def.body[-2:] = [ast.Return(value=call)]
    return method_def


class FastParsePlugin(Plugin):
    """Rewrites the tail of every operation method to the base client's `_parse`."""

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        return rewrite_tail(method_def)
