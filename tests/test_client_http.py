"""The generated client, imported and called over real HTTP on loopback."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from loopback_server import Store, make_store, serve
from pluvo_client import AsyncClient
from pluvo_client.exceptions import GraphQLClientGraphQLMultiError


@pytest.fixture
def store() -> Store:
    return make_store(certificates=23, users=3)


@pytest.fixture
def url(store: Store) -> Iterator[str]:
    with serve(store) as address:
        yield address


async def page_forward(client: AsyncClient, size: int) -> list[uuid.UUID]:
    seen: list[uuid.UUID] = []
    after: str | None = None
    while True:
        page = await client.list_certificates(first=size, after=after)
        assert page.certificates is not None
        assert page.certificates.count == 23
        seen += [e.node.id for e in page.certificates.edges if e is not None and e.node is not None]
        if not page.certificates.page_info.has_next_page:
            return seen
        after = page.certificates.page_info.end_cursor


async def page_backward(client: AsyncClient, size: int) -> list[uuid.UUID]:
    seen: list[uuid.UUID] = []
    before: str | None = None
    while True:
        page = await client.list_certificates_backward(last=size, before=before)
        assert page.certificates is not None
        nodes = [e.node.id for e in page.certificates.edges if e is not None and e.node is not None]
        seen = nodes + seen
        if not page.certificates.page_info.has_previous_page:
            return seen
        before = page.certificates.page_info.start_cursor


@pytest.mark.parametrize("size", [1, 5, 23, 50])
def test_paging_forward_and_backward_yields_every_certificate_once(
    url: str, store: Store, size: int
) -> None:
    async def run() -> tuple[list[uuid.UUID], list[uuid.UUID]]:
        async with AsyncClient(url=url) as client:
            return await page_forward(client, size), await page_backward(client, size)

    forward, backward = asyncio.run(run())
    assert forward == [c["id"] for c in store.certificates]
    assert backward == forward


def test_a_null_title_arrives_as_none_and_uuids_as_uuid_objects(url: str) -> None:
    async def run() -> None:
        async with AsyncClient(url=url) as client:
            page = await client.list_certificates(first=2)
            assert page.certificates is not None
            first, second = (e.node for e in page.certificates.edges if e is not None)
            assert first is not None and second is not None
            assert first.id == uuid.UUID(int=1000) and first.title is None
            assert second.title == "Title 1"

    asyncio.run(run())


def test_the_mutation_and_both_scalars_round_trip(url: str, store: Store) -> None:
    issued = datetime(2024, 1, 1, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    training = uuid.uuid4()
    unknown = uuid.uuid4()

    async def run() -> None:
        async with AsyncClient(url=url) as client:
            result = await client.generate_certificate(
                id=uuid.UUID(int=1001),
                user_ids=[uuid.UUID(int=1), unknown, uuid.UUID(int=2), uuid.UUID(int=1)],
                title="Project Management",
                training_id=training,
                issue_date=issued,
            )
            bulk = result.generate_certificate
            assert bulk is not None
            assert bulk.bulk_generate.succeeded_ids == [uuid.UUID(int=1), uuid.UUID(int=2)]
            assert bulk.bulk_generate.failed_ids == [unknown]
            items = (await client.portfolio_items(user_id=uuid.UUID(int=2))).portfolio_items
            assert [i.title for i in items] == ["Project Management"]
            assert items[0].start_date == issued
            assert items[0].start_date.tzinfo is not None
            assert items[0].user.id == uuid.UUID(int=2)

    asyncio.run(run())
    sent = store.requests[0]["variables"]
    assert sent["issueDate"] == "2024-01-01T08:30:00Z"
    assert sent["trainingId"] == str(training)
    assert sent["userIds"][1] == str(unknown)


def test_a_date_only_start_date_parses_as_midnight_utc(url: str, store: Store) -> None:
    store.date_only = True

    async def run() -> None:
        async with AsyncClient(url=url) as client:
            await client.generate_certificate(
                id=uuid.UUID(int=1000),
                user_ids=[uuid.UUID(int=3)],
                issue_date=datetime(2023, 8, 5, 15, tzinfo=UTC),
            )
            (item,) = (await client.portfolio_items(user_id=uuid.UUID(int=3))).portfolio_items
            assert item.start_date == datetime(2023, 8, 5, tzinfo=UTC)
            assert item.title == "Certificate 000"

    asyncio.run(run())


def test_left_out_arguments_are_not_sent(url: str, store: Store) -> None:
    async def run() -> None:
        async with AsyncClient(url=url) as client:
            await client.generate_certificate(id=uuid.UUID(int=1000), user_ids=[])

    asyncio.run(run())
    assert store.requests[0]["variables"] == {"id": str(uuid.UUID(int=1000)), "userIds": []}


def test_a_graphql_error_is_raised_with_its_message_and_path(url: str) -> None:
    async def run() -> None:
        async with AsyncClient(url=url) as client:
            await client.generate_certificate(id=uuid.uuid4(), user_ids=[uuid.UUID(int=1)])

    with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
        asyncio.run(run())
    (error,) = caught.value.errors
    assert "does not exist" in error.message
    assert error.path == ["generateCertificate"]


def test_a_naive_issue_date_is_refused_before_anything_is_sent(url: str, store: Store) -> None:
    async def run() -> None:
        async with AsyncClient(url=url) as client:
            await client.generate_certificate(
                id=uuid.UUID(int=1000), user_ids=[], issue_date=datetime(2024, 1, 1)
            )

    with pytest.raises(ValueError, match="naive datetime"):
        asyncio.run(run())
    assert store.requests == []
