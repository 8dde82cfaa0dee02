"""Resolve the endpoint to check: a URL with its credentials, or the embedded reference server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from codegen.contract.embedded import EmbeddedLaunch, launch_embedded_server
from codegen.contract.options import ContractOptions
from codegen.credentials import BearerToken

__all__ = ["Target", "open_target"]


@dataclass(frozen=True)
class Target:
    """An endpoint, the credentials to send, and the users known to exist there."""

    url: str
    auth: httpx.Auth | None
    known_users: tuple[str, ...]
    embedded: bool

    def __repr__(self) -> str:
        return f"Target(url={self.url!r}, embedded={self.embedded})"


@contextlib.contextmanager
def open_target(
    options: ContractOptions, launched: EmbeddedLaunch | None = None
) -> Iterator[Target]:
    """The target of `options`; an embedded server is used (started here unless `launched`
    already was) and stopped on exit. The token of a URL's OAuth credentials is fetched
    with its first request (the preflight), so that a refused secret is exit 2 at once."""
    if options.url is None:
        launch = launched or launch_embedded_server(options.config_file)
        try:
            server = launch.wait()
            auth = BearerToken(server.token)
            yield Target(server.url, auth, options.user_ids or server.user_ids, True)
        finally:
            launch.stop()
        return
    yield Target(options.url, options.auth, options.user_ids, False)
