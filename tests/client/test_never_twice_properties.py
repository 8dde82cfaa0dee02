"""Property tests: a mutation that hypothesis-graphql draws is sent at most once, whatever
the document around it and however the server fails; the client reads a document's
operation type as graphql-core does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC

import httpx
import pytest
from graphql import (
    DocumentNode,
    GraphQLSchema,
    NameNode,
    OperationDefinitionNode,
    ValueNode,
    build_schema,
    get_operation_ast,
    parse,
    print_ast,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from loopback_server import SCHEMA_PATH
from pluvo_client import Client, RetryPolicy
from pluvo_client.retry import read_operation_type

from .scripted import DROP, Reply, ScriptedRequest, ScriptedServer, graphql_reply, scripted_server

SCHEMA: GraphQLSchema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
QUICK = RetryPolicy(max_attempts=4, backoff=0.0001, max_backoff=0.0001)
FAULTS = ("502", "503", "504", "drop")
FRAGMENT = "fragment Extra on Query { __typename }"
SCALARS: dict[str, st.SearchStrategy[ValueNode]] = {
    "UUID": st.uuids().map(lambda value: nodes.String(str(value))),
    "DateTime": st.datetimes(timezones=st.just(UTC)).map(lambda at: nodes.String(at.isoformat())),
}


def _documents(draw_mutation: bool) -> st.SearchStrategy[DocumentNode]:
    strategy = mutations if draw_mutation else queries
    drawn: st.SearchStrategy[DocumentNode] = strategy(
        SCHEMA,
        custom_scalars=SCALARS,
        print_ast=lambda node: node,
    )
    return drawn


def _named(document: DocumentNode, name: str) -> OperationDefinitionNode:
    (operation,) = document.definitions
    assert isinstance(operation, OperationDefinitionNode)
    return OperationDefinitionNode(
        operation=operation.operation,
        name=NameNode(value=name),
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=operation.selection_set,
    )


@dataclass(frozen=True)
class Drawn:
    """A document holding a mutation, and the `operationName` that selects it (if needed)."""

    text: str
    operation_name: str | None


@st.composite
def documents_with_a_mutation(draw: st.DrawFn) -> Drawn:
    """A drawn mutation, alone or after a comment, a fragment or a drawn query."""
    mutation = draw(_documents(True))
    shape = draw(st.sampled_from(["alone", "comment", "fragment", "with a query"]))
    if shape == "alone":
        return Drawn(print_ast(mutation), None)
    if shape == "comment":
        comment = draw(st.text(st.characters(exclude_characters="\r\n")))
        return Drawn(f"# {comment}\n{print_ast(mutation)}", None)
    if shape == "fragment":
        return Drawn(f"{FRAGMENT}\n{print_ast(mutation)}", None)
    query = _named(draw(_documents(False)), "Q")
    named = _named(mutation, "M")
    order = [query, named] if draw(st.booleans()) else [named, query]
    return Drawn(print_ast(DocumentNode(definitions=tuple(order))), "M")


@dataclass
class Faulty:
    """The server of the property: answers every request with the fault of the example."""

    server: ScriptedServer
    client: Client
    fault: str = "503"


@pytest.fixture(scope="module")
def faulty() -> Iterator[Faulty]:
    state: list[Faulty] = []

    def answer(request: ScriptedRequest) -> Reply | str:
        fault = state[0].fault
        return DROP if fault == "drop" else graphql_reply({"error": fault}, int(fault))

    with scripted_server(answer) as server, Client(url=server.url, retry=QUICK) as client:
        state.append(Faulty(server, client))
        yield state[0]


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=documents_with_a_mutation(), fault=st.sampled_from(FAULTS))
def test_a_drawn_mutation_is_sent_at_most_once_whatever_the_server_does(
    faulty: Faulty, drawn: Drawn, fault: str
) -> None:
    """For any document holding a mutation (alone, after a comment or a fragment, or beside
    a query and chosen by `operationName`), a server answering 502, 503 or 504, or dropping
    the connection, receives it at most once."""
    faulty.fault = fault
    before = len(faulty.server.requests)
    try:
        response = faulty.client.execute(drawn.text, drawn.operation_name)
    except httpx.TransportError:
        assert fault == "drop"
    else:
        assert response.status_code == int(fault)
    assert len(faulty.server.requests) - before == 1


@settings(max_examples=40)
@given(
    drawn=st.one_of(
        documents_with_a_mutation(),
        _documents(False).map(lambda d: Drawn(print_ast(d), None)),
    ),
    pick=st.sampled_from([None, "Q", "M", "Other"]),
)
def test_the_operation_type_is_read_as_graphql_core_reads_it(
    drawn: Drawn, pick: str | None
) -> None:
    """For any drawn document and operation name, the client's reading of the operation
    type agrees with graphql-core's `get_operation_ast` (None where it finds none)."""
    document = parse(drawn.text)
    operation = get_operation_ast(document, pick)
    expected = None if operation is None else operation.operation.value
    assert read_operation_type(drawn.text, pick) == expected
