"""Never twice, never hung, continued: answers that arrive too slowly or too large, a
timeout given with an HTTP client of one's own, and batch answers that do not account for
the batch. Over real HTTP on loopback, with the requests counted."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from pluvo_client import ClientCredentials, IssueResult, RetryPolicy, TokenError
from pluvo_client.auth import MAX_TOKEN_RESPONSE_BYTES

from .scripted import Reply, ScriptedRequest, ScriptedServer, graphql_reply, scripted_server
from .support import FLAVOURS, Flavour
from .test_never_twice import QUICK, TEMPLATE, call

MUTATION = f'mutation M {{ generateCertificate(id: "{TEMPLATE}", userIds: []) {{ __typename }} }}'
TIMEOUT = 0.4


@dataclass
class RawServer:
    """A loopback server that reads each request and then runs `behaviour` on the socket."""

    base: str
    behaviour: Callable[[socket.socket], None]
    paths: list[str] = field(default_factory=list)


def _read_request(conn: socket.socket) -> str | None:
    """Read one request (headers and a Content-Length body); its path, None if it closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head.split(b" ")[1].decode()


@pytest.fixture(scope="module")
def raw_server() -> Iterator[RawServer]:
    stopping = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    server = RawServer(f"http://127.0.0.1:{listener.getsockname()[1]}", lambda conn: None)

    def handle(conn: socket.socket) -> None:
        with conn:
            try:
                path = _read_request(conn)
                if path is None:
                    return
                server.paths.append(path)
                server.behaviour(conn)
            except OSError:
                pass

    def accept() -> None:
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stopping.set()
        thread.join()
        listener.close()


def _chunked_for_ever(pause: float, chunk: bytes) -> Callable[[socket.socket], None]:
    """A 200 whose chunked body never ends: a chunk every `pause` seconds (for 5 s at most).

    After 5 s it closes the connection mid-body: a client that did not give up in time
    then fails with a protocol error, not the timeout the tests expect (no wall clock).
    """

    def behaviour(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        ends = time.monotonic() + 5
        while time.monotonic() < ends:
            conn.sendall(frame)
            time.sleep(pause)

    return behaviour


def _use(server: RawServer, behaviour: Callable[[socket.socket], None]) -> RawServer:
    server.behaviour = behaviour
    server.paths.clear()
    return server


# --- an answer that never ends ---------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_mutation_whose_answer_trickles_in_for_ever_fails_within_the_timeout_sent_once(
    raw_server: RawServer, flavour: Flavour
) -> None:
    server = _use(raw_server, _chunked_for_ever(0.05, b" "))
    with pytest.raises(httpx.ReadTimeout):
        call(
            flavour,
            "execute",
            MUTATION,
            options={"url": f"{server.base}/graphql/", "retry": QUICK, "timeout": TIMEOUT},
        )
    assert server.paths == ["/graphql/"]  # an unknown outcome: never sent again


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_query_whose_answer_trickles_in_for_ever_is_retried_and_each_attempt_bounded(
    raw_server: RawServer, flavour: Flavour
) -> None:
    server = _use(raw_server, _chunked_for_ever(0.05, b" "))
    with pytest.raises(httpx.ReadTimeout):
        call(
            flavour,
            "execute",
            "query { __typename }",
            options={
                "url": f"{server.base}/graphql/",
                "retry": RetryPolicy(max_attempts=2, backoff=0.001, max_backoff=0.001),
                "timeout": TIMEOUT,
            },
        )
    assert server.paths == ["/graphql/"] * 2


