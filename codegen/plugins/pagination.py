"""Add `iter_<name>` to the client for every operation with the Relay shape.

An operation qualifies when it takes `first` and `after` and its one root field
selects `pageInfo { hasNextPage endCursor }` and `edges { node }`. The iterator
yields the non-null nodes of every page, following `endCursor`; the stopping
rules live in the runtime's `Pager`.

The iterator reads only the nodes and `pageInfo`, so it does not build the whole
result model for every page. Next to the operation's result classes the plugin
writes a private page model with just those parts (`_<Name>Page`: the root
field, a connection with `edges` and `pageInfo`, and each edge as a TypedDict
holding only `node`), copying their annotations from the generated classes so
that nullability, aliases and the node class stay exactly the same. Into the
client it writes `_<method>_page`, a copy of the operation method that returns
that model. A node is then validated once, straight from the response bytes,
into the same generated node class, without an edge model or a cursor string
around it; the cursors and other fields are still parsed (the JSON must be
valid) but not kept. If the generated classes do not have the expected shape
(a connection built from a fragment, say) the iterator falls back to the
operation method and its full result model.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Container
from dataclasses import dataclass
from typing import Any

from ariadne_codegen.plugins.base import Plugin
from ariadne_codegen.utils import str_to_snake_case
from graphql import (
    ExecutableDefinitionNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
)

__all__ = ["PaginationPlugin", "find_iterator_clashes", "find_relay_connection"]


@dataclass(frozen=True)
class RelayOperation:
    """An operation the plugin writes an iterator for."""

    name: str
    method: str
    iterator: str
    key: str
    field: str
    node_class: str

    @property
    def page_class(self) -> str:
        return f"_{self.name}Page"

    @property
    def page_method(self) -> str:
        return f"_{self.method}_page"


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
    ((key, root),) = roots.items()
    connection = _fields(root.selection_set)
    page_info = _fields(connection["pageInfo"].selection_set) if "pageInfo" in connection else {}
    edges = _fields(connection["edges"].selection_set) if "edges" in connection else {}
    if not {"hasNextPage", "endCursor"} <= page_info.keys() or "node" not in edges:
        return None
    name = operation.name.value
    method = str_to_snake_case(name)
    stem = method.removeprefix("list_").removeprefix("get_")
    return RelayOperation(
        name=name,
        method=method,
        iterator=f"iter_{stem}",
        key=key,
        field=str_to_snake_case(key),
        node_class=f"{name}{_pascal(key)}EdgesNode",
    )


def find_iterator_clashes(operations: list[OperationDefinitionNode]) -> list[GraphQLError]:
    """Relay operations that would get the same iterator (`ListX` and `GetX`: `iter_x`).

    The plugin would write two methods of one name, and the second would silently
    replace the first. An iterator named like an operation's own method (an operation
    `IterX`) clashes too. Each error points at both operations.
    """
    methods = {str_to_snake_case(op.name.value): op for op in operations if op.name is not None}
    seen: dict[str, OperationDefinitionNode] = {}
    errors = []
    for operation in operations:
        found = find_relay_connection(operation)
        if found is None or operation.name is None:
            continue
        other = seen.setdefault(found.iterator, operation)
        if other is operation:
            other = methods.get(found.iterator, operation)
            clash = "the method of operation"
        else:
            clash = "the iterator of operation"
        if other is not operation and other.name is not None:
            errors.append(
                GraphQLError(
                    f"Operation '{operation.name.value}' would get the iterator "
                    f"{found.iterator}(), {clash} '{other.name.value}' too; rename one of them.",
                    [operation.name, other.name],
                )
            )
    return errors


# ------------------------------------------------------------------ the page model


def _json_key(field: ast.AnnAssign) -> str | None:
    """The response key of a generated model field: its alias, else its name."""
    if not isinstance(field.target, ast.Name):
        return None
    value = field.value
    if isinstance(value, ast.Call):
        for keyword in value.keywords:
            if keyword.arg == "alias" and isinstance(keyword.value, ast.Constant):
                return str(keyword.value.value)
    return field.target.id


def _model_fields(class_def: ast.ClassDef) -> dict[str, ast.AnnAssign]:
    """A generated class's fields by response key."""
    found: dict[str, ast.AnnAssign] = {}
    for statement in class_def.body:
        if isinstance(statement, ast.AnnAssign):
            key = _json_key(statement)
            if key is not None:
                found[key] = statement
    return found


