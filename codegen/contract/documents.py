"""Random GraphQL documents from the schema, drawn by hypothesis-graphql: valid and invalid.

Purely random arguments rarely reach real data (a random `after` is never a
cursor), so some arguments of a valid document are grounded: `first`/`last` in
0..50, `after`/`before` a baseline cursor, a `userId` or `userIds` a known user,
an `id` a known template. Mutations are drawn only when mutations are allowed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import hypothesis_graphql as hg
from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    StringValueNode,
    ValueNode,
    ast_from_value,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
    parse,
    print_ast,
    validate,
)
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from codegen.contract.connections import Connection
from codegen.contract.probe import Probe
from codegen.contract.slices import Slice, any_slices, size_range

__all__ = [
    "invalid_boundaries",
    "invalid_documents",
    "is_invalid",
    "known_boundaries",
    "known_documents",
    "valid_boundaries",
    "valid_documents",
]

_SCALARS: dict[str, st.SearchStrategy[ValueNode]] = {
    "UUID": st.uuids().map(nodes.String),
    "DateTime": st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ).map(lambda moment: nodes.String(moment.isoformat())),
}


def _identity(document: DocumentNode) -> DocumentNode:
    return document


def _raw_documents(probe: Probe, mode: hg.Mode) -> st.SearchStrategy[DocumentNode]:
    strategy: st.SearchStrategy[DocumentNode] = hg.queries(
        probe.schema, custom_scalars=_SCALARS, print_ast=_identity, mode=mode
    )
    if probe.allow_mutations and probe.schema.mutation_type is not None:
        strategy |= hg.mutations(
            probe.schema, custom_scalars=_SCALARS, print_ast=_identity, mode=mode
        )
    return strategy


def _groundings(probe: Probe) -> dict[str, st.SearchStrategy[ValueNode]]:
    """Strategies for values that reach real data, by argument name."""

    def strings(values: Sequence[str]) -> st.SearchStrategy[ValueNode]:
        return st.sampled_from(list(values)).map(lambda text: StringValueNode(value=text))

    sizes = st.integers(0, probe.max_page_size).map(lambda n: IntValueNode(value=str(n)))
    grounded: dict[str, st.SearchStrategy[ValueNode]] = {"first": sizes, "last": sizes}
    cursors = [cursor for baseline in probe.baselines.values() for cursor in baseline.cursors]
    if cursors:
        grounded["after"] = grounded["before"] = strings(cursors)
    if probe.known_users:
        grounded["userId"] = strings(probe.known_users)
        grounded["userIds"] = st.lists(strings(probe.known_users), min_size=1, max_size=3).map(
            lambda values: ListValueNode(values=tuple(values))
        )
    if probe.template_ids:
        grounded["id"] = strings(probe.template_ids)
    return grounded


@st.composite
def _grounded(
    draw: st.DrawFn,
    documents: st.SearchStrategy[DocumentNode],
    groundings: dict[str, st.SearchStrategy[ValueNode]],
) -> str:
    document = draw(documents)
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            selections = tuple(
                _ground_field(draw, s, groundings) if isinstance(s, FieldNode) else s
                for s in definition.selection_set.selections
            )
            selection_set = type(definition.selection_set)(selections=selections)
            definition = OperationDefinitionNode(
                operation=definition.operation,
                name=definition.name,
                variable_definitions=definition.variable_definitions,
                directives=definition.directives,
                selection_set=selection_set,
            )
        definitions.append(definition)
    return print_ast(DocumentNode(definitions=tuple(definitions)))


def _ground_field(
    draw: Callable[..., object],
    field: FieldNode,
    groundings: dict[str, st.SearchStrategy[ValueNode]],
) -> FieldNode:
    # All of a field's arguments or none: one random argument is enough for an error,
    # and then no data comes back to check.
    ground = draw(st.booleans())
    arguments = []
    for argument in field.arguments:
        strategy = groundings.get(argument.name.value)
        if strategy is not None and ground:
            value = draw(strategy)
            assert isinstance(value, ValueNode)
            argument = ArgumentNode(name=argument.name, value=value)
        arguments.append(argument)
    return FieldNode(
        alias=field.alias,
        name=field.name,
        arguments=tuple(arguments),
        directives=field.directives,
        selection_set=field.selection_set,
    )


def valid_documents(probe: Probe) -> st.SearchStrategy[str]:
    """Documents that pass validation against the schema, some arguments grounded."""
    return _grounded(_raw_documents(probe, hg.Mode.POSITIVE), _groundings(probe))


_ITEM_FIELDS = (
    "id user { id name email } title description startDate endDate files createdAt updatedAt"
)


@st.composite
def known_documents(draw: st.DrawFn, probe: Probe) -> str:
    """A page of a connection with valid arguments, or a known user's whole portfolio."""
    users = list(probe.known_users)
    portfolio = draw(st.booleans())
    query = probe.schema.query_type
    if users and portfolio and query is not None and "portfolioItems" in query.fields:
        user = json.dumps(draw(st.sampled_from(users)))
        return f"{{ portfolioItems(userId: {user}) {{ {_ITEM_FIELDS} }} }}"
    connections = [c for c in probe.connections if c.skip_reason is None and c.forward]
    if not connections:
        return "{ __typename }"
    connection = draw(st.sampled_from(connections))
    baseline = probe.with_connection(connection).baseline
    limit = probe.max_page_size
    shape = draw(any_slices(len(baseline.edges), limit, size_range(0, limit)))
    if not connection.backward:
        shape = Slice(first=shape.first, after=shape.after, before=shape.before)
    values = connection.variables(shape.request(baseline).variables())
    return _page_document(probe.schema, connection, values)


