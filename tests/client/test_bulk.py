"""`issue_certificate`: deduplicated, batched, summed up, with progress, against the server."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server.reference import Server, ServerPool, ServerProcess

from pluvo_client import BulkProgress, Client

from .support import FLAVOURS, Flavour, Recorder, issue, items_per_user

KNOWN = 600
UNKNOWN = 400
BATCH = 100
MOCK_URL = "http://pluvo.test/graphql/"


@pytest.fixture(scope="module")
def crowded_server(
    tmp_path_factory: pytest.TempPathFactory, servers: ServerPool
) -> Iterator[Server]:
    """A server of this module's own, with 600 users."""
    directory: Path = tmp_path_factory.mktemp("crowded")
    process = ServerProcess(directory, "--certificates", "20", "--users", str(KNOWN), "--seed", "3")
    try:
        yield process.ready()
    finally:
        servers.retire(process)


def thousand_ids(server: Server) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """1,000 distinct ids (600 known, 400 unknown, shuffled), and a request with repeats.

    Every repeat comes after the id's first appearance, so the first-seen order
    of the request is the order of the distinct ids.
    """
    rng = random.Random(1000)
    distinct = [*server.user_ids, *(uuid.UUID(int=rng.getrandbits(128)) for _ in range(UNKNOWN))]
    rng.shuffle(distinct)
    requested: list[uuid.UUID] = []
    for position, user in enumerate(distinct):
        requested.append(user)
        if position % 9 == 0:
            requested.append(distinct[position // 2])
    assert len(set(distinct)) == KNOWN + UNKNOWN
    return distinct, requested


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_thousand_user_issuance_is_sent_in_batches_of_100_and_partitioned_exactly(
    crowded_server: Server, flavour: Flavour
) -> None:
    server = crowded_server
    distinct, requested = thousand_ids(server)
    known = set(server.user_ids)
    template = server.certificate_ids[4]
    before = items_per_user(server)
    recorder = Recorder()
    progress: list[tuple[int, int, int, int, int, int]] = []

    def on_progress(step: BulkProgress) -> None:
        done = step.result
        progress.append(
            (
                step.batches_done,
                step.batches_total,
                step.ids_done,
                step.ids_total,
                len(done.succeeded_ids),
                len(done.failed_ids),
            )
        )

    result = issue(
        flavour,
        server,
        template,
        requested,
        batch_size=BATCH,
        on_progress=on_progress,
        title=f"Bulk {flavour}",
        recorder=recorder,
    )

    assert result.succeeded_ids == [u for u in distinct if u in known]
    assert result.failed_ids == [u for u in distinct if u not in known]
    assert result.unknown_ids == []

    sent = recorder.graphql("GenerateCertificate")
    assert len(sent) == 10 == -(-len(distinct) // BATCH)
    assert [len(b["variables"]["userIds"]) for b in sent] == [BATCH] * 10
    assert [uuid.UUID(u) for b in sent for u in b["variables"]["userIds"]] == distinct
    assert {b["variables"]["id"] for b in sent} == {str(template)}

    assert [p[:4] for p in progress] == [(k, 10, k * BATCH, 1000) for k in range(1, 11)]
    succeeded_so_far = [p[4] for p in progress]
    failed_so_far = [p[5] for p in progress]
    assert succeeded_so_far == sorted(succeeded_so_far)
    assert failed_so_far == sorted(failed_so_far)
    assert [s + f for s, f in zip(succeeded_so_far, failed_so_far, strict=True)] == [
        k * BATCH for k in range(1, 11)
    ]
    assert progress[-1][4:] == (KNOWN, UNKNOWN)

    after = items_per_user(server)
    assert {user: after[user] - before[user] for user in server.user_ids} == dict.fromkeys(
        server.user_ids, 1
    )


def test_each_issued_item_carries_the_title_of_its_issuance(crowded_server: Server) -> None:
    server = crowded_server
    chosen = server.user_ids[:3]
    result = issue("sync", server, server.certificate_ids[0], chosen, title="Only three")
    assert result.succeeded_ids == chosen
    with Client(url=server.url, headers=server.auth) as client:
        for user in chosen:
            titles = [i.title for i in client.portfolio_items(user_id=user).portfolio_items]
            assert titles.count("Only three") == 1


def mock_generate(calls: list[list[str]]) -> httpx.MockTransport:
    """A generateCertificate that succeeds for every id, recording each batch."""

    def handler(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["variables"]["userIds"]
        calls.append(ids)
        payload = {"bulkGenerate": {"succeededIds": ids, "failedIds": []}}
        return httpx.Response(200, json={"data": {"generateCertificate": payload}})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_issuance_to_nobody_sends_nothing_and_reports_nothing(flavour: Flavour) -> None:
    calls: list[list[str]] = []
    progress: list[BulkProgress] = []
    transport = mock_generate(calls)
    result = issue(
        flavour, MOCK_URL, uuid.uuid4(), [], on_progress=progress.append, transport=transport
    )
    assert (result.succeeded_ids, result.failed_ids, result.unknown_ids) == ([], [], [])
    assert calls == []
    assert progress == []


@pytest.mark.parametrize("batch_size", [0, -5])
def test_a_batch_size_below_one_is_refused_before_anything_is_sent(batch_size: int) -> None:
    calls: list[list[str]] = []
    transport = mock_generate(calls)
    with pytest.raises(ValueError, match="batch_size"):
        issue(
            "sync",
            MOCK_URL,
            uuid.uuid4(),
            [uuid.uuid4()],
            batch_size=batch_size,
            transport=transport,
        )
    assert calls == []


def test_duplicates_collapse_before_batching_so_no_batch_repeats_an_id() -> None:
    a, b, c = (uuid.UUID(int=n) for n in (1, 2, 3))
    calls: list[list[str]] = []
    requested = [a, a, b, a, c, b, c]
    transport = mock_generate(calls)
    result = issue("sync", MOCK_URL, uuid.uuid4(), requested, batch_size=2, transport=transport)
    assert calls == [[str(a), str(b)], [str(c)]]
    assert result.succeeded_ids == [a, b, c]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_batch_answered_without_a_result_is_reported_unknown(flavour: Flavour) -> None:
    users = [uuid.UUID(int=n) for n in range(1, 6)]
    answered = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal answered
        answered += 1
        ids = json.loads(request.content)["variables"]["userIds"]
        if answered == 1:
            return httpx.Response(200, json={"data": {"generateCertificate": None}})
        payload = {"bulkGenerate": {"succeededIds": ids[:1], "failedIds": ids[1:]}}
        return httpx.Response(200, json={"data": {"generateCertificate": payload}})

    transport = httpx.MockTransport(handler)
    result = issue(flavour, MOCK_URL, uuid.uuid4(), users, batch_size=2, transport=transport)
    assert result.unknown_ids == users[:2]
    assert result.succeeded_ids == [users[2], users[4]]
    assert result.failed_ids == [users[3]]
    assert answered == 3
