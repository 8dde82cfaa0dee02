"""Issue certificates with `generateCertificate` and read portfolios; the examples to issue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hypothesis import strategies as st

from codegen.contract.exchange_recorder import Exchange
from codegen.contract.pages import normalize_id
from codegen.contract.probe import Probe
from codegen.contract.violation import Violation

__all__ = [
    "ISSUE_DOCUMENT",
    "Issuance",
    "PortfolioItem",
    "issuances",
    "post_issuance",
    "read_bulk_result",
    "read_portfolios",
]

ISSUE_DOCUMENT = (
    "mutation ContractIssue($id: UUID!, $userIds: [UUID!]!, $title: String, "
    "$issueDate: DateTime) { generateCertificate(id: $id, userIds: $userIds, title: $title, "
    "issueDate: $issueDate) { bulkGenerate { succeededIds failedIds } } }"
)


@dataclass(frozen=True)
class Issuance:
    """One `generateCertificate` call: which template, to whom (in order), and how."""

    template: str
    user_ids: tuple[str, ...]
    unknown: frozenset[str]
    title: str | None = None
    issue_date: str | None = None

    @property
    def distinct(self) -> list[str]:
        """The requested ids without repeats, in order."""
        return list(dict.fromkeys(self.user_ids))

    @property
    def known(self) -> list[str]:
        """The distinct requested ids that are known users."""
        return [u for u in self.distinct if u not in self.unknown]

    def variables(self) -> dict[str, Any]:
        """The mutation's variables; `title` and `issueDate` only when set."""
        values: dict[str, Any] = {"id": self.template, "userIds": list(self.user_ids)}
        if self.title is not None:
            values["title"] = self.title
        if self.issue_date is not None:
            values["issueDate"] = self.issue_date
        return values


@dataclass(frozen=True)
class PortfolioItem:
    """The fields of a portfolio item that issuing must set."""

    id: str
    title: Any
    start_date: Any


_TITLES = st.text(
    st.characters(categories=("L", "N", "P"), include_characters=" "), min_size=1, max_size=40
).map(str.strip)
_DATES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0).isoformat() + "Z"
)


@st.composite
def issuances(
    draw: st.DrawFn, probe: Probe, *, min_known: int = 0, template: str | None = None
) -> Issuance:
    """Some known users (repeats allowed) and fresh unknown ones, shuffled, maybe repeated."""
    known_users = list(probe.known_users)
    known = draw(
        st.lists(st.sampled_from(known_users), min_size=min_known, max_size=6)
        if known_users
        else st.just([])
    )
    fresh = st.uuids(version=4).map(str).filter(lambda u: u not in known_users)
    unknown = draw(st.lists(fresh, min_size=0 if known else 1, max_size=3, unique=True))
    ordered = draw(st.permutations(known + unknown))
    repeats = draw(st.lists(st.sampled_from(ordered), max_size=2))
    return Issuance(
        template=template or draw(st.sampled_from(probe.template_ids)),
        user_ids=tuple(ordered + repeats),
        unknown=frozenset(unknown),
        title=draw(st.none() | _TITLES.filter(bool)),
        issue_date=draw(st.none() | _DATES),
    )


def post_issuance(probe: Probe, issuance: Issuance) -> Exchange:
    """Send the mutation."""
    return probe.recorder.post(ISSUE_DOCUMENT, issuance.variables())


def read_bulk_result(exchange: Exchange) -> tuple[list[str], list[str]]:
    """(succeededIds, failedIds) of a call that had to succeed, ids in canonical form."""
    if exchange.status >= 400 or exchange.errors:
        raise Violation(
            f"Issuing a known template got HTTP {exchange.status} and errors {exchange.errors}."
        )
    data = exchange.data
    try:
        bulk = data["generateCertificate"]["bulkGenerate"]
        succeeded, failed = bulk["succeededIds"], bulk["failedIds"]
    except (KeyError, TypeError):
        raise Violation("The answer has no bulkGenerate { succeededIds failedIds }.") from None
    if not isinstance(succeeded, list) or not isinstance(failed, list):
        raise Violation("succeededIds and failedIds are not both lists.")
    return [normalize_id(u) for u in succeeded], [normalize_id(u) for u in failed]


def _portfolio_document(count: int) -> str:
    variables = ", ".join(f"$u{i}: UUID" for i in range(count))
    fields = " ".join(
        f"u{i}: portfolioItems(userId: $u{i}) {{ id title startDate }}" for i in range(count)
    )
    return f"query ContractPortfolios({variables}) {{ {fields} }}"


def read_portfolios(probe: Probe, users: Sequence[str]) -> dict[str, list[PortfolioItem]]:
    """Each user's portfolio items, in one request."""
    if not users:
        return {}
    variables = {f"u{i}": user for i, user in enumerate(users)}
    exchange = probe.recorder.post(_portfolio_document(len(users)), variables)
    data = exchange.data
    if exchange.errors or not isinstance(data, dict):
        raise Violation(f"Reading portfolios got HTTP {exchange.status}: {exchange.errors}.")
    portfolios: dict[str, list[PortfolioItem]] = {}
    for i, user in enumerate(users):
        items = data.get(f"u{i}")
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise Violation(f"portfolioItems of user {user} is not a list of items.")
        portfolios[user] = [
            PortfolioItem(str(item.get("id")), item.get("title"), item.get("startDate"))
            for item in items
        ]
    return portfolios
