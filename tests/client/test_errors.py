"""Typed errors: GraphQL errors with message, path and extensions; HTTP failures with status."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from server.reference import Server

from pluvo_client import (
    GraphQLClientError,
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)

from .support import (
    FLAVOURS,
    Fault,
    Flavour,
    Recorder,
    faulty_proxy,
    issue,
    items_per_user,
    setup_for,
    traverse,
)

MOCK_URL = "http://pluvo.test/graphql/"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_page_size_the_server_refuses_raises_a_graphql_error_with_message_and_path(
    shared_server: Server, flavour: Flavour
) -> None:
    # `iter_certificates` lowers a page_size over 50; the operation method sends it as it is.
    setup = setup_for(shared_server)
    with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
        if flavour == "sync":
            with setup.sync() as client:
                client.list_certificates(first=51)
        else:

            async def run() -> None:
                async with setup.async_() as client:
                    await client.list_certificates(first=51)

            asyncio.run(run())
    (error,) = caught.value.errors
    assert error.message == "`first` must be between 0 and 50, got 51."
    assert error.path == ["certificates"]
    assert error.locations and error.locations[0]["line"] >= 1
    assert caught.value.data == {"certificates": None}
    assert str(caught.value) == error.message


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_issuance_of_an_unknown_template_raises_instead_of_reporting_ids(
    shared_server: Server, flavour: Flavour
) -> None:
    # The server refuses the whole call, so this test changes nothing on the shared server.
    missing = uuid.uuid4()
    users = shared_server.user_ids
    recorder = Recorder()
    before = items_per_user(shared_server)
    with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
        issue(flavour, shared_server, missing, users, batch_size=3, recorder=recorder)
    (error,) = caught.value.errors
    assert str(missing) in error.message
    assert error.path == ["generateCertificate"]
    assert len(recorder.graphql("GenerateCertificate")) == 1  # stopped at the first batch
    assert items_per_user(shared_server) == before


def errors_transport(body: dict[str, Any]) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, json=body))


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_graphql_error_is_kept_with_its_path_extensions_and_the_partial_data(
    flavour: Flavour,
) -> None:
    body: dict[str, Any] = {
        "data": {"certificates": None},
        "errors": [
            {
                "message": "Not allowed to list templates",
                "path": ["certificates"],
                "locations": [{"line": 2, "column": 3}],
                "extensions": {"code": "FORBIDDEN", "retryable": False},
            },
            {
                "message": "Rate budget low",
                "path": ["certificates", "edges", 0, "node"],
                "extensions": {"code": "BUDGET"},
            },
        ],
    }
    with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
        traverse(flavour, MOCK_URL, transport=errors_transport(body))
    first, second = caught.value.errors
    assert (first.message, first.path, first.extensions) == (
        "Not allowed to list templates",
        ["certificates"],
        {"code": "FORBIDDEN", "retryable": False},
    )
    assert first.locations == [{"line": 2, "column": 3}]
    assert (second.path, second.extensions) == (
        ["certificates", "edges", 0, "node"],
        {"code": "BUDGET"},
    )
    assert second.original == body["errors"][1]
    assert caught.value.data == {"certificates": None}
    assert str(caught.value) == "Not allowed to list templates; Rate budget low"
    assert isinstance(caught.value, GraphQLClientError)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_http_500_raises_an_http_error_naming_the_status_and_is_not_retried(
    shared_server: Server, flavour: Flavour
) -> None:
    with (
        faulty_proxy(shared_server, lambda number, operation: Fault(500)) as proxy,
        pytest.raises(GraphQLClientHttpError) as caught,
    ):
        traverse(flavour, proxy.url, headers=shared_server.auth)
    assert caught.value.status_code == 500
    assert "HTTP 500" in str(caught.value)
    assert proxy.url in str(caught.value)
    assert "injected 500" in str(caught.value)  # the start of the body
    assert len(proxy.events) == 1


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_wrong_static_token_raises_an_http_401_error(
    shared_server: Server, flavour: Flavour
) -> None:
    with pytest.raises(GraphQLClientHttpError) as caught:
        traverse(flavour, shared_server, headers={"Authorization": "Bearer wrong"})
    assert caught.value.status_code == 401
    assert "HTTP 401" in str(caught.value)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"neither": "data nor errors"}),
    ],
)
def test_a_body_that_is_not_a_graphql_response_raises_an_invalid_response_error(
    response: httpx.Response,
) -> None:
    transport = httpx.MockTransport(lambda request: response)
    with pytest.raises(GraphQLClientInvalidResponseError) as caught:
        traverse("sync", MOCK_URL, transport=transport)
    assert "HTTP 200" in str(caught.value)


def test_the_same_client_works_after_an_error() -> None:
    answers = iter(
        [
            httpx.Response(200, json={"errors": [{"message": "boom", "path": ["certificates"]}]}),
            httpx.Response(200, json={"data": {"certificates": None}}),
        ]
    )
    transport = httpx.MockTransport(lambda request: next(answers))
    with setup_for(MOCK_URL, transport=transport).sync() as client:
        with pytest.raises(GraphQLClientGraphQLMultiError):
            client.list_certificates(first=1)
        assert client.list_certificates(first=1).certificates is None
