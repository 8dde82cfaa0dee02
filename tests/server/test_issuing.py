"""`generateCertificate` and `portfolioItems`: each test issues on a server of its own."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pluvo_client.exceptions import GraphQLClientGraphQLMultiError
from pluvo_client.list_certificates import ListCertificatesCertificatesEdgesNode

from .reference import Server, issue, list_edges


async def templates(server: Server) -> list[ListCertificatesCertificatesEdgesNode]:
    async with server.client() as client:
        return [edge.node for edge in await list_edges(client) if edge.node is not None]


def template_with_title(server: Server, *, titled: bool) -> ListCertificatesCertificatesEdgesNode:
    """The first template (fetched through the API) that has, or has not, a title."""
    nodes = asyncio.run(templates(server))
    found = [node for node in nodes if (node.title is not None) is titled]
    assert found, f"the seed data has no template {'with' if titled else 'without'} a title"
    return found[0]


def test_an_unknown_template_is_a_graphql_error_and_issues_nothing(fresh_server: Server) -> None:
    template = fresh_server.certificate_ids[0]
    users = fresh_server.user_ids[:3]
    unknown = uuid.uuid4()

    async def run() -> None:
        async with fresh_server.client() as client:
            await issue(client, template, users[:1])
            before = (await client.portfolio_items()).portfolio_items
            with pytest.raises(GraphQLClientGraphQLMultiError) as caught:
                await issue(client, unknown, users)
            (error,) = caught.value.errors
            assert error.path == ["generateCertificate"]
            assert str(unknown) in error.message
            after = (await client.portfolio_items()).portfolio_items
            assert len(before) == 1
            assert after == before

    asyncio.run(run())


def test_known_users_succeed_once_each_in_input_order_and_unknown_ones_fail_once(
    fresh_server: Server,
) -> None:
    u0, u1, u2, u3 = fresh_server.user_ids[:4]
    x, y = uuid.uuid4(), uuid.uuid4()

    async def run() -> tuple[list[uuid.UUID], list[uuid.UUID]]:
        async with fresh_server.client() as client:
            return await issue(client, fresh_server.certificate_ids[5], [u2, x, u0, u2, x, u3, y])

    succeeded, failed = asyncio.run(run())
    assert succeeded == [u2, u0, u3]
    assert failed == [x, y]
    assert u1 not in succeeded


def test_each_succeeded_user_gets_exactly_one_item_titled_with_the_title_argument(
    fresh_server: Server,
) -> None:
    users = fresh_server.user_ids
    chosen = [users[3], users[1], users[3]]

    async def run() -> None:
        async with fresh_server.client() as client:
            await issue(client, fresh_server.certificate_ids[0], chosen, title="Forklift 2024")
            for user in users:
                items = (await client.portfolio_items(user_id=user)).portfolio_items
                if user in chosen:
                    assert [item.title for item in items] == ["Forklift 2024"]
                    assert items[0].user.id == user
                    assert items[0].end_date is None
                else:
                    assert items == []

    asyncio.run(run())


@pytest.mark.parametrize("titled", [True, False], ids=["template title", "template name"])
def test_without_a_title_argument_the_item_takes_the_template_title_else_its_name(
    fresh_server: Server, titled: bool
) -> None:
    template = template_with_title(fresh_server, titled=titled)
    user = fresh_server.user_ids[0]

    async def run() -> list[str]:
        async with fresh_server.client() as client:
            assert await issue(client, template.id, [user]) == ([user], [])
            return [i.title for i in (await client.portfolio_items(user_id=user)).portfolio_items]

    expected = template.title if titled else template.name
    assert expected is not None
    assert asyncio.run(run()) == [expected]


def test_an_issue_date_with_an_offset_comes_back_as_the_same_instant(fresh_server: Server) -> None:
    issued = datetime(2024, 3, 1, 9, 30, 15, tzinfo=timezone(timedelta(hours=-5)))
    user = fresh_server.user_ids[2]

    async def run() -> datetime:
        async with fresh_server.client() as client:
            await issue(client, fresh_server.certificate_ids[1], [user], issue_date=issued)
            (item,) = (await client.portfolio_items(user_id=user)).portfolio_items
            return item.start_date

    start = asyncio.run(run())
    assert start == issued
    assert start.utcoffset() is not None
    assert start.astimezone(UTC) == datetime(2024, 3, 1, 14, 30, 15, tzinfo=UTC)


def test_without_an_issue_date_the_start_date_is_now(fresh_server: Server) -> None:
    user = fresh_server.user_ids[4]

    async def run() -> tuple[datetime, datetime | None]:
        async with fresh_server.client() as client:
            await issue(client, fresh_server.certificate_ids[2], [user])
            (item,) = (await client.portfolio_items(user_id=user)).portfolio_items
            return item.start_date, item.created_at

    before = datetime.now(UTC)
    start, created = asyncio.run(run())
    after = datetime.now(UTC)
    slack = timedelta(seconds=2)
    assert before - slack <= start <= after + slack
    assert created is not None and before - slack <= created <= after + slack


def test_an_empty_user_list_returns_two_empty_lists_and_issues_nothing(
    fresh_server: Server,
) -> None:
    async def run() -> None:
        async with fresh_server.client() as client:
            assert await issue(client, fresh_server.certificate_ids[0], []) == ([], [])
            assert (await client.portfolio_items()).portfolio_items == []

    asyncio.run(run())


def test_portfolio_items_are_filtered_by_user_and_without_a_user_are_everyones(
    fresh_server: Server,
) -> None:
    u0, u1, u2 = fresh_server.user_ids[:3]
    first, second = fresh_server.certificate_ids[:2]

    async def run() -> None:
        async with fresh_server.client() as client:
            await issue(client, first, [u0, u1], title="A")
            await issue(client, second, [u1, u2], title="B")
            everyone = (await client.portfolio_items()).portfolio_items
            assert sorted((i.user.id, i.title) for i in everyone) == sorted(
                [(u0, "A"), (u1, "A"), (u1, "B"), (u2, "B")]
            )
            assert len({i.id for i in everyone}) == 4
            of_u1 = (await client.portfolio_items(user_id=u1)).portfolio_items
            assert [(i.user.id, i.title) for i in of_u1] == [(u1, "A"), (u1, "B")]
            assert (await client.portfolio_items(user_id=uuid.uuid4())).portfolio_items == []

    asyncio.run(run())
