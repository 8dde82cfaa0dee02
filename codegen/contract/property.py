"""A contract property: a named check with its one-sentence statement and its examples."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from hypothesis import strategies as st

from codegen.contract.probe import Probe

__all__ = ["Group", "Needs", "Property", "contract_property", "find_skip_reason"]

T = TypeVar("T")


class Group(enum.Enum):
    """Where a property comes from."""

    PAGINATION = "pagination (Relay cursor connections)"
    EXPECTATIONS = "pagination (reasonable expectations)"
    BULK = "bulk issuance"
    RESPONSES = "any response"


class Needs(enum.Enum):
    """What a property cannot run without."""

    BASELINE = "baseline"
    MUTATIONS = "mutations"
    KNOWN_USERS = "known users"
    TEMPLATE = "template"


@dataclass(frozen=True)
class Property(Generic[T]):
    """`check` raises `Violation` on a counterexample drawn from `examples(probe)`."""

    name: str
    statement: str
    group: Group
    needs: frozenset[Needs]
    examples: Callable[[Probe], st.SearchStrategy[T]]
    check: Callable[[Probe, T], None]


def contract_property(
    group: Group, examples: Callable[[Probe], st.SearchStrategy[T]], *needs: Needs
) -> Callable[[Callable[[Probe, T], None]], Property[T]]:
    """Make a check function a property, named after it and stated by its docstring."""

    def decorate(check: Callable[[Probe, T], None]) -> Property[T]:
        statement = " ".join((check.__doc__ or "").split())
        if not statement:
            raise ValueError(f"the property {check.__name__} needs its statement as a docstring")
        return Property(check.__name__, statement, group, frozenset(needs), examples, check)

    return decorate


def find_skip_reason(prop: Property[Any], probe: Probe) -> str | None:
    """Why `prop` cannot run against this probe, or None when it can."""
    if Needs.MUTATIONS in prop.needs and not probe.allow_mutations:
        return "mutations are not allowed: --allow-mutations issues real certificates"
    if Needs.KNOWN_USERS in prop.needs and not probe.known_users:
        return "no known users: pass --user-id UUID or PLUVO_USER_IDS"
    if Needs.BASELINE in prop.needs and probe.baseline.truncated:
        return "more templates than a full traversal per example can cover in time"
    if Needs.TEMPLATE in prop.needs and not probe.baseline.template_ids:
        return "the endpoint lists no certificate template to issue"
    return None
