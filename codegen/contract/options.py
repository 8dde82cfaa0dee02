"""What one run of the contract kit is told: the target, its credentials and the budget."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_MAX_EXAMPLES", "ContractOptions"]

# Measured against the embedded reference server on 2 cores: a whole run with
# mutations takes about 25 s, 100 examples about 60 s (see the README).
DEFAULT_MAX_EXAMPLES = 50


@dataclass(frozen=True)
class ContractOptions:
    """Everything `pluvo-codegen contract` takes; without `url`, the embedded server is used."""

    config_file: Path
    schema_path: Path
    url: str | None = None
    token: str | None = None
    token_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    user_ids: tuple[str, ...] = ()
    allow_mutations: bool = False
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None
    timeout: float = 10.0
    properties: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # Never show the token or the secret in a traceback or a log.
        return (
            f"ContractOptions(url={self.url!r}, token_url={self.token_url!r}, "
            f"client_id={self.client_id!r}, user_ids={self.user_ids!r}, "
            f"allow_mutations={self.allow_mutations}, max_examples={self.max_examples}, "
            f"seed={self.seed})"
        )
