"""Helpers for the client tests: request recording, canned GraphQL pages, a faulty proxy.

- `Recorder` keeps every request and response status an httpx client sees, through
  event hooks (token requests included: httpx sends an auth flow's requests through
  the same hooks).
- `traverse` and `issue` run the sync `Client` or the `AsyncClient` the same way, so
  that a test can be parametrized over both.
- `connection` and `pages_transport` answer `ListCertificates` from canned pages, for
  what the reference server never does (null edges, repeated cursors).
- `FaultyProxy` stands on loopback in front of the reference server and answers some
  requests itself (429, 503, 500), before forwarding them or after.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

import httpx
from server.reference import HTTP_TIMEOUT, Server

from pluvo_client import AsyncClient, BulkProgress, Client, IssueResult, RetryPolicy

__all__ = [
    "FLAVOURS",
    "Fault",
    "FaultyProxy",
    "Flavour",
    "Recorder",
    "Sent",
    "Setup",
    "closed_port_url",
    "connection",
    "faulty_proxy",
    "issue",
    "items_per_user",
    "node",
    "pages_transport",
    "setup_for",
    "traverse",
]

Flavour = Literal["sync", "async"]
FLAVOURS: tuple[Flavour, ...] = ("sync", "async")


@dataclass(frozen=True)
class Sent:
    """A request as it went out: an auth flow re-sends the same `httpx.Request` object
    with new headers, so the header is copied at the time of sending."""

    path: str
    content: bytes
    bearer: str


def _sent(request: httpx.Request) -> Sent:
    authorization = request.headers.get("authorization", "")
    return Sent(request.url.path, request.content, authorization.removeprefix("Bearer "))


@dataclass
class Recorder:
    """Every request an httpx client sends and every response status it gets, in order.

    `before_send` is called before each request is sent (to move a test's clock, and
    so stretch a traversal in time without waiting).
    """

    before_send: Callable[[], object] | None = None
    requests: list[httpx.Request] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    responses: list[tuple[Sent, int]] = field(default_factory=list)

    def _request(self, request: httpx.Request) -> None:
        self.requests.append(request)
        self.sent.append(_sent(request))

    def _response(self, response: httpx.Response) -> None:
        self.responses.append((_sent(response.request), response.status_code))

    def hooks(self) -> dict[str, list[Callable[..., Any]]]:
        """Event hooks for an `httpx.Client`."""

        def request(request: httpx.Request) -> None:
            self._request(request)
            if self.before_send is not None:
                self.before_send()

        return {"request": [request], "response": [self._response]}

    def async_hooks(self) -> dict[str, list[Callable[..., Any]]]:
        """Event hooks for an `httpx.AsyncClient`."""

        async def request(request: httpx.Request) -> None:
            self._request(request)
            if self.before_send is not None:
                self.before_send()

        async def response(response: httpx.Response) -> None:
            self._response(response)

        return {"request": [request], "response": [response]}

    def bearers(self) -> list[str]:
        """The bearer token of every GraphQL request, as sent."""
        return [s.bearer for s in self.sent if s.path.endswith("/graphql/")]

    def graphql(self, operation: str | None = None) -> list[dict[str, Any]]:
        """The JSON bodies sent to `/graphql/`, optionally of one operation only."""
        bodies = [json.loads(r.content) for r in self.requests if r.url.path.endswith("/graphql/")]
        return [b for b in bodies if operation is None or b.get("operationName") == operation]

    def firsts(self) -> list[int]:
        """The `first` variable of every `ListCertificates` request."""
        return [int(b["variables"]["first"]) for b in self.graphql("ListCertificates")]

    @property
    def token_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith("/oauth/token/")]

    def statuses(self, path_end: str = "/graphql/") -> list[int]:
        """The status of every response to a request whose path ends with `path_end`."""
        return [status for sent, status in self.responses if sent.path.endswith(path_end)]


def _sync_http(
    headers: dict[str, str] | None,
    transport: httpx.BaseTransport | None,
    recorder: Recorder | None,
) -> httpx.Client:
    return httpx.Client(
        headers=headers,
        transport=transport,
        event_hooks=recorder.hooks() if recorder else None,
        timeout=HTTP_TIMEOUT,
    )


def _async_http(
    headers: dict[str, str] | None,
    transport: httpx.AsyncBaseTransport | None,
    recorder: Recorder | None,
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        headers=headers,
        transport=transport,
        event_hooks=recorder.async_hooks() if recorder else None,
        timeout=HTTP_TIMEOUT,
    )


@dataclass
class Setup:
    """How to build a client: where it points, and what sits between it and the server."""

    url: str
    headers: dict[str, str] | None = None
    transport: httpx.MockTransport | None = None
    recorder: Recorder | None = None
    auth: httpx.Auth | None = None
    retry: RetryPolicy | None = None

    @contextlib.contextmanager
    def sync(self) -> Iterator[Client]:
        with (
            _sync_http(self.headers, self.transport, self.recorder) as http,
            Client(url=self.url, http_client=http, auth=self.auth, retry=self.retry) as client,
        ):
            yield client

    @contextlib.asynccontextmanager
    async def async_(self) -> AsyncIterator[AsyncClient]:
        async with (
            _async_http(self.headers, self.transport, self.recorder) as http,
            AsyncClient(url=self.url, http_client=http, auth=self.auth, retry=self.retry) as client,
        ):
            yield client


def setup_for(
    url: str | Server,
    *,
    headers: dict[str, str] | None = None,
    transport: httpx.MockTransport | None = None,
    recorder: Recorder | None = None,
    auth: httpx.Auth | None = None,
    retry: RetryPolicy | None = None,
) -> Setup:
    """A `Setup`; given a `Server`, its URL and (without `auth`) its static token."""
    if isinstance(url, Server):
        if headers is None and auth is None:
            headers = url.auth
        url = url.url
    return Setup(url, headers, transport, recorder, auth, retry)


def traverse(
    flavour: Flavour,
    target: str | Server,
    *,
    page_size: int = 50,
    max_items: int | None = None,
    **options: Any,
) -> list[uuid.UUID]:
    """The ids `iter_certificates` yields, through the sync or the async client."""
    setup = setup_for(target, **options)
    if flavour == "sync":
        with setup.sync() as client:
            return [n.id for n in client.iter_certificates(page_size, max_items)]

    async def run() -> list[uuid.UUID]:
        async with setup.async_() as client:
            return [n.id async for n in client.iter_certificates(page_size, max_items)]

    return asyncio.run(run())


def issue(
    flavour: Flavour,
    target: str | Server,
    template: uuid.UUID,
    user_ids: Iterable[uuid.UUID],
    *,
    batch_size: int = 100,
    on_progress: Callable[[BulkProgress], object] | None = None,
    title: str | None = None,
    **options: Any,
) -> IssueResult:
    """`issue_certificate`, through the sync or the async client."""
    setup = setup_for(target, **options)
    if flavour == "sync":
        with setup.sync() as client:
            return client.issue_certificate(
                template, user_ids, title=title, batch_size=batch_size, on_progress=on_progress
            )

    async def run() -> IssueResult:
        async with setup.async_() as client:
            return await client.issue_certificate(
                template, user_ids, title=title, batch_size=batch_size, on_progress=on_progress
            )

    return asyncio.run(run())


def items_per_user(server: Server) -> dict[uuid.UUID, int]:
    """How many portfolio items each user has, read from the server."""
    counts: dict[uuid.UUID, int] = dict.fromkeys(server.user_ids, 0)
    with Client(url=server.url, headers=server.auth) as client:
        for item in client.portfolio_items().portfolio_items:
            counts[item.user.id] += 1
    return counts


def closed_port_url(path: str = "/graphql/") -> str:
    """A loopback URL on which nothing listens: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


