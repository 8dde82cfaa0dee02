"""Retries: queries on 429/502/503/504 and connection errors; mutations only where the server
cannot have acted. Real HTTP through a faulty proxy, and unit tests on a mock transport."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, Literal

import httpx
import pytest
from server.reference import Server

from pluvo_client import NO_RETRY, BulkProgress, GraphQLClientHttpError, IssueResult, RetryPolicy

from .support import (
    FLAVOURS,
    Fault,
    Flavour,
    Recorder,
    Setup,
    closed_port_url,
    faulty_proxy,
    issue,
    items_per_user,
    setup_for,
    traverse,
)

MOCK_URL = "http://pluvo.test/graphql/"
QUICK = RetryPolicy(backoff=0.001, max_backoff=0.01)


# --- real HTTP, through the faulty proxy --------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_traversal_completes_despite_injected_429s_and_503s(
    shared_server: Server, flavour: Flavour
) -> None:
    pattern = [
        Fault(429, retry_after="0"),
        None,
        Fault(503),
        None,
        Fault(503, after_forwarding=True),  # the server answered; a query may be re-sent
        Fault(502),
        None,
    ]

    def plan(number: int, operation: str | None) -> Fault | None:
        return pattern[(number - 1) % len(pattern)]

    with faulty_proxy(shared_server, plan) as proxy:
        ids = traverse(flavour, proxy.url, page_size=7, headers=shared_server.auth, retry=QUICK)
    assert ids == shared_server.certificate_ids
    pages = -(-len(ids) // 7)
    assert {e.fault.status for e in proxy.faults() if e.fault} == {429, 502, 503}
    assert len(proxy.faults()) >= 10
    late = len([e for e in proxy.faults() if e.fault and e.fault.after_forwarding])
    assert proxy.forwarded("ListCertificates") == pages + late


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_issuance_with_injected_429s_completes_and_issues_no_certificate_twice(
    issuing_server: Server, flavour: Flavour
) -> None:
    server = issuing_server
    unknown = [uuid.UUID(int=n) for n in range(1, 6)]
    distinct = [*server.user_ids[:5], *unknown, *server.user_ids[5:]]
    requested = [*distinct, *server.user_ids[:3], unknown[0]]

    def plan(number: int, operation: str | None) -> Fault | None:
        # Two 429s, then through: every batch is refused twice before it gets in.
        return Fault(429, retry_after="0") if number % 3 != 0 else None

    before = items_per_user(server)
    with faulty_proxy(server, plan) as proxy:
        result = issue(
            flavour,
            proxy.url,
            server.certificate_ids[0],
            requested,
            batch_size=4,
            headers=server.auth,
        )
    assert result.succeeded_ids == server.user_ids
    assert result.failed_ids == unknown
    assert result.unknown_ids == []
    assert proxy.forwarded("GenerateCertificate") == 4
    assert len(proxy.faults(429)) == 8
    after = items_per_user(server)
    assert {u: after[u] - before[u] for u in server.user_ids} == dict.fromkeys(server.user_ids, 1)


def record_sleeps(monkeypatch: pytest.MonkeyPatch, recorder: Recorder) -> list[tuple[float, int]]:
    """The retry waits both clients ask for, recorded instead of waited: each with the
    number of requests sent before it. The runtime's `_sleep` is the one place they wait."""
    import pluvo_client.async_base_client as async_module
    import pluvo_client.base_client as sync_module

    waits: list[tuple[float, int]] = []

    def sleep(seconds: float) -> None:
        waits.append((seconds, len(recorder.requests)))

    async def async_sleep(seconds: float) -> None:
        sleep(seconds)

    monkeypatch.setattr(sync_module, "_sleep", sleep)
    monkeypatch.setattr(async_module, "_sleep", async_sleep)
    return waits


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_retry_after_is_honoured_before_the_request_is_sent_again(
    shared_server: Server, flavour: Flavour, monkeypatch: pytest.MonkeyPatch
) -> None:
    def plan(number: int, operation: str | None) -> Fault | None:
        return Fault(429, retry_after="1") if number == 1 else None

    recorder = Recorder()
    waits = record_sleeps(monkeypatch, recorder)
    with faulty_proxy(shared_server, plan) as proxy:
        ids = traverse(
            flavour, proxy.url, max_items=1, headers=shared_server.auth, recorder=recorder
        )
    assert ids == shared_server.certificate_ids[:1]
    assert recorder.statuses() == [429, 200]
    # One wait of the Retry-After's second, after the 429 and before the request again.
    assert waits == [(1.0, 1)]


