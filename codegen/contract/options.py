"""What one run of the contract kit is told: the target, its credentials and the budget."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_JOBS",
    "DEFAULT_MAX_EXAMPLES",
    "DEFAULT_MAX_PAGE_SIZE",
    "DEFAULT_TIMEOUT",
    "ContractOptions",
]

# The default run (every property, mutations allowed) against the embedded server is
# timed by benchmarks/bench_contract.py; see docs/contract.md for the figures.
DEFAULT_MAX_EXAMPLES = 50
DEFAULT_MAX_PAGE_SIZE = 50
DEFAULT_JOBS = 2
# Seconds for each HTTP request (`--timeout`), the token request included.
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class ContractOptions:
    """Everything `pluvo-codegen contract` takes; without `url`, the embedded server is used."""

    config_file: Path
    schema_path: Path
    url: str | None = None
    # A static token or OAuth client credentials (codegen.credentials); None: no header.
    auth: httpx.Auth | None = None
    user_ids: tuple[str, ...] = ()
    allow_mutations: bool = False
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    properties: tuple[str, ...] = ()
    max_page_size: int = DEFAULT_MAX_PAGE_SIZE
    # `--only`: document keys (relay, graphql, http, pluvo, house, or spec for the first three).
    only: tuple[str, ...] = ()
    connections: tuple[str, ...] = ()
    # `--var connection.arg=value`, parsed: {connection: {arg: value}}.
    variables: tuple[tuple[str, str, Any], ...] = ()
    # `--schema SOURCE` (a file, a URL or git:REV:path); None reads the config's schema.
    schema_source: str | None = None
    introspect: bool = False
    jobs: int = DEFAULT_JOBS
    record: Path | None = None

    def __repr__(self) -> str:
        # Never show the token or the secret in a traceback or a log: `auth` hides them.
        return (
            f"ContractOptions(url={self.url!r}, auth={self.auth!r}, user_ids={self.user_ids!r}, "
            f"allow_mutations={self.allow_mutations}, max_examples={self.max_examples}, "
            f"seed={self.seed})"
        )
