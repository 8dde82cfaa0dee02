"""Boundaries are not left to chance: each pagination bug is caught on every seed.

One server process serves every resolver-level pagination bug by path
(`broken_server.py --bug-paths`), and the kit runs in this process against each,
with the property that must catch it, on five seeds and only two random examples:
what catches the bug is the fixed boundary phase, which is the same on every seed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from codegen.contract import ContractOptions, Status, check_contract
from codegen.contract.outcome import ContractReport
from codegen.credentials import BearerToken

from .broken_server import PAGE_BUGS
from .launch import REPO, Served, bug_url, serve

SEEDS = (0, 1, 2, 3, 4)
RANDOM_EXAMPLES = 2

# The property that must catch each bug.
CATCHES = {
    "last_zero_returns_everything": "before_returns_the_preceding_nodes",
    "has_previous_page_is_after_given": "has_previous_page_tells_the_truth",
    "has_next_page_ignores_before": "has_next_page_tells_the_truth",
    "first_with_last_wraps_around": "first_and_last_together_follow_the_algorithm",
}


@pytest.fixture(scope="module")
def paths_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server with every pagination bug, each at its own path."""
    with serve(tmp_path_factory.mktemp("paths"), bug_paths=True) as server:
        yield server


def check(served: Served, url: str, prop: str, seed: int) -> ContractReport:
    """The kit, in this process, with one property against `url`."""
    options = ContractOptions(
        config_file=REPO / "pyproject.toml",
        schema_path=REPO / "schema" / "pluvo.graphql",
        url=url,
        auth=BearerToken(served.token),
        user_ids=tuple(served.user_ids),
        max_examples=RANDOM_EXAMPLES,
        seed=seed,
        properties=(prop,),
        jobs=1,
    )
    return check_contract(options)


def test_every_path_bug_has_the_property_that_catches_it() -> None:
    assert sorted(CATCHES) == sorted(PAGE_BUGS)


@pytest.mark.parametrize("bug", sorted(CATCHES))
def test_the_bug_is_caught_on_every_seed_by_a_boundary_case(bug: str, paths_server: Served) -> None:
    caught = []
    for seed in SEEDS:
        report = check(paths_server, bug_url(paths_server, bug), CATCHES[bug], seed)
        (outcome,) = report.outcomes
        assert outcome.connection == "certificates"
        if outcome.status is Status.VIOLATED:
            assert outcome.counterexample is not None
            assert outcome.counterexample.boundary, outcome.counterexample
            caught.append(seed)
    assert caught == list(SEEDS)


@pytest.mark.parametrize("prop", sorted(set(CATCHES.values())))
def test_the_unpatched_path_holds_the_same_properties(prop: str, paths_server: Served) -> None:
    """No false alarm: the same server without a bug holds what the bugs break."""
    report = check(paths_server, paths_server.url, prop, SEEDS[0])
    assert [o.status for o in report.outcomes] == [Status.HELD]
