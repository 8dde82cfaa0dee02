"""Bulk issuance: `generateCertificate` accounts for every user it was given.

These properties issue real certificates, so they run only with `--allow-mutations`.
Known users come from `--user-id` (or the embedded server's fixture); unknown ones
are fresh random UUIDs.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import strategies as st

from codegen.contract.issuing import (
    Issuance,
    PortfolioItem,
    issuances,
    post_issuance,
    read_bulk_result,
    read_portfolios,
)
from codegen.contract.probe import Probe
from codegen.contract.property import Document, Needs, contract_property
from codegen.contract.scalars import read_instant
from codegen.contract.violation import Violation

__all__ = [
    "bulk_lists_are_disjoint",
    "bulk_lists_hold_exactly_the_requested_ids",
    "issued_certificates_reach_the_portfolio",
    "known_users_succeed",
    "unknown_templates_are_errors",
    "unknown_users_fail",
]


HOUSE_RULE = (
    "Pluvo's documentation does not say which users land in failedIds or what repeated ids do; "
    "the house policy: "
)


def _any_users(probe: Probe) -> st.SearchStrategy[Issuance]:
    return issuances(probe)


def _some_known_users(probe: Probe) -> st.SearchStrategy[Issuance]:
    return issuances(probe, min_known=1)


def _issue(probe: Probe, issuance: Issuance) -> tuple[list[str], list[str]]:
    return read_bulk_result(post_issuance(probe, issuance))


@contract_property(
    Document.HOUSE,
    HOUSE_RULE + "an id is reported once, as succeeded or as failed.",
    _any_users,
    Needs.MUTATIONS,
    Needs.TEMPLATE,
)
def bulk_lists_are_disjoint(probe: Probe, issuance: Issuance) -> None:
    """No id is in both `succeededIds` and `failedIds`."""
    succeeded, failed = _issue(probe, issuance)
    both = sorted(set(succeeded) & set(failed))
    if both:
        raise Violation(f"In both succeededIds and failedIds: {both}.")


@contract_property(
    Document.HOUSE,
    HOUSE_RULE + "every distinct requested id is reported exactly once.",
    _any_users,
    Needs.MUTATIONS,
    Needs.TEMPLATE,
)
def bulk_lists_hold_exactly_the_requested_ids(probe: Probe, issuance: Issuance) -> None:
    """Together, `succeededIds` and `failedIds` hold exactly the distinct requested ids, each
    once."""
    succeeded, failed = _issue(probe, issuance)
    reported = Counter(succeeded + failed)
    requested = set(issuance.distinct)
    missing = sorted(requested - set(reported))
    extra = sorted(set(reported) - requested)
    repeated = sorted(u for u, times in reported.items() if times > 1)
    if missing or extra or repeated:
        parts = [
            f"{label}: {ids}"
            for label, ids in (("missing", missing), ("not requested", extra), ("twice", repeated))
            if ids
        ]
        raise Violation(
            "The result lists do not account for the requested ids; " + "; ".join(parts) + "."
        )


@contract_property(
    Document.HOUSE,
    HOUSE_RULE + "an id that names no user is reported in failedIds.",
    _any_users,
    Needs.MUTATIONS,
    Needs.TEMPLATE,
)
def unknown_users_fail(probe: Probe, issuance: Issuance) -> None:
    """Every unknown user id lands in `failedIds`."""
    _, failed = _issue(probe, issuance)
    lost = sorted(issuance.unknown - set(failed))
    if lost:
        raise Violation(f"Unknown users not in failedIds: {lost}.")


@contract_property(
    Document.PLUVO,
    "generateCertificate issues the certificate template `id` to each of `userIds`.",
    _some_known_users,
    Needs.MUTATIONS,
    Needs.TEMPLATE,
    Needs.KNOWN_USERS,
)
def known_users_succeed(probe: Probe, issuance: Issuance) -> None:
    """Every known user id lands in `succeededIds`."""
    succeeded, _ = _issue(probe, issuance)
    lost = sorted(set(issuance.known) - set(succeeded))
    if lost:
        raise Violation(f"Known users not in succeededIds: {lost}.")


@contract_property(
    Document.PLUVO,
    "Issuing a certificate to users creates, for each user, an item in that user's "
    "portfolio; `title` overrides the title; `issueDate` is the item's startDate.",
    _some_known_users,
    Needs.MUTATIONS,
    Needs.TEMPLATE,
    Needs.KNOWN_USERS,
)
def issued_certificates_reach_the_portfolio(probe: Probe, issuance: Issuance) -> None:
    """Each issued certificate appears in that user's `portfolioItems`, with the given title and
    issue date."""
    before = read_portfolios(probe, issuance.known)
    succeeded, _ = _issue(probe, issuance)
    issued = [u for u in issuance.known if u in succeeded]
    after = read_portfolios(probe, issued)
    for user in issued:
        old = {item.id for item in before[user]}
        new = [item for item in after[user] if item.id not in old]
        if not new:
            raise Violation(f"User {user} succeeded but has no new portfolio item.")
        if not any(_matches(item, issuance) for item in new):
            shown = [(item.title, item.start_date) for item in new]
            raise Violation(
                f"User {user}'s new items (title, startDate) are {shown}; expected title "
                f"{issuance.title!r} and startDate {issuance.issue_date!r} where given."
            )


def _matches(item: PortfolioItem, issuance: Issuance) -> bool:
    if issuance.title is not None and item.title != issuance.title:
        return False
    if issuance.issue_date is None:
        return True
    expected = read_instant(issuance.issue_date)
    got = read_instant(item.start_date)
    if got is None or expected is None:
        return False
    if isinstance(item.start_date, str) and len(item.start_date) == len("2024-01-01"):
        return got.date() == expected.date()  # a server may keep the date only
    return got == expected


@st.composite
def _unknown_template(draw: st.DrawFn, probe: Probe) -> Issuance:
    templates = set(probe.template_ids)
    template = draw(st.uuids(version=4).map(str).filter(lambda t: t not in templates))
    return draw(issuances(probe, template=template))


@contract_property(
    Document.HOUSE,
    "Pluvo's documentation does not say what an unknown template does; the house policy: "
    "it is a GraphQL error, and nothing is issued.",
    _unknown_template,
    Needs.MUTATIONS,
    Needs.TEMPLATE,
)
def unknown_templates_are_errors(probe: Probe, issuance: Issuance) -> None:
    """Issuing an unknown template is an error, and nothing is issued for it."""
    before = read_portfolios(probe, issuance.known)
    exchange = post_issuance(probe, issuance)
    if not exchange.errors:
        raise Violation(f"An unknown template got no error, but HTTP {exchange.status} and data.")
    after = read_portfolios(probe, issuance.known)
    for user in issuance.known:
        if {i.id for i in after[user]} != {i.id for i in before[user]}:
            raise Violation(f"User {user} got a portfolio item from an unknown template.")
