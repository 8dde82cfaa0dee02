"""Say in the annotations that UUID arguments accept strings, as the runtime does.

The runtime's `serialize_uuid` sends a `str` that is a UUID in canonical form, so
docs/client.md promises that `client.portfolio_items(user_id="...")` works. The
generated signatures would say `UUID` only, and `mypy --strict` in a caller's code
would disagree with the docs. This plugin widens every `UUID` in an operation
method's arguments to `UUID | str`, and a `list[...]` holding one to
`Sequence[...]`, since a `list[UUID]` is not a `list[UUID | str]` to mypy (lists
are invariant) and `serialize_uuid` takes any sequence.

It applies only while `UUID` is serialised by the runtime's own `serialize_uuid`;
a config with another serializer keeps ariadne-codegen's plain `UUID`.
"""

from __future__ import annotations

import ast
from typing import Any

from ariadne_codegen.plugins.base import Plugin
from graphql import GraphQLSchema, VariableDefinitionNode

__all__ = ["StringUuidPlugin", "widen_uuid"]

OUR_SERIALIZER = ".scalars.serialize_uuid"


class _Widen(ast.NodeTransformer):
    def __init__(self, name: str) -> None:
        self.name = name
        self.widened = False
        self.sequence = False

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id != self.name:
            return node
        self.widened = True
        return ast.BinOp(left=ast.Name(self.name), op=ast.BitOr(), right=ast.Name("str"))

    def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
        before = self.widened
        self.widened = False
        self.generic_visit(node)
        if self.widened and isinstance(node.value, ast.Name) and node.value.id == "list":
            node.value = ast.Name("Sequence")
            self.sequence = True
        self.widened = self.widened or before
        return node


def widen_uuid(annotation: ast.expr, name: str = "UUID") -> tuple[ast.expr, bool]:
    """`annotation` with `name` widened to `name | str`; and whether it used `Sequence`."""
    widen = _Widen(name)
    result = widen.visit(annotation)
    assert isinstance(result, ast.expr)
    return result, widen.sequence


class StringUuidPlugin(Plugin):
    """Annotates UUID arguments as `UUID | str` (and lists of them as `Sequence`)."""

    def __init__(self, schema: GraphQLSchema, config_dict: dict[str, Any]) -> None:
        super().__init__(schema, config_dict)
        section = config_dict.get("tool", {}).get("ariadne-codegen", {})
        uuid = section.get("scalars", {}).get("UUID", {})
        type_name = str(uuid.get("type", ""))
        self.name = type_name.rpartition(".")[2] if uuid.get("serialize") == OUR_SERIALIZER else ""
        self.sequence = False

    def generate_arguments(
        self,
        arguments: ast.arguments,
        variable_definitions: tuple[VariableDefinitionNode, ...],
    ) -> ast.arguments:
        if not self.name:
            return arguments
        for arg in arguments.args:
            if arg.annotation is not None:
                arg.annotation, sequence = widen_uuid(arg.annotation, self.name)
                self.sequence = self.sequence or sequence
        return arguments

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        if self.sequence:
            module.body.insert(
                0,
                ast.ImportFrom(module="collections.abc", names=[ast.alias("Sequence")], level=0),
            )
        return module
