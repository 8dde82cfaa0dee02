"""A contract property: a named check, the document and rule it enforces, and its examples."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from hypothesis import strategies as st

from codegen.contract.probe import Probe

__all__ = [
    "Document",
    "Needs",
    "Property",
    "contract_property",
    "find_skip_reason",
    "select_documents",
]

T = TypeVar("T")


class Document(enum.Enum):
    """The document a property enforces; the report groups by it."""

    RELAY = "Relay Cursor Connections spec"
    GRAPHQL = "GraphQL specification"
    HTTP = "GraphQL over HTTP"
    PLUVO = "Pluvo's documentation"
    HOUSE = "house policy"

    @property
    def key(self) -> str:
        """The name `--only` takes."""
        return self.name.lower()

    @property
    def normative(self) -> bool:
        """True for a published specification; false for Pluvo's docs and the house policy."""
        return self in (Document.RELAY, Document.GRAPHQL, Document.HTTP)


def select_documents(keys: Sequence[str]) -> frozenset[Document]:
    """The documents `--only` names: `spec` is every normative one; none named is all."""
    if not keys:
        return frozenset(Document)
    chosen: set[Document] = set()
    for key in keys:
        if key == "spec":
            chosen |= {d for d in Document if d.normative}
        else:
            chosen.add(Document[key.upper()])
    return frozenset(chosen)


class Needs(enum.Enum):
    """What a property cannot run without."""

    CONNECTION = "a connection to page through"
    BACKWARD = "`last`/`before` on the connection"
    TOTAL = "a total field (`count` or `totalCount`)"
    MUTATIONS = "mutations"
    KNOWN_USERS = "known users"
    TEMPLATE = "template"
    NODES = "at least one node"


@dataclass(frozen=True)
class Property(Generic[T]):
    """`check` raises `Violation` on a counterexample drawn from `examples(probe)`.

    `boundaries(probe)` are the fixed examples run first, whatever the seed.
    """

    name: str
    statement: str
    document: Document
    rule: str
    needs: frozenset[Needs]
    examples: Callable[[Probe], st.SearchStrategy[T]]
    check: Callable[[Probe, T], None]
    boundaries: Callable[[Probe], Sequence[T]] | None = None
    # Many requests per example: run early, so that the lanes finish together.
    heavy: bool = False

    @property
    def per_connection(self) -> bool:
        """True when the property runs once for every connection."""
        return Needs.CONNECTION in self.needs

    @property
    def writes(self) -> bool:
        """True when the property may change the endpoint's data (it issues or draws mutations)."""
        return Needs.MUTATIONS in self.needs or self.document in (Document.GRAPHQL, Document.HTTP)


def contract_property(
    document: Document,
    rule: str,
    examples: Callable[[Probe], st.SearchStrategy[T]],
    *needs: Needs,
    boundaries: Callable[[Probe], Sequence[T]] | None = None,
    heavy: bool = False,
) -> Callable[[Callable[[Probe, T], None]], Property[T]]:
    """Make a check function a property, named after it and stated by its docstring."""

    def decorate(check: Callable[[Probe, T], None]) -> Property[T]:
        statement = " ".join((check.__doc__ or "").split())
        if not statement:
            raise ValueError(f"the property {check.__name__} needs its statement as a docstring")
        return Property(
            check.__name__,
            statement,
            document,
            " ".join(rule.split()),
            frozenset(needs),
            examples,
            check,
            boundaries,
            heavy,
        )

    return decorate


def find_skip_reason(prop: Property[Any], probe: Probe) -> str | None:
    """Why `prop` cannot run against this probe, or None when it can."""
    connection = probe.connection
    if prop.per_connection:
        if connection is None:
            return "the schema has no Relay connection on Query"
        if connection.skip_reason is not None:
            return f"{connection.name} is skipped: {connection.skip_reason}"
        if Needs.BACKWARD in prop.needs and not connection.backward:
            return f"{connection.name} takes no `last`/`before`"
        if Needs.TOTAL in prop.needs and connection.total_field is None:
            return f"{connection.name} has no `count` or `totalCount` field"
        if probe.baseline.truncated:
            return "more nodes than a full traversal per example can cover in time"
        if Needs.NODES in prop.needs and not probe.baseline.edges:
            return f"{connection.name} has no nodes to page through"
    if Needs.MUTATIONS in prop.needs and not probe.allow_mutations:
        return "mutations are not allowed: --allow-mutations issues real certificates"
    if Needs.MUTATIONS in prop.needs and not probe.can_issue:
        return "the schema has no `generateCertificate` mutation"
    if Needs.KNOWN_USERS in prop.needs and not probe.known_users:
        return "no known users: pass --user-id UUID or PLUVO_USER_IDS"
    if Needs.TEMPLATE in prop.needs and not probe.template_ids:
        return "the endpoint lists no certificate template to issue"
    return None