def _referenced(node: ast.AST) -> str | None:
    """The class a name in an annotation refers to: `X`, `"X"` (as ariadne writes it) or 'X'."""
    if isinstance(node, ast.Name):
        return node.id.strip("\"'")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _class_reference(annotation: ast.expr, classes: Container[str]) -> str | None:
    """The one class of this module an annotation like `Optional["X"]` names, if just one."""
    names = {name for node in ast.walk(annotation) if (name := _referenced(node)) in classes}
    return names.pop() if len(names) == 1 else None


def _renamed(field: ast.AnnAssign, old: str, new: str) -> ast.AnnAssign:
    """A copy of `field` whose annotation names class `new` where it named `old`."""
    field = copy.deepcopy(field)
    for node in ast.walk(field.annotation):
        if _referenced(node) != old:
            continue
        if isinstance(node, ast.Name):
            node.id = node.id.replace(old, new)
        elif isinstance(node, ast.Constant):
            node.value = new
    return field


def _class(name: str, base: str, body: list[ast.stmt], doc: str) -> ast.ClassDef:
    class_def = ast.parse(f"class {name}({base}):\n    {doc!r}\n").body[0]
    assert isinstance(class_def, ast.ClassDef)
    class_def.body.extend(body)
    return class_def


def page_model(module: ast.Module, found: RelayOperation) -> list[ast.ClassDef] | None:
    """The private page classes for `found`, or None if its classes have another shape."""
    classes = {node.name: node for node in module.body if isinstance(node, ast.ClassDef)}
    root = classes.get(found.name)
    if root is None:
        return None
    root_field = _model_fields(root).get(found.key)
    connection_name = (
        None if root_field is None else _class_reference(root_field.annotation, classes)
    )
    connection = classes.get(connection_name or "")
    if root_field is None or connection_name is None or connection is None:
        return None
    connection_fields = _model_fields(connection)
    edges, page_info = connection_fields.get("edges"), connection_fields.get("pageInfo")
    edge_name = None if edges is None else _class_reference(edges.annotation, classes)
    edge = classes.get(edge_name or "")
    node = None if edge is None else _model_fields(edge).get("node")
    if edges is None or page_info is None or edge_name is None or node is None:
        return None
    page, page_connection, page_edge = (
        found.page_class,
        f"{found.page_class}Connection",
        f"{found.page_class}Edge",
    )
    edge_field = ast.AnnAssign(
        target=ast.Name("node"), annotation=copy.deepcopy(node.annotation), simple=1
    )
    return [
        _class(
            page_edge,
            "TypedDict",
            [edge_field],
            f"An edge of `{connection_name}` as `{found.iterator}` reads it: only its node.",
        ),
        _class(
            page_connection,
            "BaseModel",
            [_renamed(edges, edge_name, page_edge), copy.deepcopy(page_info)],
            f"`{connection_name}` as `{found.iterator}` reads it: edges and pageInfo.",
        ),
        _class(
            page,
            "BaseModel",
            [_renamed(root_field, connection_name, page_connection)],
            f"One page of `{found.name}` as `{found.iterator}` reads it.",
        ),
    ]


