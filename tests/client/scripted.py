"""A loopback HTTP server whose every answer a test scripts: a reply, a dropped connection, or
a stall.

`scripted_server(answer)` serves on an ephemeral loopback port and calls
`answer(request)` for each POST, with the request's number (from 1), path, headers and
body; it returns a `Reply`, `DROP` (the connection is closed without a response, after
the body was read: the request reached the server) or `STALL` (no answer until the
server stops). Every request is kept in `requests`, in arrival order. `script(answer)`
gives a running server a new script and forgets its requests, so that one server can
serve a whole module.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal

from serving import serve_handler

__all__ = [
    "DROP",
    "STALL",
    "Answer",
    "Reply",
    "ScriptedRequest",
    "ScriptedServer",
    "graphql_reply",
    "scripted_server",
]

DROP: Literal["drop"] = "drop"
STALL: Literal["stall"] = "stall"


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, raw body and extra headers."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


def graphql_reply(payload: Any, status: int = 200, **headers: str) -> Reply:
    """A JSON answer."""
    return Reply(status, json.dumps(payload).encode(), headers)


@dataclass(frozen=True)
class ScriptedRequest:
    """A request as the server received it."""

    number: int
    path: str
    headers: Mapping[str, str]
    body: bytes
    client_port: int = 0  # tells one connection from another

    def json(self) -> Any:
        return json.loads(self.body)


Answer = Callable[[ScriptedRequest], Reply | str]  # a Reply, DROP or STALL


@dataclass
class ScriptedServer:
    """The server's base URL, its script, and every request it received."""

    base: str
    answer: Answer
    requests: list[ScriptedRequest] = field(default_factory=list)

    def script(self, answer: Answer) -> ScriptedServer:
        """Answer with `answer` from now on, counting requests afresh."""
        self.answer = answer
        self.requests.clear()
        return self

    @property
    def url(self) -> str:
        return f"{self.base}/graphql/"

    @property
    def token_url(self) -> str:
        return f"{self.base}/oauth/token/"

    def on(self, path: str) -> list[ScriptedRequest]:
        """The requests to `path`."""
        return [r for r in self.requests if r.path == path]


@contextlib.contextmanager
def scripted_server(answer: Answer) -> Iterator[ScriptedServer]:
    """Serve `answer` on loopback until the block ends."""
    lock = threading.Lock()
    stopping = threading.Event()
    record = ScriptedServer(base="", answer=answer)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                request = ScriptedRequest(
                    len(record.requests) + 1,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    self.client_address[1],
                )
                record.requests.append(request)
            reply = record.answer(request)
            if reply == STALL:
                stopping.wait(30)
                self.close_connection = True
                return
            if reply == DROP:
                self.close_connection = True
                return
            assert isinstance(reply, Reply)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    # A client that gives up on a large or slow answer is what scripts provoke: no traceback.
    with serve_handler(Handler, quiet_errors=True) as record.base:
        try:
            yield record
        finally:
            stopping.set()
