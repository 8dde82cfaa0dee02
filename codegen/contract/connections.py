"""Find every Relay connection on `Query` in a schema, and the page query that reads one.

A connection field returns an object type with `edges { cursor node }` and
`pageInfo`, and takes `first`/`after` and/or `last`/`before`. Its nodes are told
apart by their `id`; a `count` or `totalCount` field is read as the total. Any
other required argument needs a value (`--var field.arg=VALUE`), else the
connection is skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_list_type,
    is_non_null_type,
)
from graphql.pyutils import Undefined

from codegen.errors import CodegenError
from codegen.json_reading import JSONProblem, read_json

__all__ = ["Connection", "find_connections", "parse_vars"]

_PAGING = ("first", "after", "last", "before")
_PAGE_INFO = ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor")
_TOTALS = ("count", "totalCount")


@dataclass(frozen=True)
class Connection:
    """One connection field on `Query`: what it takes, what it returns, and its page query."""

    name: str
    type_name: str
    forward: bool
    backward: bool
    total_field: str | None = None
    page_info: tuple[str, ...] = _PAGE_INFO
    # Other arguments: (name, GraphQL type, value), from --var.
    fixed: tuple[tuple[str, str, Any], ...] = ()
    skip_reason: str | None = None
    argument_types: Mapping[str, str] = field(default_factory=dict)

    @property
    def document(self) -> str:
        """The page query: edges with cursor and node id, pageInfo, and the total if any."""
        paging = [a for a in _PAGING if a in self.argument_types]
        definitions = [f"${a}: {self.argument_types[a]}" for a in paging]
        definitions += [f"$v_{name}: {type_}" for name, type_, _ in self.fixed]
        arguments = [f"{a}: ${a}" for a in paging]
        arguments += [f"{name}: $v_{name}" for name, _, _ in self.fixed]
        total = f" {self.total_field}" if self.total_field else ""
        return (
            f"query ContractPage({', '.join(definitions)}) "
            f"{{ {self.name}({', '.join(arguments)}) "
            "{ edges { cursor node { id } } "
            f"pageInfo {{ {' '.join(self.page_info)} }}{total} }} }}"
        )

    def variables(self, paging: Mapping[str, Any]) -> dict[str, Any]:
        """The page query's variables: the paging ones that are set, then the fixed ones."""
        values = {
            name: value
            for name, value in paging.items()
            if value is not None and name in self.argument_types
        }
        values.update({f"v_{name}": value for name, _, value in self.fixed})
        return values


def find_connections(
    schema: GraphQLSchema, given: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Connection]:
    """Every Relay connection field on `Query`, in the schema's field order."""
    query = schema.query_type
    if query is None:
        return []
    given = given or {}
    found = []
    for name, definition in query.fields.items():
        connection = _read_connection(name, definition, given.get(name, {}))
        if connection is not None:
            found.append(connection)
    return found


def _read_connection(
    name: str, definition: GraphQLField, values: Mapping[str, Any]
) -> Connection | None:
    connection_type = get_named_type(definition.type)
    if not isinstance(connection_type, GraphQLObjectType) or is_list_type(
        _nullable(definition.type)
    ):
        return None
    fields = connection_type.fields
    edges, page_info = fields.get("edges"), fields.get("pageInfo")
    if edges is None or page_info is None or not is_list_type(_nullable(edges.type)):
        return None
    edge_type = get_named_type(edges.type)
    if not isinstance(edge_type, GraphQLObjectType):
        return None
    if "cursor" not in edge_type.fields or "node" not in edge_type.fields:
        return None
    arguments = definition.args
    forward = "first" in arguments and "after" in arguments
    backward = "last" in arguments and "before" in arguments
    if not (forward or backward):
        return None
    info_type = get_named_type(page_info.type)
    info_fields = info_type.fields if isinstance(info_type, GraphQLObjectType) else {}
    total = next(
        (t for t in _TOTALS if t in fields and get_named_type(fields[t].type).name == "Int"), None
    )
    node_type = get_named_type(edge_type.fields["node"].type)
    skip = None
    if not isinstance(node_type, GraphQLObjectType | GraphQLInterfaceType) or (
        "id" not in node_type.fields
    ):
        skip = f"its nodes ({node_type.name}) have no `id` field to tell them apart"
    fixed = []
    missing = []
    for argument, spec in arguments.items():
        if argument in _PAGING:
            continue
        if argument in values:
            fixed.append((argument, str(spec.type), values[argument]))
        elif is_non_null_type(spec.type) and spec.default_value is _undefined():
            missing.append(f"{argument}: {spec.type}")
    unknown = sorted(set(values) - set(arguments))
    if unknown:
        raise CodegenError(
            f"--var {name}.{unknown[0]}: {name} has no argument {unknown[0]!r}; "
            f"it takes {', '.join(arguments)}"
        )
    if missing and skip is None:
        example = missing[0].split(":")[0]
        skip = (
            f"it needs the required argument(s) {', '.join(missing)}: "
            f"give --var {name}.{example}=VALUE"
        )
    return Connection(
        name=name,
        type_name=connection_type.name,
        forward=forward,
        backward=backward,
        total_field=total,
        page_info=tuple(f for f in _PAGE_INFO if f in info_fields),
        fixed=tuple(fixed),
        skip_reason=skip,
        argument_types={a: str(arguments[a].type) for a in _PAGING if a in arguments},
    )


def _nullable(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def _undefined() -> Any:
    return Undefined


def parse_vars(texts: Sequence[str]) -> dict[str, dict[str, Any]]:
    """`field.arg=VALUE` options as {field: {arg: value}}; VALUE is JSON, else a string."""
    parsed: dict[str, dict[str, Any]] = {}
    for text in texts:
        target, equals, raw = text.partition("=")
        field_name, dot, argument = target.partition(".")
        if not equals or not dot or not field_name or not argument:
            raise CodegenError(f"--var {text!r}: expected CONNECTION.ARGUMENT=VALUE")
        try:
            value: Any = read_json(raw)
        except JSONProblem as exc:
            if exc.kind != "syntax":
                raise CodegenError(f"--var {target}: {exc}") from None
            value = raw  # not JSON: a string
        parsed.setdefault(field_name, {})[argument] = value
    return parsed
