"""The reference server against hostile requests: `last` over the window, out-of-range
dates, expensive documents and clients that hang up. Real HTTP to the real server."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query

from codegen.server.cost import MAX_COST, MAX_ROOT_FIELDS, MAX_TOKENS

from .reference import CERTIFICATES, REPO, Server, graphql, list_edges
from .test_paging import ids_of, page

# --- EdgesToReturn when `last` is larger than the window ---------------------------------


@pytest.fixture(scope="module")
def cursors(shared_server: Server) -> list[str]:
    async def run() -> list[str]:
        async with shared_server.client() as client:
            return [edge.cursor for edge in await list_edges(client)]

    return asyncio.run(run())


# (first, after index, last, before index) -> (slice of the ids, hasNextPage, hasPreviousPage);
# every case has `last` larger than the edges EdgesToReturn has left when it applies `last`.
LAST_OVER_THE_WINDOW: dict[str, tuple[tuple[Any, ...], tuple[int, int, bool, bool]]] = {
    "first 3, last 5": ((3, None, 5, None), (0, 3, True, True)),
    "first 10, last 50": ((10, None, 50, None), (0, 10, True, True)),
    "first 3, last 5, after": ((3, 10, 5, None), (11, 14, True, True)),
    "first 3, last 5, before": ((3, None, 5, 10), (0, 3, True, True)),
    "first 3, last 5, after and before": ((3, 10, 5, 12), (11, 12, False, False)),
    "first 0, last 5": ((0, None, 5, None), (0, 0, True, True)),
    "last 5, after": (
        (None, CERTIFICATES - 3, 5, None),
        (CERTIFICATES - 2, CERTIFICATES, False, False),
    ),
    "last 5, before": ((None, None, 5, 2), (0, 2, False, False)),
    "last 5, after and before": ((None, 10, 5, 13), (11, 13, False, False)),
    "last 50, after": ((None, 100, 50, None), (101, CERTIFICATES, False, False)),
    "last 5, empty window": ((None, 10, 5, 11), (11, 11, False, False)),
}


@pytest.mark.parametrize("case", sorted(LAST_OVER_THE_WINDOW))
def test_last_larger_than_the_window_returns_the_whole_window_without_wrapping(
    shared_server: Server, cursors: list[str], case: str
) -> None:
    (first, after, last, before), (start, end, has_next, has_previous) = LAST_OVER_THE_WINDOW[case]
    arguments: dict[str, Any] = {"first": first, "last": last}
    if after is not None:
        arguments["after"] = cursors[after]
    if before is not None:
        arguments["before"] = cursors[before]
    connection = page(shared_server, **arguments)
    assert ids_of(connection) == shared_server.certificate_ids[start:end]
    assert connection["pageInfo"]["hasNextPage"] is has_next
    assert connection["pageInfo"]["hasPreviousPage"] is has_previous


# --- issueDate out of range -----------------------------------------------------------------

ISSUE = """
mutation Issue($id: UUID!, $users: [UUID!]!, $date: DateTime) {
  generateCertificate(id: $id, userIds: $users, issueDate: $date) {
    bulkGenerate { succeededIds failedIds }
  }
}
"""
ITEMS = "query Items($user: UUID) { portfolioItems(userId: $user) { id startDate } }"


def _items(server: Server, user: uuid.UUID | None) -> list[Any]:
    response = graphql(server, ITEMS, {"user": None if user is None else str(user)})
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["data"]["portfolioItems"]
    return items


@pytest.mark.parametrize("date", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_an_issue_date_outside_the_utc_years_is_refused_and_nothing_is_stored(
    shared_server: Server, date: str
) -> None:
    # When the fix holds nothing is stored, so the module's shared server can serve.
    user = shared_server.user_ids[0]
    before, everyone = _items(shared_server, user), _items(shared_server, None)
    variables = {"id": str(shared_server.certificate_ids[0]), "users": [str(user)], "date": date}
    response = graphql(shared_server, ISSUE, variables)
    body = response.json()
    (error,) = body["errors"]
    assert "`issueDate`" in error["message"] and "out of range" in error["message"]
    assert error["path"] == ["generateCertificate"]
    assert body["data"] in (None, {"generateCertificate": None})
    assert _items(shared_server, user) == before
    assert _items(shared_server, None) == everyone


# --- the query cost limit --------------------------------------------------------------------


def _aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: certificates(first: 1) {{ count }}" for i in range(count)) + " }"


def test_a_document_of_thousands_of_aliases_is_refused_at_once_and_stalls_no_one(
    shared_server: Server,
) -> None:
    document = _aliases(22_823)
    assert len(document) < 1024 * 1024  # under the body limit: the cost limit must refuse it
    # Side by side with a cheap request: both answered. How long each takes is measured
    # by benchmarks/bench_query_cost.py, not asserted on this shared machine's clock.
    answers: dict[str, Any] = {}

    def expensive() -> None:
        answers["expensive"] = graphql(shared_server, document)

    thread = threading.Thread(target=expensive)
    thread.start()
    cheap = graphql(shared_server, "{ __typename }")
    thread.join()
    refused = answers["expensive"]
    assert refused.status_code == 400
    (error,) = refused.json()["errors"]
    assert f"more than {MAX_TOKENS} tokens" in error["message"]
    assert cheap.status_code == 200 and cheap.json() == {"data": {"__typename": "Query"}}


def test_more_root_fields_than_the_limit_are_refused_before_executing(
    shared_server: Server,
) -> None:
    response = graphql(shared_server, _aliases(MAX_ROOT_FIELDS + 1))
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body or body["data"] is None
    (error,) = body["errors"]
    assert error["message"] == (
        f"The operation asks for {MAX_ROOT_FIELDS + 1} root fields (aliases included); "
        f"at most {MAX_ROOT_FIELDS} are allowed in one request."
    )
    assert graphql(shared_server, _aliases(MAX_ROOT_FIELDS)).status_code == 200


def test_root_fields_behind_fragments_count_too(shared_server: Server) -> None:
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(20))
    document = f"query {{ ...F0 }} {fragments} fragment F20 on Query {{ certificates {{ count }} }}"
    response = graphql(shared_server, document)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert f"at most {MAX_ROOT_FIELDS} are allowed" in error["message"]


def test_a_response_estimated_over_the_cost_limit_is_refused(shared_server: Server) -> None:
    fields = " ".join(f"x{i}: id" for i in range(MAX_COST // 50))
    response = graphql(shared_server, f"{{ certificates {{ edges {{ node {{ {fields} }} }} }} }}")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert "too expensive" in error["message"] and f"at most {MAX_COST}" in error["message"]
    # The same selection on a page of 10 is within the limit.
    small = graphql(
        shared_server, f"{{ certificates(first: 10) {{ edges {{ node {{ {fields} }} }} }} }}"
    )
    assert small.status_code == 200 and "errors" not in small.json()


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(get_introspection_query(), id="introspection"),
        *(
            pytest.param(path.read_text(encoding="utf-8"), id=path.stem)
            for path in sorted((REPO / "queries").glob("*.graphql"))
            if "mutation" not in path.read_text(encoding="utf-8")
        ),
    ],
)
def test_the_clients_own_documents_and_introspection_are_within_the_limits(
    shared_server: Server, document: str
) -> None:
    response = graphql(shared_server, document, {"first": 50, "last": 50})
    assert response.status_code == 200, response.text
    assert "errors" not in response.json()


# --- a client that hangs up mid-body ----------------------------------------------------------


def test_a_client_that_disconnects_mid_body_costs_one_log_line_at_most(
    shared_server: Server,
) -> None:
    url = httpx.URL(shared_server.url)
    before = shared_server.stderr()
    aborts = 5
    for _ in range(aborts):
        with socket.create_connection((url.host, url.port or 80), timeout=5) as raw:
            raw.sendall(
                (
                    f"POST {url.raw_path.decode()} HTTP/1.1\r\nHost: {url.host}\r\n"
                    f"Authorization: Bearer {shared_server.token}\r\n"
                    "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                    '{"query": "{ __typ'
                ).encode()
            )
            time.sleep(0.05)  # the server is reading the body
    # The server is still fine, and has logged what it had to say by now.
    assert graphql(shared_server, "{ __typename }").status_code == 200
    added = shared_server.stderr()[len(before) :]
    assert "Traceback" not in added
    lines = added.splitlines()
    assert len(lines) <= aborts
    assert all("disconnected before its request body was read" in line for line in lines), added