@pytest.mark.parametrize("case", ["trickles", "is endless"])
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_token_answer_that_trickles_or_is_endless_raises_a_token_error(
    raw_server: RawServer, flavour: Flavour, case: str
) -> None:
    if case == "trickles":
        behaviour = _chunked_for_ever(0.05, b" ")
    else:
        behaviour = _chunked_for_ever(0, b" " * 65536)
    server = _use(raw_server, behaviour)
    auth = ClientCredentials(f"{server.base}/oauth/token/", "id", "secret")
    with pytest.raises(TokenError) as caught:
        call(
            flavour,
            "execute",
            MUTATION,
            options={
                "url": f"{server.base}/graphql/",
                "auth": auth,
                "retry": RetryPolicy(max_attempts=1),
                "timeout": TIMEOUT,
            },
        )
    if case == "trickles":  # ended by the deadline, not by the trickle's own end
        assert "did not arrive in full within the timeout" in str(caught.value)
    else:
        assert "larger than 65536 bytes" in str(caught.value)
    assert server.paths == ["/oauth/token/"]  # the operation itself was never sent
    assert MAX_TOKEN_RESPONSE_BYTES == 64 * 1024


# --- timeout= with an HTTP client of one's own -------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_timeout_is_applied_to_an_http_client_of_ones_own_that_has_none(
    raw_server: RawServer, flavour: Flavour
) -> None:
    def stall(conn: socket.socket) -> None:
        time.sleep(5)

    server = _use(raw_server, stall)

    def own(flavour: Flavour) -> httpx.Client | httpx.AsyncClient:
        if flavour == "sync":
            return httpx.Client(timeout=None)
        return httpx.AsyncClient(timeout=None)

    with pytest.raises(httpx.ReadTimeout):
        call(
            flavour,
            "execute",
            MUTATION,
            options={
                "url": f"{server.base}/graphql/",
                "http_client": own,
                "retry": QUICK,
                "timeout": TIMEOUT,
            },
        )
    assert server.paths == ["/graphql/"]


# --- batch answers that do not account for the batch ------------------------------------------


def _bulk_answer(succeeded: list[str], failed: list[str]) -> Reply:
    return graphql_reply(
        {
            "data": {
                "generateCertificate": {
                    "bulkGenerate": {"succeededIds": succeeded, "failedIds": failed}
                }
            }
        }
    )


BATCH_ANSWERS: dict[str, Callable[[list[str]], Reply]] = {
    "leaves ids out": lambda ids: _bulk_answer(ids[:1], []),
    "names ids both ways": lambda ids: _bulk_answer(ids, ids[1:]),
    "names ids never sent": lambda ids: _bulk_answer(
        [*ids[:1], str(uuid.UUID(int=999))], [str(uuid.UUID(int=998))]
    ),
    "repeats ids": lambda ids: _bulk_answer([*ids[:1], *ids[:1]], [*ids[1:], *ids[1:]]),
}
EXPECTED = {
    "leaves ids out": ([1, 3], [], [2, 4]),
    "names ids both ways": ([1, 3], [], [2, 4]),
    "names ids never sent": ([1, 3], [], [2, 4]),
    "repeats ids": ([1, 3], [2, 4], []),
}


@pytest.fixture(scope="module")
def shared_scripted() -> Iterator[ScriptedServer]:
    with scripted_server(lambda request: Reply(500)) as server:
        yield server


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("case", sorted(BATCH_ANSWERS))
def test_ids_a_batch_answer_does_not_account_for_are_unknown_and_every_id_is_in_one_list(
    shared_scripted: ScriptedServer, case: str, flavour: Flavour
) -> None:
    users = [uuid.UUID(int=n) for n in range(1, 5)]

    def answer(request: ScriptedRequest) -> Reply:
        return BATCH_ANSWERS[case](request.json()["variables"]["userIds"])

    server = shared_scripted.script(answer)
    result: IssueResult = call(
        flavour,
        "issue_certificate",
        uuid.UUID(TEMPLATE),
        users,
        batch_size=2,
        options={"url": server.url, "retry": QUICK},
    )
    assert len(server.requests) == 2  # one per batch, none re-sent
    sent = [i for r in server.requests for i in r.json()["variables"]["userIds"]]
    assert sent == [str(u) for u in users]
    succeeded, failed, unknown = EXPECTED[case]
    assert result.succeeded_ids == [uuid.UUID(int=n) for n in succeeded]
    assert result.failed_ids == [uuid.UUID(int=n) for n in failed]
    assert result.unknown_ids == [uuid.UUID(int=n) for n in unknown]
