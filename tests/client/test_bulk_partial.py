"""A batch that fails after others went through keeps their outcome in the error."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import pytest

from pluvo_client import AsyncClient, BulkIssueError, Client, GraphQLClientGraphQLMultiError

TEMPLATE = uuid.UUID(int=7)
USERS = [uuid.UUID(int=i) for i in range(1, 6)]


def second_batch_fails(request: httpx.Request) -> httpx.Response:
    """Batches of two: the first succeeds for everyone, the second gets a GraphQL error."""
    ids = json.loads(request.content)["variables"]["userIds"]
    if ids[0] == str(USERS[0]):
        bulk = {"succeededIds": ids, "failedIds": []}
        return httpx.Response(200, json={"data": {"generateCertificate": {"bulkGenerate": bulk}}})
    return httpx.Response(200, json={"data": None, "errors": [{"message": "rate plan exceeded"}]})


def test_a_later_batch_failure_keeps_the_earlier_batches_outcome() -> None:
    transport = httpx.MockTransport(second_batch_fails)
    with (
        Client(
            url="http://pluvo.test/graphql/", http_client=httpx.Client(transport=transport)
        ) as c,
        pytest.raises(BulkIssueError) as caught,
    ):
        c.issue_certificate(TEMPLATE, USERS, batch_size=2)
    assert caught.value.result.succeeded_ids == USERS[:2]
    assert caught.value.result.failed_ids == [] and caught.value.result.unknown_ids == []
    assert isinstance(caught.value.__cause__, GraphQLClientGraphQLMultiError)
    assert "rate plan exceeded" in str(caught.value)


def test_a_later_batch_failure_keeps_the_earlier_batches_outcome_async() -> None:
    transport = httpx.MockTransport(second_batch_fails)

    async def run() -> None:
        http = httpx.AsyncClient(transport=transport)
        async with AsyncClient(url="http://pluvo.test/graphql/", http_client=http) as client:
            await client.issue_certificate(TEMPLATE, USERS, batch_size=2)
        await http.aclose()

    with pytest.raises(BulkIssueError) as caught:
        asyncio.run(run())
    assert caught.value.result.succeeded_ids == USERS[:2]


def test_a_first_batch_failure_raises_the_error_itself() -> None:
    transport = httpx.MockTransport(second_batch_fails)
    with (
        Client(
            url="http://pluvo.test/graphql/", http_client=httpx.Client(transport=transport)
        ) as c,
        pytest.raises(GraphQLClientGraphQLMultiError),
    ):
        c.issue_certificate(TEMPLATE, USERS[2:], batch_size=2)
