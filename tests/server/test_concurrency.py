"""Many clients issuing at once: every item is stored exactly once."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from .reference import Server, issue

CLIENTS = 10
CALLS_PER_CLIENT = 5


def users_for(server: Server, client: int, call: int) -> list[uuid.UUID]:
    """An overlapping window of users, with a repeat and an unknown id in it."""
    users = server.user_ids
    start = (client * 3 + call) % len(users)
    window = [users[(start + k) % len(users)] for k in range(4)]
    return [*window, window[0], uuid.UUID(int=client * 100 + call)]


def test_concurrent_clients_issuing_to_overlapping_users_lose_and_duplicate_nothing(
    fresh_server: Server,
) -> None:
    server = fresh_server
    templates = server.certificate_ids

    async def one_client(number: int) -> list[tuple[list[uuid.UUID], list[uuid.UUID]]]:
        results = []
        async with server.client() as client:
            for call in range(CALLS_PER_CLIENT):
                results.append(
                    await issue(
                        client,
                        templates[(number + call) % len(templates)],
                        users_for(server, number, call),
                        title=f"client {number} call {call}",
                    )
                )
                await client.list_certificates(first=5)  # reads in between the writes
        return results

    async def run() -> list[list[tuple[list[uuid.UUID], list[uuid.UUID]]]]:
        return await asyncio.gather(*(one_client(n) for n in range(CLIENTS)))

    results = asyncio.run(run())

    expected: Counter[uuid.UUID] = Counter()
    for number, calls in enumerate(results):
        for call, (succeeded, failed) in enumerate(calls):
            sent = users_for(server, number, call)
            assert succeeded == sent[:4]
            assert failed == [sent[-1]]
            expected.update(succeeded)

    async def read() -> list[tuple[uuid.UUID, str]]:
        async with server.client() as client:
            items = (await client.portfolio_items()).portfolio_items
            for user in server.user_ids:
                mine = (await client.portfolio_items(user_id=user)).portfolio_items
                assert len(mine) == expected[user]
            return [(item.user.id, item.title) for item in items]

    stored = asyncio.run(read())
    assert Counter(user for user, _ in stored) == expected
    assert sum(expected.values()) == CLIENTS * CALLS_PER_CLIENT * 4
    # One item per user per call: no (user, call) pair is stored twice.
    assert len(set(stored)) == len(stored)
