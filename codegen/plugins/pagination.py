"""Add `iter_<name>` to the client for every operation with the Relay shape.

An operation qualifies when it takes `first` and `after` and its one root field
selects `pageInfo { hasNextPage endCursor }` and `edges { node }`. The iterator
yields the non-null nodes of every page, following `endCursor`; the stopping
rules live in the runtime's `Pager`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from ariadne_codegen.plugins.base import Plugin
from ariadne_codegen.utils import str_to_snake_case
from graphql import FieldNode, GraphQLSchema, OperationDefinitionNode, SelectionSetNode

__all__ = ["PaginationPlugin", "find_relay_connection"]


@dataclass(frozen=True)
class RelayOperation:
    """An operation the plugin writes an iterator for."""

    method: str
    iterator: str
    field: str
    node_class: str


def _fields(selection_set: SelectionSetNode | None) -> dict[str, FieldNode]:
    if selection_set is None:
        return {}
    return {
        (s.alias or s.name).value: s for s in selection_set.selections if isinstance(s, FieldNode)
    }


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def find_relay_connection(operation: OperationDefinitionNode) -> RelayOperation | None:
    """The iterator to write for `operation`, or None if it has not the Relay shape."""
    variables = {v.variable.name.value for v in operation.variable_definitions}
    roots = _fields(operation.selection_set)
    if operation.name is None or not {"first", "after"} <= variables or len(roots) != 1:
        return None
    ((field_name, root),) = roots.items()
    connection = _fields(root.selection_set)
    page_info = _fields(connection["pageInfo"].selection_set) if "pageInfo" in connection else {}
    edges = _fields(connection["edges"].selection_set) if "edges" in connection else {}
    if not {"hasNextPage", "endCursor"} <= page_info.keys() or "node" not in edges:
        return None
    name = operation.name.value
    method = str_to_snake_case(name)
    stem = method.removeprefix("list_").removeprefix("get_")
    return RelayOperation(
        method=method,
        iterator=f"iter_{stem}",
        field=str_to_snake_case(field_name),
        node_class=f"{name}{_pascal(field_name)}EdgesNode",
    )


_TEMPLATE = '''
async def {iterator}(
    self, page_size: int = 50, max_items: int | None = None, **kwargs: Any
) -> AsyncIterator[{node_class}]:
    """Every `{field}` node, page by page, following `endCursor`.

    Null edges and nodes are skipped. Raises `PaginationError` if the server
    repeats a cursor or says `hasNextPage` without an `endCursor`.
    """
    pager = Pager(page_size, max_items)
    after: str | None = None
    while not pager.done:
        page = await self.{method}(first=pager.first(), after=after, **kwargs)
        connection = page.{field}
        for node in pager.take(connection):
            yield node
        after = pager.next_cursor(connection)
        if after is None:
            return
'''


class PaginationPlugin(Plugin):
    """Writes one iterator method per Relay-shaped operation."""

    def __init__(self, schema: GraphQLSchema, config_dict: dict[str, Any]) -> None:
        super().__init__(schema, config_dict)
        self.found: list[RelayOperation] = []

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        found = find_relay_connection(operation_definition)
        if found is not None:
            self.found.append(found)
        return method_def

    def generate_client_class(self, class_def: ast.ClassDef) -> ast.ClassDef:
        for found in sorted(self.found, key=lambda f: f.iterator):
            source = _TEMPLATE.format(**vars(found))
            class_def.body.append(ast.parse(source).body[0])
        return class_def

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        if not self.found:
            return module
        modules = {f.method: f.node_class for f in self.found}
        imports = [
            ast.ImportFrom(module="collections.abc", names=[ast.alias("AsyncIterator")], level=0),
            ast.ImportFrom(module="pagination", names=[ast.alias("Pager")], level=1),
            *(
                ast.ImportFrom(module=method, names=[ast.alias(node_class)], level=1)
                for method, node_class in sorted(modules.items())
            ),
        ]
        module.body[:0] = imports
        return module
