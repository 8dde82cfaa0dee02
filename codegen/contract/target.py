"""Resolve the endpoint to check: a URL with its token, or the embedded reference server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from codegen.contract.auth import fetch_token
from codegen.contract.embedded import EmbeddedLaunch, launch_embedded_server
from codegen.contract.options import ContractOptions

__all__ = ["Target", "open_target"]


@dataclass(frozen=True)
class Target:
    """An endpoint, the bearer token to send, and the users known to exist there."""

    url: str
    token: str | None
    known_users: tuple[str, ...]
    embedded: bool

    def __repr__(self) -> str:
        return f"Target(url={self.url!r}, embedded={self.embedded})"


@contextlib.contextmanager
def open_target(
    options: ContractOptions, launched: EmbeddedLaunch | None = None
) -> Iterator[Target]:
    """The target of `options`; an embedded server is used (started here unless `launched`
    already was) and stopped on exit."""
    if options.url is None:
        launch = launched or launch_embedded_server(options.config_file)
        try:
            server = launch.wait()
            yield Target(server.url, server.token, options.user_ids or server.user_ids, True)
        finally:
            launch.stop()
        return
    token = options.token
    if options.token_url is not None:
        token = fetch_token(
            options.token_url,
            options.client_id or "",
            options.client_secret or "",
            timeout=options.timeout,
        )
    yield Target(options.url, token, options.user_ids, False)
