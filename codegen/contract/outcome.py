"""The results of a run: one outcome per property, and the report that holds them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from codegen.contract.recorder import Exchange

__all__ = ["ContractReport", "Counterexample", "Outcome", "Status"]


class Status(enum.Enum):
    """What became of one property."""

    HELD = "held"
    VIOLATED = "violated"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Counterexample:
    """The shrunk example that broke a property: what it drew, what it sent, what came back."""

    message: str
    example: str
    exchanges: tuple[Exchange, ...]


@dataclass(frozen=True)
class Outcome:
    """One property's verdict; `reason` says why it was skipped."""

    name: str
    group: str
    statement: str
    status: Status
    seconds: float = 0.0
    reason: str | None = None
    counterexample: Counterexample | None = None


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

    @property
    def violated(self) -> list[Outcome]:
        """The outcomes of the violated properties."""
        return [o for o in self.outcomes if o.status is Status.VIOLATED]