def test_the_clients_wait_with_time_sleep_and_asyncio_sleep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pluvo_client.async_base_client import _sleep as async_sleep
    from pluvo_client.base_client import _sleep as sync_sleep

    slept: list[tuple[str, float]] = []

    async def asyncio_sleep(seconds: float) -> None:
        slept.append(("asyncio", seconds))

    monkeypatch.setattr(time, "sleep", lambda seconds: slept.append(("time", seconds)))
    monkeypatch.setattr(asyncio, "sleep", asyncio_sleep)
    sync_sleep(1.5)
    asyncio.run(async_sleep(2.5))
    assert slept == [("time", 1.5), ("asyncio", 2.5)]


@pytest.mark.parametrize("after_forwarding", [True, False])
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_mutation_answered_503_is_not_retried_and_its_ids_are_reported_unknown(
    issuing_server: Server, flavour: Flavour, after_forwarding: bool
) -> None:
    server = issuing_server
    users = server.user_ids[:9]
    batches = [users[0:3], users[3:6], users[6:9]]

    def plan(number: int, operation: str | None) -> Fault | None:
        return Fault(503, after_forwarding=after_forwarding) if number == 2 else None

    progress: list[tuple[int, int, int, int]] = []

    def on_progress(step: BulkProgress) -> None:
        done = step.result
        counts = (len(done.succeeded_ids), len(done.failed_ids), len(done.unknown_ids))
        progress.append((step.batches_done, *counts))

    before = items_per_user(server)
    with faulty_proxy(server, plan) as proxy:
        result = issue(
            flavour,
            proxy.url,
            server.certificate_ids[1],
            users,
            batch_size=3,
            on_progress=on_progress,
            headers=server.auth,
        )
    assert result.succeeded_ids == batches[0] + batches[2]
    assert result.unknown_ids == batches[1]
    assert result.failed_ids == []
    assert progress == [(1, 3, 0, 0), (2, 3, 0, 3), (3, 6, 0, 3)]
    assert len(proxy.events) == 3  # no batch was sent twice
    assert proxy.forwarded("GenerateCertificate") == (3 if after_forwarding else 2)
    after = items_per_user(server)
    issued = {u: after[u] - before[u] for u in users}
    # The unknown batch was issued exactly once if the server saw it, else not at all.
    assert issued == {u: 0 if u in batches[1] and not after_forwarding else 1 for u in users}


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_mutation_whose_connection_is_refused_is_retried_until_attempts_run_out(
    flavour: Flavour,
) -> None:
    recorder = Recorder()
    retry = RetryPolicy(max_attempts=3, backoff=0.001)
    with pytest.raises(httpx.ConnectError):
        generate(flavour, setup_for(closed_port_url(), recorder=recorder, retry=retry))
    assert len(recorder.requests) == 3
    assert {b["operationName"] for b in recorder.graphql()} == {"GenerateCertificate"}


# --- unit tests on a mock transport ----------------------------------------------


Outcome = int | type[httpx.TransportError]