def _page_method(
    method_def: ast.FunctionDef | ast.AsyncFunctionDef, found: RelayOperation
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """A copy of the operation method that returns the page model, if it ends in `_parse`."""
    last = method_def.body[-1] if method_def.body else None
    if not (
        isinstance(last, ast.Return)
        and isinstance(last.value, ast.Call)
        and isinstance(last.value.func, ast.Attribute)
        and last.value.func.attr == "_parse"
        and len(last.value.args) == 2
        and isinstance(last.value.args[1], ast.Name)
        and last.value.args[1].id == found.name
    ):
        return None
    page = copy.deepcopy(method_def)
    page.name = found.page_method
    page.returns = ast.Name(found.page_class)
    doc = ast.Expr(
        ast.Constant(
            f"`{found.method}`, validating only what `{found.iterator}` reads of the page."
        )
    )
    parse = copy.deepcopy(last.value)
    parse.args[1] = ast.Name(found.page_class)
    page.body = [doc, *page.body[:-1], ast.Return(parse)]
    return page


# ------------------------------------------------------------------------- iterators

_TEMPLATE = '''
async def {iterator}(
    self, page_size: int = 50, max_items: int | None = None, **kwargs: Any
) -> AsyncIterator[{node_class}]:
    """Every `{field}` node, page by page, following `endCursor`.

    Null edges and nodes are skipped; a `page_size` over 50 is lowered to 50.
    Raises `PaginationError` if the server repeats a cursor, says `hasNextPage`
    without an `endCursor`, or sends 5 pages in a row without a node.
    """
    pager = Pager(page_size, max_items)
    after: str | None = None
    while not pager.done:
        page = await self.{fetch}(first=pager.first(), after=after, **kwargs)
        connection = page.{field}
        for node in pager.{take}(connection):
            yield node
        after = pager.next_cursor(connection)
        if after is None:
            return
'''


class PaginationPlugin(Plugin):
    """Writes one iterator method per Relay-shaped operation, and its page model."""

    def __init__(self, schema: GraphQLSchema, config_dict: dict[str, Any]) -> None:
        super().__init__(schema, config_dict)
        self.found: list[RelayOperation] = []
        self.paged: set[str] = set()
        self.page_methods: list[ast.FunctionDef | ast.AsyncFunctionDef] = []

    def generate_result_types_module(
        self, module: ast.Module, operation_definition: ExecutableDefinitionNode
    ) -> ast.Module:
        if not isinstance(operation_definition, OperationDefinitionNode):
            return module
        found = find_relay_connection(operation_definition)
        classes = None if found is None else page_model(module, found)
        if found is None or classes is None:
            return module
        self.paged.add(found.name)
        imports = [n for n in module.body if isinstance(n, ast.ImportFrom | ast.Import)]
        position = module.body.index(imports[-1]) + 1 if imports else 0
        module.body.insert(
            position,
            ast.ImportFrom(module="typing_extensions", names=[ast.alias("TypedDict")], level=0),
        )
        # After the generated classes and any `model_rebuild()` calls.
        module.body.extend(classes)
        return module

    def generate_client_method(
        self,
        method_def: ast.FunctionDef | ast.AsyncFunctionDef,
        operation_definition: OperationDefinitionNode,
    ) -> ast.FunctionDef | ast.AsyncFunctionDef:
        found = find_relay_connection(operation_definition)
        if found is None:
            return method_def
        page_method = _page_method(method_def, found) if found.name in self.paged else None
        if page_method is None:
            self.paged.discard(found.name)
        else:
            self.page_methods.append(page_method)
        self.found.append(found)
        return method_def

    def generate_client_class(self, class_def: ast.ClassDef) -> ast.ClassDef:
        ordered = sorted(self.page_methods, key=lambda m: m.name)
        class_def.body.extend(ordered)
        for found in sorted(self.found, key=lambda f: f.iterator):
            paged = found.name in self.paged
            source = _TEMPLATE.format(
                iterator=found.iterator,
                node_class=found.node_class,
                field=found.field,
                fetch=found.page_method if paged else found.method,
                take="take" if paged else "take_models",
            )
            class_def.body.append(ast.parse(source).body[0])
        return class_def

    def generate_client_module(self, module: ast.Module) -> ast.Module:
        if not self.found:
            return module
        names: dict[str, set[str]] = {}
        for found in self.found:
            names.setdefault(found.method, set()).add(found.node_class)
            if found.name in self.paged:
                names[found.method].add(found.page_class)
        imports = [
            ast.ImportFrom(module="collections.abc", names=[ast.alias("AsyncIterator")], level=0),
            ast.ImportFrom(module="pagination", names=[ast.alias("Pager")], level=1),
            *(
                ast.ImportFrom(
                    module=method, names=[ast.alias(n) for n in sorted(classes)], level=1
                )
                for method, classes in sorted(names.items())
            ),
        ]
        module.body[:0] = imports
        return module
