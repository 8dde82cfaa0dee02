"""OAuth client credentials as an httpx auth flow, for sync and async clients.

The token is cached and renewed shortly before `expires_in` runs out; a 401
renews it once and replays the request once. Renewal happens under a lock, so
concurrent requests share one new token instead of each fetching their own.
The client secret never appears in `repr`, in log records or in exceptions.

The token request takes the timeout of the request it authenticates (an auth
flow's own requests get none from httpx), and its body can be sent once only:
an HTTP client that follows redirects cannot re-post the client secret to the
URL a redirect names, which may be another origin. A token that is not a
non-empty string of visible ASCII characters (a null, a number, a CR/LF that
would split the header) raises `TokenError` without showing the token. The token
response must arrive in full within the read timeout and hold at most 64 KiB.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:  # imported where used: a sync program never loads asyncio
    import asyncio

from .exceptions import TokenError
from .retry import TOKEN_REQUEST, BoundedBody, is_token_request, parse_retry_after

__all__ = ["ClientCredentials", "is_token_request"]

# A token response is a small JSON object; a larger answer is refused, not read for ever.
MAX_TOKEN_RESPONSE_BYTES = 64 * 1024


class _SendOnce(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A request body that can go out once: a redirect that would re-send it fails."""

    def __init__(self, body: bytes, token_url: str) -> None:
        self._body = body
        self._token_url = token_url
        self._sent = False

    def _take(self) -> bytes:
        if self._sent:
            raise TokenError(
                f"the token endpoint {self._token_url} answered with a redirect; the client "
                "secret is not sent again, to that or any other URL"
            )
        self._sent = True
        return self._body

    def __iter__(self) -> Iterator[bytes]:
        yield self._take()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._take()


def _read_token(body: Any) -> str | None:
    """The access token of a token response body, if it is one a header can carry."""
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        return None
    if not all("!" <= char <= "~" for char in token):
        return None  # whitespace, CR/LF, control or non-ASCII characters
    return token


def _read_lifetime(body: dict[str, Any]) -> float | None:
    """`expires_in` in seconds (3600 when absent), or None when it is not a number."""
    lifetime = body.get("expires_in", 3600)
    if isinstance(lifetime, bool) or not isinstance(lifetime, int | float):
        return None
    if not 0 <= lifetime < float("inf"):
        return None
    return float(lifetime)


def _bound(reply: httpx.Response) -> httpx.Response:
    """`reply`, whose body must arrive within the request's read timeout and be small."""
    timeout = reply.request.extensions.get("timeout", {}).get("read")
    deadline = None if timeout is None else time.monotonic() + timeout
    reply.stream = BoundedBody(reply.stream, reply.request, deadline, MAX_TOKEN_RESPONSE_BYTES)
    return reply


class ClientCredentials(httpx.Auth):
    """`Authorization: Bearer <token>` from a client-credentials grant at `token_url`."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        renew_before: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.scope = scope
        self.renew_before = renew_before
        self._clock = clock
        self._token: str | None = None
        self._renew_at = 0.0
        self._thread_lock = threading.Lock()
        # An asyncio.Lock belongs to the event loop that first waits on it: one per loop.
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self.renewals = 0

    def __repr__(self) -> str:
        return f"ClientCredentials(token_url={self.token_url!r}, client_id={self.client_id!r})"

    def _fresh_token(self) -> str | None:
        if self._token is not None and self._clock() < self._renew_at:
            return self._token
        return None

    def _async_lock(self) -> asyncio.Lock:
        """The running event loop's lock, so that successive `asyncio.run`s can share `self`."""
        import asyncio

        loop = asyncio.get_running_loop()
        lock = self._async_locks.get(loop)
        if lock is None:
            lock = self._async_locks[loop] = asyncio.Lock()
        return lock

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        """The token request, with the timeout of `request` (the one it authenticates)."""
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }
        if self.scope:
            form["scope"] = self.scope
        # Marks the token request, so that the base client can tell its failures (the
        # operation was not sent yet) from the operation's own.
        extensions: dict[str, Any] = {TOKEN_REQUEST: True}
        if "timeout" in request.extensions:
            extensions["timeout"] = request.extensions["timeout"]
        token_request = httpx.Request("POST", self.token_url, data=form, extensions=extensions)
        token_request.stream = _SendOnce(token_request.content, self.token_url)
        return token_request

    def _store(self, response: httpx.Response) -> str:
        if response.status_code != 200:
            raise TokenError(
                f"the token endpoint {self.token_url} answered HTTP {response.status_code} "
                f"for client {self.client_id!r}",
                status_code=response.status_code,
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        try:
            body = response.json()
        except (ValueError, UnicodeDecodeError, RecursionError):  # not JSON, or nested too deeply
            body = None
        token = _read_token(body)
        if token is None:
            raise TokenError(
                f"the token endpoint {self.token_url} sent no usable access_token (expected "
                "a non-empty string of visible ASCII characters)"
            )
        lifetime = _read_lifetime(body)
        if lifetime is None:
            raise TokenError(
                f"the token endpoint {self.token_url} sent an expires_in that is not a "
                "number of seconds"
            )
        self._token = token
        self._renew_at = self._clock() + max(0.0, lifetime - min(self.renew_before, lifetime / 10))
        self.renewals += 1
        return token

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        with self._thread_lock:
            token = self._fresh_token()
            if token is None:
                reply = yield self._token_request(request)
                _bound(reply).read()
                token = self._store(reply)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        with self._thread_lock:
            if self._token == token:  # nobody renewed it meanwhile
                reply = yield self._token_request(request)
                _bound(reply).read()
                self._store(reply)
            token = self._token or token
        request.headers["Authorization"] = f"Bearer {token}"
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        lock = self._async_lock()
        async with lock:
            token = self._fresh_token()
            if token is None:
                reply = yield self._token_request(request)
                await _bound(reply).aread()
                token = self._store(reply)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        async with lock:
            if self._token == token:
                reply = yield self._token_request(request)
                await _bound(reply).aread()
                self._store(reply)
            token = self._token or token
        request.headers["Authorization"] = f"Bearer {token}"
        yield request