@dataclass
class Script:
    """A mock server that plays `outcomes` (a status or a transport error) in order,
    then answers every request successfully."""

    outcomes: list[Outcome]
    calls: list[str] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.calls.append(body["operationName"])
        if len(self.calls) <= len(self.outcomes):
            outcome = self.outcomes[len(self.calls) - 1]
            if not isinstance(outcome, int):
                raise outcome("scripted failure", request=request)
            return httpx.Response(outcome, json={"error": "scripted"})
        if body["operationName"] == "GenerateCertificate":
            ids = body["variables"]["userIds"]
            bulk = {"bulkGenerate": {"succeededIds": ids, "failedIds": []}}
            return httpx.Response(200, json={"data": {"generateCertificate": bulk}})
        return httpx.Response(200, json={"data": {"certificates": None}})

    def setup(self, retry: RetryPolicy = QUICK) -> Setup:
        return setup_for(MOCK_URL, transport=httpx.MockTransport(self.handler), retry=retry)


def run(flavour: Flavour, setup: Setup, call: Callable[[Any], Any]) -> Any:
    """`call(client)` on the sync client, or awaited on the async one."""
    if flavour == "sync":
        with setup.sync() as client:
            return call(client)

    async def main() -> Any:
        async with setup.async_() as client:
            return await call(client)

    return asyncio.run(main())


def query(flavour: Flavour, setup: Setup) -> Any:
    return run(flavour, setup, lambda client: client.list_certificates(first=1))


USERS = [uuid.UUID(int=n) for n in range(1, 4)]


def generate(flavour: Flavour, setup: Setup) -> Any:
    return run(
        flavour, setup, lambda client: client.generate_certificate(id=uuid.uuid4(), user_ids=USERS)
    )


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("kind", ["query", "mutation"])
def test_a_connection_refused_before_sending_is_retried_for_queries_and_mutations_alike(
    flavour: Flavour, kind: Literal["query", "mutation"]
) -> None:
    script = Script([httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
    if kind == "mutation":
        result = generate(flavour, script.setup())
        assert result.generate_certificate.bulk_generate.succeeded_ids == USERS
    else:
        assert query(flavour, script.setup()).certificates is None
    assert len(script.calls) == 4


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteTimeout]
)
def test_a_query_is_retried_after_a_timeout_or_a_lost_connection(
    flavour: Flavour, error: type[httpx.TransportError]
) -> None:
    script = Script([error])
    assert query(flavour, script.setup()).certificates is None
    assert script.calls == ["ListCertificates", "ListCertificates"]


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("error", [httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError])
def test_a_mutation_is_not_retried_after_a_timeout_or_a_lost_connection(
    flavour: Flavour, error: type[httpx.TransportError]
) -> None:
    script = Script([error])
    with pytest.raises(error):
        generate(flavour, script.setup())
    assert script.calls == ["GenerateCertificate"]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_batch_that_timed_out_is_reported_unknown_and_the_next_batches_still_go_out(
    flavour: Flavour,
) -> None:
    script = Script([httpx.ReadTimeout])
    users = [uuid.UUID(int=n) for n in range(1, 8)]

    def call(client: Any) -> Any:
        return client.issue_certificate(uuid.uuid4(), users, batch_size=3)

    result: IssueResult = run(flavour, script.setup(), call)
    assert result.unknown_ids == users[:3]
    assert result.succeeded_ids == users[3:]
    assert result.failed_ids == []
    assert script.calls == ["GenerateCertificate"] * 3


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
def test_a_batch_that_was_never_sent_raises_instead_of_being_reported_unknown(
    flavour: Flavour, error: type[httpx.TransportError]
) -> None:
    """Nothing was issued, so re-running the issuance is safe: it is an error, not unknown."""
    script = Script([error])
    users = [uuid.UUID(int=n) for n in range(1, 4)]

    def call(client: Any) -> Any:
        return client.issue_certificate(uuid.uuid4(), users, batch_size=3)

    with pytest.raises(error):
        run(flavour, script.setup(NO_RETRY), call)
    assert script.calls == ["GenerateCertificate"]


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    ("status", "retried"), [(429, True), (502, True), (503, True), (504, True), (500, False)]
)
def test_a_query_is_retried_on_429_502_503_and_504_only(
    flavour: Flavour, status: int, retried: bool
) -> None:
    script = Script([status])
    if retried:
        assert query(flavour, script.setup()).certificates is None
    else:
        with pytest.raises(GraphQLClientHttpError):
            query(flavour, script.setup())
    assert len(script.calls) == (2 if retried else 1)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    ("status", "retried"), [(429, True), (500, False), (502, False), (503, False), (504, False)]
)
def test_a_mutation_is_retried_on_429_only(flavour: Flavour, status: int, retried: bool) -> None:
    script = Script([status])
    if retried:
        generate(flavour, script.setup())
    else:
        with pytest.raises(GraphQLClientHttpError) as caught:
            generate(flavour, script.setup())
        assert caught.value.status_code == status
    assert len(script.calls) == (2 if retried else 1)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_retries_give_up_after_max_attempts_and_raise_the_last_status(flavour: Flavour) -> None:
    script = Script([503] * 10)
    with pytest.raises(GraphQLClientHttpError) as caught:
        query(flavour, script.setup(RetryPolicy(max_attempts=3, backoff=0.001)))
    assert caught.value.status_code == 503
    assert len(script.calls) == 3


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("policy", [RetryPolicy(max_attempts=1), NO_RETRY])
@pytest.mark.parametrize("outcome", [429, 503, httpx.ConnectError, httpx.ReadTimeout])
def test_max_attempts_one_switches_retries_off(
    flavour: Flavour, policy: RetryPolicy, outcome: Outcome
) -> None:
    script = Script([outcome])
    with pytest.raises((GraphQLClientHttpError, httpx.TransportError)):
        query(flavour, script.setup(policy))
    assert script.calls == ["ListCertificates"]


