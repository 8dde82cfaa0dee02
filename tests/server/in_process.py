"""The reference server's app in this process, on loopback, with the token clock injected.

For the tests about token lifetimes: the issuer's clock is the test's, so a token
expires when the test moves the clock, not after a real wait. Everything else is the
real server: `build_app`, SQLite storage seeded like `serve`, uvicorn on a free port.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from serving import serve_asgi

from codegen.server.app import ServerSettings, build_app
from codegen.server.auth import AcceptedCredentials, TokenIssuer
from codegen.server.resolvers import build_schema
from codegen.server.run import ServeOptions, open_storage

from .reference import CERTIFICATES, REPO, SEED, USERS

__all__ = ["Clock", "InProcessServer", "serve_in_process"]


class Clock:
    """A clock that moves only when told to (`now`, or `advance`)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class InProcessServer:
    """What the tests need of a server: its URLs, credentials and seeded ids."""

    url: str
    token: str
    token_url: str
    client_id: str
    client_secret: str
    certificate_ids: list[uuid.UUID]

    @property
    def auth(self) -> dict[str, str]:
        """The Authorization header with the static token."""
        return {"Authorization": f"Bearer {self.token}"}


@contextlib.contextmanager
def serve_in_process(clock: Callable[[], float], *, token_ttl: int) -> Iterator[InProcessServer]:
    """Serve the seeded reference app (`SEED_OPTIONS`) with `clock` as the token clock."""
    credentials = AcceptedCredentials("static-token", "client", "secret", token_ttl=token_ttl)
    options = ServeOptions(
        REPO / "schema" / "pluvo.graphql", certificates=CERTIFICATES, users=USERS, seed=SEED
    )
    with open_storage(options) as storage:
        issuer = TokenIssuer(credentials, clock=clock)
        app = build_app(build_schema(options.schema_path), storage, issuer, ServerSettings())
        with serve_asgi(app) as base:
            yield InProcessServer(
                url=f"{base}/graphql/",
                token=credentials.token,
                token_url=f"{base}/oauth/token/",
                client_id=credentials.client_id,
                client_secret=credentials.client_secret,
                certificate_ids=storage.list_certificate_ids(),
            )