# --- canned responses --------------------------------------------------------


def node(number: int) -> dict[str, Any]:
    """A template node with a predictable id."""
    return {"id": str(uuid.UUID(int=number)), "name": f"Template {number}", "title": None}


def connection(
    edges: Sequence[dict[str, Any] | None],
    *,
    has_next_page: bool,
    end_cursor: str | None,
) -> dict[str, Any]:
    """A `ListCertificates` response body holding `edges`."""
    return {
        "data": {
            "certificates": {
                "edges": list(edges),
                "pageInfo": {"hasNextPage": has_next_page, "endCursor": end_cursor},
                "count": None,
            }
        }
    }


def pages_transport(pages: Sequence[dict[str, Any]]) -> httpx.MockTransport:
    """Answer the n-th request with `pages[n]`, and every later one with the last page."""
    served = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal served
        page = pages[min(served, len(pages) - 1)]
        served += 1
        return httpx.Response(200, json=page)

    return httpx.MockTransport(handler)


# --- the faulty proxy --------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """An answer the proxy gives instead of the server's.

    With `after_forwarding`, the request is forwarded first (so the server acts on
    it) and the server's answer is thrown away: a 5xx "after the request was sent".
    """

    status: int
    retry_after: str | None = None
    after_forwarding: bool = False


@dataclass(frozen=True)
class ProxyEvent:
    number: int
    operation: str | None
    fault: Fault | None
    forwarded: bool


Plan = Callable[[int, str | None], Fault | None]


@dataclass
class FaultyProxy:
    """What the proxy did: `events` in arrival order, numbered from 1."""

    url: str
    token_url: str
    events: list[ProxyEvent] = field(default_factory=list)

    def forwarded(self, operation: str) -> int:
        """How many requests of `operation` reached the server."""
        return sum(1 for e in self.events if e.operation == operation and e.forwarded)

    def faults(self, status: int | None = None) -> list[ProxyEvent]:
        """The requests the proxy answered itself, optionally with `status` only."""
        return [
            e
            for e in self.events
            if e.fault is not None and (status is None or e.fault.status == status)
        ]


def _operation_name(body: bytes) -> str | None:
    try:
        name = json.loads(body).get("operationName")
    except (ValueError, AttributeError):
        return None
    return name if isinstance(name, str) else None


@contextlib.contextmanager
def faulty_proxy(server: Server, plan: Plan) -> Iterator[FaultyProxy]:
    """A loopback HTTP proxy in front of `server`; `plan(number, operation)` picks faults.

    `number` counts every request the proxy receives, from 1; `operation` is the
    GraphQL `operationName` (None for token requests).
    """
    upstream = httpx.URL(server.url).copy_with(path="/")
    forwarder = httpx.Client(base_url=str(upstream).rstrip("/"), timeout=HTTP_TIMEOUT)
    lock = threading.Lock()
    record = FaultyProxy(url="", token_url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            operation = _operation_name(body)
            with lock:
                number = len(record.events) + 1
                fault = plan(number, operation)
            forwarded: httpx.Response | None = None
            if fault is None or fault.after_forwarding:
                headers = {
                    name: value
                    for name, value in self.headers.items()
                    if name.lower() in {"authorization", "content-type"}
                }
                forwarded = forwarder.post(self.path, content=body, headers=headers)
            with lock:
                record.events.append(ProxyEvent(number, operation, fault, forwarded is not None))
            if fault is None:
                assert forwarded is not None
                self._reply(
                    forwarded.status_code,
                    forwarded.content,
                    forwarded.headers.get("content-type", "application/json"),
                )
            else:
                extra = {} if fault.retry_after is None else {"Retry-After": fault.retry_after}
                raw = json.dumps({"error": f"injected {fault.status}"}).encode()
                self._reply(fault.status, raw, "application/json", extra)

        def _reply(
            self,
            status: int,
            raw: bytes,
            content_type: str,
            extra: dict[str, str] | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(raw)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = proxy.server_address[1]
    record.url = f"http://127.0.0.1:{port}/graphql/"
    record.token_url = f"http://127.0.0.1:{port}/oauth/token/"
    thread = threading.Thread(target=proxy.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield record
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join()
        forwarder.close()
