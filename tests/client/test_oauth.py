"""`ClientCredentials`: one cached token, renewal before expiry and on a 401, safe under
concurrency, and a secret that stays secret."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from server.in_process import Clock, InProcessServer, serve_in_process
from server.reference import Server

from pluvo_client import ClientCredentials, GraphQLClientHttpError, RetryPolicy, TokenError

from .support import FLAVOURS, Flavour, Recorder, closed_port_url, setup_for, traverse

MOCK_URL = "http://pluvo.test/graphql/"
MOCK_TOKEN_URL = "http://pluvo.test/oauth/token/"


def credentials(
    server: Server | InProcessServer, clock: Callable[[], float] = time.monotonic
) -> ClientCredentials:
    """The server's OAuth client, as `ClientCredentials`."""
    return ClientCredentials(server.token_url, server.client_id, server.client_secret, clock=clock)


@pytest.fixture
def short_lived_server() -> Iterator[tuple[InProcessServer, Clock]]:
    """A server whose OAuth tokens live one second of its clock, which the test moves."""
    clock = Clock()
    with serve_in_process(clock, token_ttl=1) as server:
        yield server, clock


def bearer(request: httpx.Request) -> str:
    return str(request.headers.get("authorization", "")).removeprefix("Bearer ")


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_client_credentials_fetch_one_token_and_reuse_it_for_a_whole_traversal(
    shared_server: Server, flavour: Flavour
) -> None:
    recorder = Recorder()
    auth = credentials(shared_server)
    ids = traverse(flavour, shared_server, page_size=7, auth=auth, recorder=recorder)
    assert ids == shared_server.certificate_ids
    (token_request,) = recorder.token_requests
    assert b"grant_type=client_credentials" in token_request.content
    tokens = set(recorder.bearers())
    assert len(tokens) == 1
    assert tokens != {shared_server.token}
    assert set(recorder.statuses()) == {200}
    assert auth.renewals == 1


def test_tokens_that_expire_during_a_long_traversal_are_renewed_before_they_run_out(
    short_lived_server: tuple[InProcessServer, Clock],
) -> None:
    server, clock = short_lived_server
    # 120 pages of one, 10 ms apart on the clock the server and the client share: the
    # traversal outlives a 1 s token.
    recorder = Recorder(before_send=lambda: clock.advance(0.01))
    auth = credentials(server, clock=clock)
    ids = traverse("sync", server.url, page_size=1, auth=auth, recorder=recorder)
    assert ids == server.certificate_ids
    assert len(recorder.token_requests) >= 2
    assert auth.renewals == len(recorder.token_requests)
    assert len(set(recorder.bearers())) == len(recorder.token_requests)


def test_a_token_the_server_expired_is_renewed_on_the_401_and_the_request_replayed(
    short_lived_server: tuple[InProcessServer, Clock],
) -> None:
    server, server_clock = short_lived_server
    # The client's clock stands still, so it never renews on its own: only the
    # server's 401 can tell it that the token has expired (its clock moves 100 ms a request).
    recorder = Recorder(before_send=lambda: server_clock.advance(0.1))
    auth = credentials(server, clock=Clock())
    ids = traverse("async", server.url, page_size=10, auth=auth, recorder=recorder)
    assert ids == server.certificate_ids

    exchanges = recorder.responses
    rejected = [i for i, (_, status) in enumerate(exchanges) if status == 401]
    assert rejected, "the traversal never outlived a token"
    assert len(recorder.token_requests) == len(rejected) + 1
    for i in rejected:
        (refused, _), (renewal, renewed), (replay, replayed) = exchanges[i : i + 3]
        assert renewal.path == "/oauth/token/"
        assert renewed == 200
        assert replay.path == "/graphql/"
        assert replayed == 200
        assert replay.content == refused.content
        assert replay.bearer != refused.bearer


