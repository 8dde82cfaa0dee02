"""Bad requests get a clear 4xx (or a GraphQL error), never a 5xx nor a hang."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .reference import CERTIFICATES, HTTP_TIMEOUT, Server

MAX_BODY = 1024 * 1024
COUNT = {"query": "{ certificates(first: 1) { count } }"}
PORTFOLIO = "query Items($userId: UUID) { portfolioItems(userId: $userId) { id } }"
ISSUE = """
mutation Issue($id: UUID!, $userIds: [UUID!]!, $issueDate: DateTime) {
  generateCertificate(id: $id, userIds: $userIds, issueDate: $issueDate) {
    bulkGenerate { succeededIds failedIds }
  }
}
"""


@pytest.fixture(scope="module")
def http(shared_server: Server) -> Iterator[httpx.Client]:
    """An httpx client with the static token and a timeout, so that a hang fails the test."""
    with httpx.Client(headers=shared_server.auth, timeout=HTTP_TIMEOUT) as client:
        yield client


@pytest.fixture(autouse=True)
def server_still_answers(http: httpx.Client, shared_server: Server) -> Iterator[None]:
    """After each bad request, a good one still works: nothing was left broken."""
    yield
    response = http.post(shared_server.url, json=COUNT)
    assert response.status_code == 200
    assert response.json() == {"data": {"certificates": {"count": CERTIFICATES}}}


def post_json_text(http: httpx.Client, server: Server, body: bytes | str) -> httpx.Response:
    return http.post(server.url, content=body, headers={"Content-Type": "application/json"})


def error_message(response: httpx.Response) -> str:
    """The message of a JSON error body, which every 4xx from the server has."""
    assert response.headers["content-type"] == "application/json"
    (error,) = response.json()["errors"]
    message: str = error["message"]
    return message


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"query": ', b'{"query": "\xff"}', b"", b"[" * 100_000 + b"]" * 100_000],
    ids=["text", "truncated", "not utf-8", "empty", "nested too deeply"],
)
def test_a_body_that_is_not_json_is_400(
    http: httpx.Client, shared_server: Server, body: bytes
) -> None:
    response = post_json_text(http, shared_server, body)
    assert response.status_code == 400
    assert "not valid JSON" in error_message(response)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([], "JSON object"),
        ("query", "JSON object"),
        ({}, "query"),
        ({"query": 5}, "query"),
        ({"query": COUNT["query"], "variables": []}, "variables"),
        ({"query": COUNT["query"], "operationName": 5}, "operation name"),
    ],
    ids=["list", "string", "no query", "query not a string", "variables a list", "bad name"],
)
def test_json_that_is_not_a_graphql_request_is_400(
    http: httpx.Client, shared_server: Server, body: Any, expected: str
) -> None:
    response = post_json_text(http, shared_server, json.dumps(body))
    assert response.status_code == 400
    assert expected in error_message(response)


def oversized_body() -> bytes:
    filler = "a" * (MAX_BODY + 1 - len(json.dumps({"query": ""})))
    body = json.dumps({"query": filler}).encode()
    assert len(body) == MAX_BODY + 1
    return body


def test_a_body_over_1_mib_is_413(http: httpx.Client, shared_server: Server) -> None:
    response = post_json_text(http, shared_server, oversized_body())
    assert response.status_code == 413
    assert str(MAX_BODY) in error_message(response)


def test_a_chunked_body_over_1_mib_is_413(http: httpx.Client, shared_server: Server) -> None:
    body = oversized_body()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    response = http.post(
        shared_server.url, content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


def test_a_body_of_exactly_1_mib_is_read(http: httpx.Client, shared_server: Server) -> None:
    filler = " " * (MAX_BODY - len(json.dumps(COUNT)))
    body = (json.dumps(COUNT) + filler).encode()
    assert len(body) == MAX_BODY
    response = post_json_text(http, shared_server, body)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/graphql", None]
)
def test_a_content_type_other_than_json_is_415(
    http: httpx.Client, shared_server: Server, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = http.post(shared_server.url, content=json.dumps(COUNT).encode(), headers=headers)
    assert response.request.headers.get("content-type") == content_type
    assert response.status_code == 415
    assert "application/json" in error_message(response)


def test_json_with_a_charset_parameter_is_accepted(
    http: httpx.Client, shared_server: Server
) -> None:
    response = http.post(
        shared_server.url,
        content=json.dumps(COUNT),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200


def assert_variable_error(response: httpx.Response, variable: str, scalar: str) -> None:
    """A 400 whose GraphQL error names the variable and its type, at its location."""
    assert response.status_code == 400
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert f"${variable}" in error["message"] and scalar in error["message"]
    assert error["locations"]


@pytest.mark.parametrize(
    "value", ["not-a-uuid", "1234", "", 5, ["00000000-0000-0000-0000-000000000000"]]
)
def test_a_bad_uuid_variable_is_a_graphql_error_with_status_400(
    http: httpx.Client, shared_server: Server, value: Any
) -> None:
    response = http.post(
        shared_server.url, json={"query": PORTFOLIO, "variables": {"userId": value}}
    )
    assert_variable_error(response, "userId", "UUID")


@pytest.mark.parametrize(
    "value", ["yesterday", "2024-13-01T00:00:00Z", "2024-02-30", "", 1700000000, True]
)
def test_a_bad_datetime_variable_is_a_graphql_error_with_status_400(
    http: httpx.Client, shared_server: Server, value: Any
) -> None:
    variables = {
        # No such template: should the date ever pass, nothing is issued on the shared server.
        "id": str(uuid.UUID(int=0)),
        "userIds": [str(shared_server.user_ids[0])],
        "issueDate": value,
    }
    response = http.post(shared_server.url, json={"query": ISSUE, "variables": variables})
    assert_variable_error(response, "issueDate", "DateTime")


def test_get_on_graphql_is_405(http: httpx.Client, shared_server: Server) -> None:
    response = http.get(shared_server.url, params={"query": COUNT["query"]})
    assert response.status_code == 405


def test_graphql_without_the_trailing_slash_is_404_not_a_redirect(
    http: httpx.Client, shared_server: Server
) -> None:
    assert shared_server.url.endswith("/graphql/")
    response = http.post(shared_server.url.rstrip("/"), json=COUNT)
    assert response.status_code == 404
    assert "location" not in response.headers


def test_an_unknown_field_is_a_graphql_error_with_its_location(
    http: httpx.Client, shared_server: Server
) -> None:
    response = http.post(shared_server.url, json={"query": "{ certificates { total } }"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert "total" in error["message"]
    assert error["locations"] == [{"line": 1, "column": 18}]
