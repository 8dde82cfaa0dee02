"""Serve an ASGI app with uvicorn on a socket bound first: for `serve` and `webhooks listen`.

Binding first means `--port 0` has a real port before serving, and a port in use
is a one-line error (exit 2) rather than a uvicorn traceback.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

from starlette.types import ASGIApp

from codegen.errors import CodegenError

__all__ = ["bind", "serve_on"]


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, so that `--port 0` has a real port before serving."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        # The protocol matters: asyncio sets TCP_NODELAY only on sockets whose
        # `proto` is IPPROTO_TCP, and accepted sockets inherit the listener's. With
        # proto 0, Nagle's algorithm held back each response's body until the
        # client's delayed ACK (about 40 ms on Linux) on every keep-alive request.
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise CodegenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(128)
    return sock


async def serve_on(app: ASGIApp, sock: socket.socket, on_started: Callable[[], None]) -> None:
    """Serve `app` on `sock` until uvicorn stops; `on_started` runs once it accepts requests."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    if server.started:
        on_started()
    await task
