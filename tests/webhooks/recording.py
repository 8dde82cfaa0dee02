"""A receiver that records every delivery and answers from a script of statuses."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["Received", "RecordingReceiver"]


@dataclass(frozen=True)
class Received:
    """One request as it arrived: the raw body, the headers (lower-case names), when."""

    path: str
    body: bytes
    headers: dict[str, str]
    at: float
    status: int


@dataclass
class RecordingReceiver:
    """Answers each POST with the next scripted status (then `default`), after `delay` s."""

    def __post_init__(self) -> None:
        self.gate.set()

    default: int = 200
    delay: float = 0.0
    gate: threading.Event = field(default_factory=threading.Event)
    script: deque[int] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    held: int = 0  # requests waiting at the closed gate now
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(
        self, *script: int, default: int = 200, delay: float = 0.0, hold: bool = False
    ) -> None:
        """Start over; with `hold`, every request waits until `release()`."""
        if hold:
            self.gate.clear()
        else:
            self.gate.set()
        with self._lock:
            self.script = deque(script)
            self.default = default
            self.delay = delay
            self.received = []
            self.held = 0

    def release(self) -> None:
        """Let held requests go on."""
        self.gate.set()

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Received]:
        """The first `count` requests, once they have arrived; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.received)} of {count} deliveries arrived")
            time.sleep(0.01)
        return self.received[:count]

    def wait_for_held(self, count: int, timeout: float = 15.0) -> None:
        """Return once `count` requests wait at the closed gate; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while self.held < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.held} of {count} requests are held")
            time.sleep(0.01)

    def app(self) -> Starlette:
        async def endpoint(request: Request) -> Response:
            body = await request.body()
            with self._lock:
                status = self.script.popleft() if self.script else self.default
                delay = self.delay
            headers = {k.lower(): v for k, v in request.headers.items()}
            arrived = time.monotonic()
            if delay:
                await asyncio.sleep(delay)
            if not self.gate.is_set():
                with self._lock:
                    self.held += 1
                while not self.gate.is_set():
                    await asyncio.sleep(0.005)
                with self._lock:
                    self.held -= 1
            self.received.append(Received(request.url.path, body, headers, arrived, status))
            return Response(status_code=status)

        return Starlette(routes=[Route("/{path:path}", endpoint, methods=["POST"])])
