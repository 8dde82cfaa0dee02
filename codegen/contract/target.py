"""Resolve the endpoint to check: a URL with its token, or the embedded reference server."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from codegen.contract.auth import fetch_token
from codegen.contract.embedded import start_embedded_server
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
def open_target(options: ContractOptions) -> Iterator[Target]:
    """The target of `options`; an embedded server is started here and stopped on exit."""
    if options.url is None:
        with start_embedded_server(options.config_file) as server:
            yield Target(server.url, server.token, options.user_ids or server.user_ids, True)
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
