"""OAuth client credentials as an httpx auth flow, for sync and async clients.

The token is cached and renewed shortly before `expires_in` runs out; a 401
renews it once and replays the request once. Renewal happens under a lock, so
concurrent requests share one new token instead of each fetching their own.
The client secret never appears in `repr`, in log records or in exceptions.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:  # imported where used: a sync program never loads asyncio
    import asyncio

from .exceptions import TokenError

__all__ = ["ClientCredentials"]


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

    def _token_request(self) -> httpx.Request:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }
        if self.scope:
            form["scope"] = self.scope
        return httpx.Request("POST", self.token_url, data=form)

    def _store(self, response: httpx.Response) -> str:
        if response.status_code != 200:
            raise TokenError(
                f"the token endpoint {self.token_url} answered HTTP {response.status_code} "
                f"for client {self.client_id!r}"
            )
        try:
            body = response.json()
            token = str(body["access_token"])
            lifetime = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise TokenError(f"the token endpoint {self.token_url} sent no access_token") from None
        self._token = token
        self._renew_at = self._clock() + max(0.0, lifetime - min(self.renew_before, lifetime / 10))
        self.renewals += 1
        return token

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        with self._thread_lock:
            token = self._fresh_token()
            if token is None:
                reply = yield self._token_request()
                reply.read()
                token = self._store(reply)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        with self._thread_lock:
            if self._token == token:  # nobody renewed it meanwhile
                reply = yield self._token_request()
                reply.read()
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
                reply = yield self._token_request()
                await reply.aread()
                token = self._store(reply)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        async with lock:
            if self._token == token:
                reply = yield self._token_request()
                await reply.aread()
                self._store(reply)
            token = self._token or token
        request.headers["Authorization"] = f"Bearer {token}"
        yield request
