"""Any response: random documents never crash the endpoint, and answers fit the schema."""

from __future__ import annotations

from graphql import parse
from hypothesis import strategies as st

from codegen.contract.conformance import find_nonconformity
from codegen.contract.documents import (
    invalid_boundaries,
    invalid_documents,
    known_documents,
    valid_boundaries,
    valid_documents,
)
from codegen.contract.probe import Probe
from codegen.contract.property import Document, contract_property
from codegen.contract.violation import Violation

__all__ = [
    "invalid_documents_get_errors",
    "responses_conform_to_the_schema",
    "valid_documents_never_get_5xx",
]


@contract_property(
    Document.HTTP,
    "With application/json, the server SHOULD use the 200 status code for every response to "
    "a well-formed GraphQL-over-HTTP request, independent of any GraphQL request error or "
    "GraphQL field error raised.",
    valid_documents,
    boundaries=valid_boundaries,
)
def valid_documents_never_get_5xx(probe: Probe, document: str) -> None:
    """Random valid documents, generated with hypothesis-graphql, never get an HTTP 5xx."""
    exchange = probe.recorder.post(document)
    if exchange.status >= 500:
        raise Violation(f"A valid document got HTTP {exchange.status}.")


def _any_documents(probe: Probe) -> st.SearchStrategy[str]:
    return valid_documents(probe) | known_documents(probe)


@contract_property(
    Document.GRAPHQL,
    "CompleteValue: if the field type is Non-Null and the completed result is null, raise a "
    "field error; a leaf value is the result of coercing it by its type's result coercion.",
    _any_documents,
    boundaries=valid_boundaries,
)
def responses_conform_to_the_schema(probe: Probe, document: str) -> None:
    """Every response conforms to the schema: non-null fields are non-null, and every value has its
    field's type."""
    exchange = probe.recorder.post(document)
    if exchange.status >= 500:
        return  # valid_documents_never_get_5xx reports it
    body = exchange.body
    if not isinstance(body, dict) or not ({"data", "errors"} & set(body)):
        raise Violation(f"HTTP {exchange.status} without a GraphQL response body.")
    errors = body.get("errors", [])
    if not isinstance(errors, list) or not all(
        isinstance(e, dict) and isinstance(e.get("message"), str) for e in errors
    ):
        raise Violation("`errors` is not a list of objects with a `message`.")
    problem = find_nonconformity(probe.schema, parse(document), body.get("data"))
    if problem is not None:
        raise Violation(f"The data does not fit the schema: {problem}.")


@contract_property(
    Document.HTTP,
    "A request that fails validation is a request error: the response has `errors` and no "
    "data; with application/json it SHOULD still get status 200, and a 4xx is allowed.",
    invalid_documents,
    boundaries=invalid_boundaries,
)
def invalid_documents_get_errors(probe: Probe, document: str) -> None:
    """Random invalid documents get GraphQL errors, never an HTTP 5xx."""
    exchange = probe.recorder.post(document)
    if exchange.status >= 500:
        raise Violation(f"An invalid document got HTTP {exchange.status}.")
    if not exchange.errors:
        raise Violation(f"An invalid document got HTTP {exchange.status} without errors.")