def test_the_statuses_to_retry_are_configurable() -> None:
    script = Script([500, 500])
    policy = RetryPolicy(backoff=0.001, query_statuses=frozenset({500}))
    assert query("sync", script.setup(policy)).certificates is None
    assert len(script.calls) == 3


# --- how long to wait ---------------------------------------------------------


def response_with(retry_after: str | None) -> httpx.Response:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return httpx.Response(429, headers=headers)


def test_backoff_grows_exponentially_with_jitter_and_never_exceeds_max_backoff() -> None:
    policy = RetryPolicy(backoff=0.5, max_backoff=4.0, jitter=random.Random(7))
    for attempt in range(1, 40):
        ceiling = min(4.0, 0.5 * 2 ** (attempt - 1))
        waits = [policy.delay(attempt) for _ in range(200)]
        assert all(0 <= w <= ceiling for w in waits)
        assert max(waits) > ceiling * 0.8  # the jitter covers the range
    assert policy.delay(1000) <= 4.0


def test_retry_after_in_seconds_wins_over_the_backoff() -> None:
    policy = RetryPolicy(backoff=0.5, max_backoff=4.0)
    assert policy.delay(1, response_with("7")) == 7.0
    assert policy.delay(5, response_with(" 0 ")) == 0.0


def test_retry_after_as_an_http_date_is_the_time_left_until_then() -> None:
    policy = RetryPolicy()
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 28.0 <= policy.delay(1, response_with(later)) <= 30.0
    earlier = format_datetime(datetime.now(UTC) - timedelta(minutes=5), usegmt=True)
    assert policy.delay(1, response_with(earlier)) == 0.0


def test_a_long_retry_after_is_capped_by_max_retry_after() -> None:
    policy = RetryPolicy(max_retry_after=10.0)
    assert policy.delay(1, response_with("3600")) == 10.0
    far = format_datetime(datetime.now(UTC) + timedelta(days=1), usegmt=True)
    assert policy.delay(1, response_with(far)) == 10.0


@pytest.mark.parametrize("value", ["soon", "-5", "1.5e3", "", None])
def test_an_unreadable_or_missing_retry_after_falls_back_to_the_backoff(value: str | None) -> None:
    policy = RetryPolicy(backoff=0.25, max_backoff=1.0)
    assert all(0 <= policy.delay(2, response_with(value)) <= 0.5 for _ in range(50))
