"""`webhooks listen`: receive deliveries on loopback, verify each, print one line per event.

Without `--forward-to` it answers as a correct receiver would (`handle_delivery`:
200 for a verified event, 401 for a bad signature, 400 for an unreadable body).
With it, every request (verified or not) is passed on unchanged, the same body
bytes and headers, to the team's own app, and the app's answer goes back to the
sender; 502 when the app cannot be reached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from codegen.runtime.webhooks import (
    CertificateAchieved,
    WebhookError,
    WebhookEvent,
    WebhookPayloadError,
    handle_delivery,
    read_event,
)
from codegen.serve_asgi import bind, serve_on

__all__ = ["ListenOptions", "build_listener", "describe", "listen"]

# Hop-by-hop and framing headers are the connection's, not the request's.
_NOT_FORWARDED = frozenset(
    {b"host", b"content-length", b"transfer-encoding", b"connection", b"keep-alive", b"upgrade"}
)
_LONGEST_FIELD = 200  # characters of an event name or user id shown on a line


@dataclass(frozen=True)
class ListenOptions:
    """What `webhooks listen` takes."""

    secret: str
    host: str = "127.0.0.1"
    port: int = 8787
    forward_to: str | None = None
    timeout: float = 30.0

    def __repr__(self) -> str:
        return f"ListenOptions(port={self.port}, forward_to={self.forward_to!r})"


def describe(body: bytes, headers: Mapping[str, str], secret: str) -> tuple[str, int]:
    """The line to print for one delivery, and the status a correct receiver answers."""
    delivery = handle_delivery(body, headers, secret)
    event = delivery.event
    verdict = "verified"
    if isinstance(delivery.error, WebhookPayloadError):  # signed, but not an event
        verdict = f"verified but UNREADABLE ({delivery.error})"
    elif event is None:
        verdict = f"NOT VERIFIED ({delivery.error})"
    if event is None:
        try:
            event = read_event(body)
        except WebhookError:
            event = None
    name, user = _shown(_name(event), _LONGEST_FIELD), _shown(_user(event), _LONGEST_FIELD)
    line = f"{name} user={user} {_shown(verdict)}"
    return line, delivery.status


def _shown(text: str, limit: int | None = None) -> str:
    """`text` on one terminal line: control characters escaped, long text cut.

    The name and user of an unverified delivery come from whoever sent it: a newline
    or an escape sequence in them must not print a line that looks verified.
    """
    if limit is not None and len(text) > limit:
        text = text[:limit] + "..."
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _name(event: WebhookEvent | None) -> str:
    return "?" if event is None else event.event


def _user(event: WebhookEvent | None) -> str:
    if isinstance(event, CertificateAchieved):
        return str(event.user.id)
    user = None if event is None else event.data.get("user")
    ident = user.get("id") if isinstance(user, dict) else None
    return "-" if ident is None else str(ident)


def build_listener(
    options: ListenOptions, show: Callable[[str], None], http: httpx.AsyncClient
) -> Starlette:
    """The listener app: every POST, on any path, is one delivery."""

    async def receive(request: Request) -> Response:
        body = await request.body()
        line, status = describe(body, request.headers, options.secret)
        if options.forward_to is None:
            show(f"{line} -> {status}")
            return Response(status_code=status)
        # The raw bytes: a header that is not ASCII goes on unchanged too.
        headers = [(k, v) for k, v in request.headers.raw if k.lower() not in _NOT_FORWARDED]
        try:
            # In all, as the sender's own timeout: httpx's are per read.
            async with asyncio.timeout(options.timeout):  # not wait_for: see server/delivery.py
                answer = await http.post(options.forward_to, content=body, headers=headers)
        except TimeoutError:
            show(f"{line} -> forwarding failed: no answer within {options.timeout:g} s -> 502")
            return Response(f"no answer from {options.forward_to}\n", status_code=502)
        except httpx.HTTPError as exc:
            show(f"{line} -> forwarding failed: {type(exc).__name__}: {exc} -> 502")
            return Response(f"cannot reach {options.forward_to}\n", status_code=502)
        show(f"{line} -> forwarded: {answer.status_code}")
        kept = {k: v for k, v in answer.headers.items() if k.lower() == "content-type"}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    return Starlette(routes=[Route("/{path:path}", receive, methods=["POST"])])


def listen(options: ListenOptions, show: Callable[[str], None]) -> None:
    """Listen until interrupted; `show` gets the address first, then one line per delivery."""
    sock = bind(options.host, options.port)

    def started() -> None:
        host, port = sock.getsockname()[:2]
        target = f", forwarding to {options.forward_to}" if options.forward_to else ""
        show(f"Listening on http://{host}:{port}/{target}")

    async def run() -> None:
        async with httpx.AsyncClient(timeout=options.timeout, follow_redirects=False) as http:
            await serve_on(build_listener(options, show, http), sock, started)

    asyncio.run(run())
