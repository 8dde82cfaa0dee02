"""The results of a run: one outcome per property, and the report that holds them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from codegen.contract.exchange_recorder import Exchange

__all__ = ["ContractReport", "Counterexample", "Outcome", "Status"]


class Status(enum.Enum):
    """What became of one property."""

    HELD = "held"
    VIOLATED = "violated"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Counterexample:
    """The shrunk example that broke a property: what it drew, what it sent, what came back.

    `example` reads as GraphQL arguments where it can; `brief` has one short line per
    exchange (the request's arguments, and the response's positions, pageInfo and
    errors); `exchanges` are the full exchanges, for the JSON report and `--record`.
    """

    message: str
    example: str
    exchanges: tuple[Exchange, ...]
    brief: tuple[tuple[str, str], ...] = ()
    boundary: bool = False


@dataclass(frozen=True)
class Outcome:
    """One property's verdict (on one connection, for a pagination property)."""

    name: str
    document: str
    statement: str
    status: Status
    seconds: float = 0.0
    reason: str | None = None
    counterexample: Counterexample | None = None
    rule: str = ""
    connection: str | None = None

    @property
    def label(self) -> str:
        """`name` or `name[connection]`."""
        return f"{self.name}[{self.connection}]" if self.connection else self.name


@dataclass(frozen=True)
class ContractReport:
    """A whole run: where, with which seed and budget, and every outcome in order."""

    target: str
    embedded: bool
    seed: int
    max_examples: int
    allow_mutations: bool
    outcomes: tuple[Outcome, ...]
    seconds: float
    max_page_size: int = 50
    # Every connection found on Query: its name and, when it was skipped, why.
    connections: tuple[tuple[str, str | None], ...] = ()
    # Mutations answered HTTP 401 and sent once more with a renewed OAuth token: run
    # once if the endpoint refused before executing (as HTTP 401 means), twice if not.
    resent_mutations: int = 0

    @property
    def violated(self) -> list[Outcome]:
        """The outcomes of the violated properties."""
        return [o for o in self.outcomes if o.status is Status.VIOLATED]

    @property
    def nothing_checked(self) -> bool:
        """True when no property held or was violated: every one was skipped."""
        return all(o.status is Status.SKIPPED for o in self.outcomes)