def _page_document(schema: GraphQLSchema, connection: Connection, values: dict[str, Any]) -> str:
    """The connection's page with these arguments inline, and every leaf field of its nodes."""
    query = schema.query_type
    assert query is not None
    field = query.fields[connection.name]
    arguments = []
    for name, value in values.items():
        argument = name.removeprefix("v_") if name.startswith("v_") else name
        node = ast_from_value(value, field.args[argument].type)
        if node is not None:
            arguments.append(f"{argument}: {print_ast(node)}")
    node_type = get_named_type(get_named_type(field.type).fields["edges"].type)
    leaves = _leaf_fields(get_named_type(node_type.fields["node"].type))
    total = f" {connection.total_field}" if connection.total_field else ""
    called = f"{connection.name}({', '.join(arguments)})" if arguments else connection.name
    return (
        f"{{ {called} {{ edges {{ cursor node {{ {' '.join(leaves)} }} }} "
        f"pageInfo {{ {' '.join(connection.page_info)} }}{total} }} }}"
    )


def _leaf_fields(type_: Any) -> list[str]:
    """The node's scalar and enum fields that take no required argument."""
    fields = getattr(type_, "fields", {})
    return [
        name
        for name, field in fields.items()
        if is_leaf_type(get_named_type(field.type))
        and not any(is_non_null_type(a.type) for a in field.args.values())
    ] or ["__typename"]


def is_invalid(schema: GraphQLSchema, document: str) -> bool:
    """True when the document does not parse or does not validate against the schema."""
    try:
        return bool(validate(schema, parse(document)))
    except GraphQLError:
        return True


@st.composite
def _truncated(draw: st.DrawFn, documents: st.SearchStrategy[str]) -> str:
    document = draw(documents)
    return document[: draw(st.integers(0, max(0, len(document) - 1)))]


def invalid_documents(probe: Probe) -> st.SearchStrategy[str]:
    """Documents with one schema violation (hypothesis-graphql's negative mode), or cut short."""
    negative = _raw_documents(probe, hg.Mode.NEGATIVE).map(print_ast)
    cut = _truncated(valid_documents(probe))
    return (negative | cut).filter(lambda document: is_invalid(probe.schema, document))


# Fixed documents, run before the random ones on every seed ------------------------------

NON_ASCII = "ünïcødé ✓ 証明書"


def valid_boundaries(probe: Probe) -> list[str]:
    """Small valid documents: plain, with non-ASCII text, and a first page of each connection."""
    documents = [
        "{ __typename }",
        f"# {NON_ASCII}\n{{ __typename }}",
        f'query {{ __typename @skip(if: false) }} # "{NON_ASCII}"',
    ]
    documents += known_boundaries(probe)
    return [d for d in documents if not is_invalid(probe.schema, d)]


def known_boundaries(probe: Probe) -> list[str]:
    """A first page of every connection, and a known user's portfolio when the schema has one."""
    documents = [
        _page_document(probe.schema, connection, connection.variables({"first": 1}))
        for connection in probe.connections
        if connection.skip_reason is None and connection.forward
    ]
    query = probe.schema.query_type
    if probe.known_users and query is not None and "portfolioItems" in query.fields:
        user = json.dumps(probe.known_users[0])
        documents.append(f"{{ portfolioItems(userId: {user}) {{ {_ITEM_FIELDS} }} }}")
    return [d for d in documents if not is_invalid(probe.schema, d)]


def invalid_boundaries(probe: Probe) -> list[str]:
    """An empty document, one cut short, an unknown field, and non-ASCII in a bad one."""
    documents = [
        "",
        "{",
        "query { __typename",
        "{ noSuchFieldAnywhere }",
        f'{{ __typename(text: "{NON_ASCII}") }}',
    ]
    return [d for d in documents if is_invalid(probe.schema, d)]
