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
    parse,
    print_ast,
    validate,
)
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from codegen.contract.pages import MAX_PAGE_SIZE
from codegen.contract.probe import Probe
from codegen.contract.slices import any_slices

__all__ = ["invalid_documents", "is_invalid", "known_documents", "valid_documents"]

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

    sizes = st.integers(0, MAX_PAGE_SIZE).map(lambda n: IntValueNode(value=str(n)))
    grounded: dict[str, st.SearchStrategy[ValueNode]] = {"first": sizes, "last": sizes}
    if probe.baseline.cursors:
        grounded["after"] = grounded["before"] = strings(probe.baseline.cursors)
    if probe.known_users:
        grounded["userId"] = strings(probe.known_users)
        grounded["userIds"] = st.lists(strings(probe.known_users), min_size=1, max_size=3).map(
            lambda values: ListValueNode(values=tuple(values))
        )
    if probe.baseline.template_ids:
        grounded["id"] = strings(probe.baseline.template_ids)
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


_PAGE_FIELDS = (
    "edges { cursor node { id name title } } "
    "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } count"
)
_ITEM_FIELDS = (
    "id user { id name email } title description startDate endDate files createdAt updatedAt"
)


@st.composite
def known_documents(draw: st.DrawFn, probe: Probe) -> str:
    """A page of every field with valid arguments, or a known user's whole portfolio."""
    users = list(probe.known_users)
    portfolio = draw(st.booleans())
    if users and portfolio:
        user = json.dumps(draw(st.sampled_from(users)))
        return f"{{ portfolioItems(userId: {user}) {{ {_ITEM_FIELDS} }} }}"
    shape = draw(any_slices(len(probe.baseline.edges), st.integers(0, MAX_PAGE_SIZE)))
    request = shape.request(probe.baseline).variables()
    arguments = ", ".join(f"{name}: {json.dumps(value)}" for name, value in request.items())
    return (
        f"{{ certificates({arguments}) {{ {_PAGE_FIELDS} }} }}"
        if arguments
        else (f"{{ certificates {{ {_PAGE_FIELDS} }} }}")
    )


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
