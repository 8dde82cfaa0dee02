"""Start the reference server: open or seed the database, bind, serve, write the fixture."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import signal
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from codegen.atomic_write import write_atomically
from codegen.errors import CodegenError
from codegen.serve_asgi import bind, serve_on
from codegen.server.app import ServerSettings, build_app
from codegen.server.auth import AcceptedCredentials, TokenIssuer
from codegen.server.delivery import WebhookSettings
from codegen.server.resolvers import build_schema
from codegen.server.seed import make_certificates, make_users
from codegen.server.storage import Storage
from codegen.server.webhooks import start_webhooks

__all__ = ["ServeOptions", "open_storage", "serve"]


@dataclass(frozen=True)
class ServeOptions:
    """Everything `pluvo-codegen serve` takes."""

    schema_path: Path
    host: str = "127.0.0.1"
    port: int = 8000
    db: Path | None = None
    certificates: int = 120
    users: int = 10
    seed: int = 0
    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_ttl: int = 86400
    fixture_out: Path | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_timeout: float = 30.0
    webhook_retry_base: float = 10.0

    def webhooks(self) -> WebhookSettings | None:
        """The webhook settings, when `--webhook-url` was given."""
        if self.webhook_url is None:
            return None
        if not self.webhook_secret:
            raise CodegenError("--webhook-url needs --webhook-secret")
        return WebhookSettings(
            self.webhook_url, self.webhook_secret, self.webhook_timeout, self.webhook_retry_base
        )


@contextlib.contextmanager
def open_storage(options: ServeOptions) -> Iterator[Storage]:
    """The database at `--db` (seeded if new), or a fresh temporary one."""
    with contextlib.ExitStack() as stack:
        if options.db is None:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="pluvo-server-"))
            path = Path(folder) / "pluvo.sqlite3"
        else:
            path = options.db
        try:
            storage = Storage(path)
            fresh = storage.is_empty()
        except sqlite3.DatabaseError as exc:
            raise CodegenError(f"{path}: not a usable SQLite database ({exc})") from exc
        stack.callback(storage.close)
        if fresh:
            storage.seed(
                make_certificates(options.certificates, options.seed),
                make_users(options.users, options.seed),
            )
        yield storage


@contextlib.contextmanager
def exit_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into `SystemExit`, so that every `with` block below still cleans up.

    uvicorn shuts down gracefully on SIGTERM and then raises the signal again with
    the handler it found. With the default handler the process would die right
    there, without closing the database or deleting the temporary one.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(options: ServeOptions, announce: Callable[[str], None] = print) -> None:
    """Serve until interrupted."""
    with exit_on_sigterm():
        _serve(options, announce)


def _serve(options: ServeOptions, announce: Callable[[str], None]) -> None:
    accepted = AcceptedCredentials(
        token=options.token or secrets.token_hex(24),
        client_id=options.client_id or "pluvo-reference-client",
        client_secret=options.client_secret or secrets.token_hex(24),
        token_ttl=options.token_ttl,
    )
    schema = build_schema(options.schema_path)
    webhooks = options.webhooks()
    sock = bind(options.host, options.port)
    with open_storage(options) as storage:
        issuer = TokenIssuer(accepted)
        app = build_app(schema, storage, issuer, ServerSettings())
        host, port = sock.getsockname()[:2]
        shown_host = f"[{host}]" if ":" in host else host
        base = f"http://{shown_host}:{port}"
        fixture = {
            "url": f"{base}/graphql/",
            "token": accepted.token,
            "token_url": f"{base}/oauth/token/",
            "client_id": accepted.client_id,
            "client_secret": accepted.client_secret,
            "user_ids": [str(u.id) for u in storage.list_users()],
            "certificate_ids": [str(c) for c in storage.list_certificate_ids()],
        }

        def started() -> None:
            if options.fixture_out is not None:
                write_atomically(options.fixture_out, json.dumps(fixture, indent=2) + "\n")
            announce(f"Serving {fixture['url']} (token {accepted.token})")

        async def run() -> None:
            stop_webhooks = start_webhooks(app, storage, issuer, webhooks, base)
            await serve_on(app, sock, started)
            await stop_webhooks()

        asyncio.run(run())