class TokenServer:
    """A mock token endpoint issuing t1, t2, ...; `/graphql/` accepts only `valid` tokens."""

    def __init__(self, valid: set[str] | None = None, pause: float = 0.0) -> None:
        self.issued: list[str] = []
        self.valid = valid
        self.pause = pause
        self.log: list[tuple[str, str, int]] = []
        self.lock = threading.Lock()

    def answer(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            if request.url.path == "/oauth/token/":
                token = f"t{len(self.issued) + 1}"
                self.issued.append(token)
                self.log.append(("token", token, 200))
                return httpx.Response(200, json={"access_token": token, "expires_in": 3600})
            token = bearer(request)
            ok = self.valid is None or token in self.valid
            self.log.append(("graphql", token, 200 if ok else 401))
        if not ok:
            return httpx.Response(401, json={"errors": [{"message": "expired"}]})
        return httpx.Response(200, json={"data": {"certificates": None}})

    async def answer_async(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(self.pause)
        return self.answer(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.answer)

    def async_transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.answer_async)


def query_once(flavour: Flavour, tokens: TokenServer, auth: ClientCredentials) -> None:
    """One `list_certificates` call through a client on `tokens`."""
    if flavour == "sync":
        with setup_for(MOCK_URL, transport=tokens.transport(), auth=auth).sync() as client:
            client.list_certificates(first=1)
        return

    async def run() -> None:
        setup = setup_for(MOCK_URL, transport=tokens.async_transport(), auth=auth)
        async with setup.async_() as client:
            await client.list_certificates(first=1)

    asyncio.run(run())


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_401_renews_the_token_once_and_replays_the_request_once(flavour: Flavour) -> None:
    tokens = TokenServer(valid={"t2"})
    query_once(flavour, tokens, ClientCredentials(MOCK_TOKEN_URL, "id", "secret"))
    assert tokens.log == [
        ("token", "t1", 200),
        ("graphql", "t1", 401),
        ("token", "t2", 200),
        ("graphql", "t2", 200),
    ]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_second_401_after_the_replay_is_raised_instead_of_renewing_again(
    flavour: Flavour,
) -> None:
    tokens = TokenServer(valid=set())
    with pytest.raises(GraphQLClientHttpError) as caught:
        query_once(flavour, tokens, ClientCredentials(MOCK_TOKEN_URL, "id", "secret"))
    assert caught.value.status_code == 401
    assert tokens.log == [
        ("token", "t1", 200),
        ("graphql", "t1", 401),
        ("token", "t2", 200),
        ("graphql", "t2", 401),
    ]


def test_many_concurrent_async_requests_with_an_expired_token_fetch_one_new_token(
    shared_server: Server,
) -> None:
    clock = Clock()
    auth = credentials(shared_server, clock=clock)
    recorder = Recorder()

    async def run() -> list[int | None]:
        async with setup_for(shared_server, auth=auth, recorder=recorder).async_() as client:
            await client.list_certificates(first=1)
            clock.now += 10 * 86400  # long past expires_in
            pages = await asyncio.gather(*(client.list_certificates(first=1) for _ in range(20)))
            return [p.certificates.count if p.certificates else None for p in pages]

    assert asyncio.run(run()) == [120] * 20
    assert len(recorder.token_requests) == 2
    assert auth.renewals == 2
    assert recorder.statuses() == [200] * 21


def test_many_threads_sharing_a_sync_client_with_an_expired_token_fetch_one_new_token(
    shared_server: Server,
) -> None:
    clock = Clock()
    auth = credentials(shared_server, clock=clock)
    recorder = Recorder()
    with setup_for(shared_server, auth=auth, recorder=recorder).sync() as client:
        client.list_certificates(first=1)
        clock.now += 10 * 86400
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            pages = list(pool.map(lambda _: client.list_certificates(first=1), range(16)))
    assert [p.certificates.count if p.certificates else None for p in pages] == [120] * 16
    assert len(recorder.token_requests) == 2
    assert recorder.statuses() == [200] * 17


def test_concurrent_401s_share_one_renewal_and_each_request_is_replayed_once() -> None:
    tokens = TokenServer(pause=0.01)
    auth = ClientCredentials(MOCK_TOKEN_URL, "id", "secret")

    async def run() -> None:
        setup = setup_for(MOCK_URL, transport=tokens.async_transport(), auth=auth)
        async with setup.async_() as client:
            await client.list_certificates(first=1)
            tokens.valid = {"t2"}  # the server revokes t1
            await asyncio.gather(*(client.list_certificates(first=1) for _ in range(20)))

    asyncio.run(run())
    assert tokens.issued == ["t1", "t2"]
    graphql = [entry for entry in tokens.log if entry[0] == "graphql"]
    assert graphql.count(("graphql", "t1", 401)) == 20
    assert graphql.count(("graphql", "t2", 200)) == 20
    assert len(graphql) == 41


def test_one_credentials_object_serves_successive_event_loops() -> None:
    # A worker that calls asyncio.run() per job, with a module-level auth object.
    tokens = TokenServer(pause=0.01)
    clock = Clock()
    auth = ClientCredentials(MOCK_TOKEN_URL, "id", "secret", clock=clock)

    async def burst() -> None:
        setup = setup_for(MOCK_URL, transport=tokens.async_transport(), auth=auth)
        async with setup.async_() as client:
            await asyncio.gather(*(client.list_certificates(first=1) for _ in range(5)))

    asyncio.run(burst())
    clock.now += 10 * 86400
    asyncio.run(burst())
    assert tokens.issued == ["t1", "t2"]


def test_the_client_secret_never_appears_in_the_repr() -> None:
    secret = f"s3cret-{uuid.uuid4().hex}"
    auth = ClientCredentials(MOCK_TOKEN_URL, "acme-client", secret)
    shown = [repr(auth), str(auth), f"{auth}", f"{auth!r}"]
    assert all(secret not in text for text in shown)
    assert all("acme-client" in text for text in shown)


def run_with_wrong_secret(flavour: Flavour, server: Server, secret: str) -> TokenError:
    auth = ClientCredentials(server.token_url, server.client_id, secret)
    recorder = Recorder()
    with pytest.raises(TokenError) as caught:
        traverse(flavour, server, auth=auth, recorder=recorder)
    assert recorder.graphql() == []
    return caught.value


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_wrong_secret_raises_a_token_error_that_does_not_contain_the_secret(
    shared_server: Server, flavour: Flavour
) -> None:
    secret = f"wrong-{uuid.uuid4().hex}"
    error = run_with_wrong_secret(flavour, shared_server, secret)
    assert "HTTP 401" in str(error)
    assert shared_server.token_url in str(error)
    assert repr(shared_server.client_id) in str(error)
    assert secret not in str(error)
    assert secret not in repr(error)
    assert secret not in "".join(traceback.format_exception(error))


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_token_endpoint_that_sends_no_access_token_raises_a_token_error(
    flavour: Flavour,
) -> None:
    secret = f"s3cret-{uuid.uuid4().hex}"

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token/":
            return httpx.Response(200, json={"token_type": "Bearer", "note": secret})
        raise AssertionError("no GraphQL request may go out without a token")

    auth = ClientCredentials(MOCK_TOKEN_URL, "acme", secret)
    with pytest.raises(TokenError) as caught:
        traverse(flavour, MOCK_URL, transport=httpx.MockTransport(answer), auth=auth)
    assert "sent no usable access_token" in str(caught.value)
    assert secret not in "".join(traceback.format_exception(caught.value))


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_unreachable_token_endpoint_raises_a_token_error_without_the_secret(
    shared_server: Server, flavour: Flavour
) -> None:
    secret = f"s3cret-{uuid.uuid4().hex}"
    auth = ClientCredentials(closed_port_url("/oauth/token/"), shared_server.client_id, secret)
    recorder = Recorder()
    with pytest.raises(TokenError) as caught:
        traverse(flavour, shared_server, auth=auth, recorder=recorder, retry=RetryPolicy(3, 0.001))
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(recorder.token_requests) == 3  # not sent, so retried like any request
    assert recorder.graphql() == []
    assert secret not in "".join(traceback.format_exception(caught.value))


def test_neither_the_secret_nor_a_wrong_one_reaches_the_logs(
    shared_server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = f"wrong-{uuid.uuid4().hex}"
    caplog.set_level(logging.DEBUG)
    for flavour in FLAVOURS:
        auth = credentials(shared_server)
        assert (
            traverse(flavour, shared_server, max_items=3, auth=auth)
            == (shared_server.certificate_ids[:3])
        )
        run_with_wrong_secret(flavour, shared_server, wrong)

    logged = [
        (record.name, record.getMessage(), repr(record.args), record.exc_text or "")
        for record in caplog.records
    ]
    # httpx did log the token requests (by URL), so the check below looked at them.
    token_lines = [m for name, m, *_ in logged if name == "httpx" and shared_server.token_url in m]
    assert len(token_lines) == 4
    assert any(name.startswith("httpcore") for name, *_ in logged)
    text = "\n".join("\n".join(entry) for entry in logged) + caplog.text
    assert shared_server.client_secret not in text
    assert wrong not in text
