"""The webhook delivery worker: sends the outbox's deliveries, signed, with Pluvo's retries.

It runs as a task on the server's event loop and only awaits HTTP, so a slow or dead
receiver never holds up a GraphQL request. Per URL, only the oldest pending delivery
is ever in flight, so deliveries to one URL arrive in the order they were queued;
a delivery that waits for its retry holds back the ones behind it. Each URL's attempt
runs on its own, so a stalled receiver never holds back another URL's deliveries.

Each attempt:
- has a fresh random salt and its own `sentDate` (the time it is sent), so every
  attempt has a different body and signature; the rest of the body never changes;
- times out after `timeout` seconds in all (connecting, sending, reading the status);
  the status decides, and the answer's body is not read;
- succeeds on any 2xx. A 410 disables the URL (see `codegen.server.outbox`). Any other
  answer, a timeout or a connection error is retried after `retry_base * 2**(n-1)`
  seconds for retry n, at most `retry_base * 360` (an hour with the default 10 s), up
  to `max_retries` (72) retries, so 73 attempts in all; redirects are not followed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from codegen.runtime.webhooks import (
    SALT_HEADER,
    SIGNATURE_HEADER,
    format_sent_date,
    new_salt,
    sign,
)
from codegen.server.outbox import Outbox, PendingDelivery

__all__ = ["DeliveryWorker", "WebhookSettings"]

LOGGER = logging.getLogger("codegen.server.webhooks")
USER_AGENT = "pluvo-codegen-reference-server"


@dataclass(frozen=True)
class WebhookSettings:
    """`serve --webhook-url --webhook-secret --webhook-timeout --webhook-retry-base`."""

    url: str
    secret: str
    timeout: float = 30.0
    retry_base: float = 10.0
    max_retries: int = 72
    poll_interval: float = 0.1

    def __repr__(self) -> str:
        return f"WebhookSettings(url={self.url!r}, timeout={self.timeout})"

    def backoff(self, retry: int) -> float:
        """Seconds to wait before retry number `retry` (1 for the first)."""
        return float(min(self.retry_base * 2 ** min(retry - 1, 30), self.retry_base * 360))


class DeliveryWorker:
    """Delivers what the outbox holds; the clock and the salt are injectable for tests."""

    def __init__(
        self,
        outbox: Outbox,
        settings: WebhookSettings,
        base_url: str,
        *,
        clock: Callable[[], float] = time.time,
        salt: Callable[[], str] = new_salt,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.outbox = outbox
        self.settings = settings
        self.base_url = base_url
        self.clock = clock
        self.salt = salt
        self.http = httpx.AsyncClient(
            timeout=settings.timeout, follow_redirects=False, transport=transport
        )

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()

    async def run(self) -> None:
        """Deliver until cancelled: each URL's head as soon as it is due.

        Each URL has its own attempt in flight, so a receiver that stalls until the
        timeout holds back only its own queue, never another URL's.
        """
        in_flight: dict[str, asyncio.Task[None]] = {}
        finished = asyncio.Event()

        def on_done(url: str) -> Callable[[asyncio.Task[None]], None]:
            def done(_: asyncio.Task[None]) -> None:
                in_flight.pop(url, None)
                finished.set()

            return done

        try:
            while True:
                finished.clear()
                now = self.clock()
                wait = self.settings.poll_interval
                for head in self.outbox.heads():
                    if head.url in in_flight:
                        continue
                    if head.next_attempt_at <= now:
                        task = asyncio.create_task(self._attempt_safely(head))
                        in_flight[head.url] = task
                        task.add_done_callback(on_done(head.url))
                    else:
                        wait = min(wait, head.next_attempt_at - now)
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for drops a cancel
                # that lands as an attempt ends, and the worker would never stop.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await finished.wait()
        finally:
            for task in in_flight.values():
                task.cancel()
            await asyncio.gather(*in_flight.values(), return_exceptions=True)
            await self.aclose()

    async def deliver_due(self) -> int:
        """One attempt for the head of each URL's queue that is due; how many were made.

        For stepping the worker by hand with an injected clock (the tests); `run`
        does not wait for every URL's attempt like this, so a stalled URL cannot hold
        back another.
        """
        heads = self.outbox.due(self.clock())
        await asyncio.gather(*(self._attempt_safely(head) for head in heads))
        return len(heads)

    async def _attempt_safely(self, delivery: PendingDelivery) -> None:
        # A bug here must not end the worker, nor spin on one delivery: it counts as
        # a failed attempt, with the same backoff.
        try:
            await self.attempt(delivery)
        except LookupError as exc:  # its portfolio item is gone: there is nothing to send
            LOGGER.warning("webhooks: delivery %d given up: %s", delivery.id, exc)
            self.outbox.record_failure(delivery.id, None, str(exc), None)
        except Exception as exc:
            LOGGER.exception("webhooks: delivery %d to %s failed", delivery.id, delivery.url)
            self._retry_or_give_up(delivery, None, f"{type(exc).__name__}: {exc}")

    async def attempt(self, delivery: PendingDelivery) -> None:
        """Send one delivery once and record the outcome."""
        payload = self.outbox.payload(delivery.id, self.base_url)
        document = {"event": delivery.event, **payload}
        document["sentDate"] = format_sent_date(datetime.fromtimestamp(self.clock(), UTC))
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        salt = self.salt()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: sign(body, salt, self.settings.secret),
            SALT_HEADER: salt,
        }
        status: int | None = None
        try:
            async with asyncio.timeout(self.settings.timeout):  # not wait_for: see run
                status = await self._status(delivery.url, body, headers)
            error = f"HTTP {status}"
        except TimeoutError:
            error = f"no answer within {self.settings.timeout:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        if status is not None and 200 <= status < 300:
            self.outbox.record_success(delivery.id, status)
        elif status == 410:
            dropped = self.outbox.disable(delivery.url, delivery.id)
            LOGGER.warning(
                "webhooks: %s answered 410 Gone: it is disabled, %d deliveries dropped",
                delivery.url,
                dropped,
            )
        else:
            self._retry_or_give_up(delivery, status, error)

    async def _status(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        # The status decides; the answer's body is not read, however long it is.
        request = self.http.build_request("POST", url, content=body, headers=headers)
        response = await self.http.send(request, stream=True)
        await response.aclose()
        return response.status_code

    def _retry_or_give_up(self, delivery: PendingDelivery, status: int | None, error: str) -> None:
        retry = delivery.attempts + 1  # the retry that would come next
        if retry > self.settings.max_retries:
            self.outbox.record_failure(delivery.id, status, error, None)
            LOGGER.warning(
                "webhooks: delivery %d to %s given up after %d attempts (%s)",
                delivery.id,
                delivery.url,
                retry,
                error,
            )
        else:
            retry_at = self.clock() + self.settings.backoff(retry)
            self.outbox.record_failure(delivery.id, status, error, retry_at)
