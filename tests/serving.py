"""Serve on a free loopback port, in a thread: an `http.server` handler, an ASGI app (uvicorn)
or a WSGI app (werkzeug). The test folders' loopback servers start here, but for the servers
that speak raw sockets (`tests/client/test_hostile_answers.py`) and the client's fault
proxy (`tests/client/support.py`), which waits for its handlers before it closes."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import uvicorn

__all__ = ["serve_asgi", "serve_handler", "serve_wsgi"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a handler that stalls does not keep the test process alive
    block_on_close = False  # nor does closing the server wait for it


class _QuietServer(_Server):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is what the test provokes, not news on stderr."""


@contextlib.contextmanager
def serve_handler(
    handler: type[BaseHTTPRequestHandler], *, quiet_errors: bool = False
) -> Iterator[str]:
    """Yield `http://127.0.0.1:PORT` while `handler` answers on it.

    A handler that waits (a stall, a trickle) should wait on an event the caller sets
    before this context exits, so that shutting down does not wait for it.
    `quiet_errors`: a handler's error (a client that hung up) is not printed.
    """
    server = (_QuietServer if quiet_errors else _Server)(("127.0.0.1", 0), handler)
    with _in_thread(server) as base:
        yield base


@contextlib.contextmanager
def _in_thread(server: socketserver.TCPServer) -> Iterator[str]:
    """Run a socketserver (http.server's or werkzeug's) in a thread until the block ends."""
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@contextlib.contextmanager
def serve_asgi(app: Any) -> Iterator[str]:
    """Yield `http://127.0.0.1:PORT` while uvicorn serves `app`."""
    # Not codegen's `bind`: its SO_REUSEADDR is for `serve` restarting on a fixed port;
    # a test wants a port no other socket holds.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the loopback server did not start")
        time.sleep(0.005)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def serve_wsgi(app: Any) -> Iterator[str]:
    """Yield `http://127.0.0.1:PORT` while werkzeug (from Flask, a dev dependency) serves `app`."""
    from werkzeug.serving import make_server

    with _in_thread(make_server("127.0.0.1", 0, app, threaded=True)) as base:
        yield base
