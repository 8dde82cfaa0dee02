"""The kit catches every deliberately broken server, and passes the correct one.

Each broken server is the reference server with one injected bug
(`broken_server.py`), a real process on loopback. The kit runs in this process
against each, with the properties that must catch it, a fixed seed and a small
budget; two run side by side to keep the suite quick. The slow test repeats this on
five seeds for every bug. That a full run against the correct embedded server holds
every property is test_embedded.py (a module of its own, so that it runs beside this
one's fixture, not after it, on two workers).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import pytest

from codegen.contract import ContractOptions, ContractReport, Status, check_contract
from codegen.credentials import BearerToken

from .broken_server import BUGS, PAGE_BUGS
from .launch import REPO, Served, serve_each

MAX_EXAMPLES = 20
SEED = 0
SEEDS = (0, 1, 2, 3, 4)
PARALLEL = 2


class Detection(NamedTuple):
    """The property that must be violated, and properties to run before it."""

    violated: str
    first: tuple[str, ...] = ()


DETECTIONS = {
    "off_by_one_after_cursor": Detection("after_returns_the_following_nodes"),
    "has_next_page_true_on_a_full_last_page": Detection("has_next_page_tells_the_truth"),
    "backward_page_reversed": Detection("before_returns_the_preceding_nodes"),
    "keyset_on_name_only": Detection("traversals_yield_every_node_once"),
    "cursors_change_between_requests": Detection("identical_requests_get_identical_answers"),
    "count_is_the_page_size": Detection("count_is_the_total"),
    "first_not_capped": Detection("pages_respect_the_page_size_limit"),
    "negative_first_accepted": Detection("negative_sizes_are_errors"),
    "has_previous_page_always_false": Detection("has_previous_page_tells_the_truth"),
    "end_cursor_past_the_page": Detection("page_cursors_match_the_edges"),
    "before_returns_nodes_after": Detection("before_returns_the_preceding_nodes"),
    "cursor_cache_evicts_old_cursors": Detection("cursors_stay_usable"),
    "bulk_result_loses_an_id": Detection("bulk_lists_hold_exactly_the_requested_ids"),
    "unknown_user_reported_succeeded": Detection("unknown_users_fail"),
    "issued_certificate_missing_from_portfolio": Detection(
        "issued_certificates_reach_the_portfolio"
    ),
    "duplicate_user_reported_twice": Detection("bulk_lists_hold_exactly_the_requested_ids"),
    "title_ignored": Detection("issued_certificates_reach_the_portfolio"),
    "issue_date_ignored": Detection("issued_certificates_reach_the_portfolio"),
    "unknown_template_reported_as_failures": Detection("unknown_templates_are_errors"),
    "server_error_on_invalid_document": Detection("invalid_documents_get_errors"),
    "server_error_on_non_ascii": Detection("valid_documents_never_get_5xx"),
    "uuid_without_dashes": Detection("responses_conform_to_the_schema"),
    # Portfolio items exist only once something was issued.
    "datetime_as_epoch_seconds": Detection(
        "responses_conform_to_the_schema", first=("issued_certificates_reach_the_portfolio",)
    ),
    "last_zero_returns_everything": Detection("before_returns_the_preceding_nodes"),
    "has_previous_page_is_after_given": Detection("has_previous_page_tells_the_truth"),
    "has_next_page_ignores_before": Detection("has_next_page_tells_the_truth"),
    "first_with_last_wraps_around": Detection("first_and_last_together_follow_the_algorithm"),
}


# The path-served pagination bugs are proven on five seeds by test_seeds.py, from one
# server process; here, one process per bug: the others.
ONE_EACH = sorted(set(DETECTIONS) - set(PAGE_BUGS))


def run_kit_on(served: Served, bug: str, seed: int) -> ContractReport:
    """The kit, in this process, with the properties that must catch `bug`."""
    detection = DETECTIONS[bug]
    options = ContractOptions(
        config_file=REPO / "pyproject.toml",
        schema_path=REPO / "schema" / "pluvo.graphql",
        url=served.url,
        auth=BearerToken(served.token),
        user_ids=tuple(served.user_ids),
        allow_mutations=True,
        max_examples=MAX_EXAMPLES,
        seed=seed,
        properties=(*detection.first, detection.violated),
        jobs=1,
    )
    return check_contract(options)


def check_broken_servers(
    folder: Path, bugs: list[str], seeds: tuple[int, ...]
) -> dict[str, list[ContractReport]]:
    """Fork a server for each bug, then run the kit against each, two at a time, per seed."""
    with serve_each(folder, bugs) as servers, ThreadPoolExecutor(PARALLEL) as pool:
        runs = pool.map(lambda bug: [run_kit_on(servers[bug], bug, s) for s in seeds], bugs)
        return dict(zip(bugs, runs, strict=True))


def violated(report: ContractReport) -> set[str]:
    return {o.name for o in report.outcomes if o.status is Status.VIOLATED}


@pytest.fixture(scope="module")
def detections(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ContractReport]:
    """The kit's run against every broken server, two at a time."""
    runs = check_broken_servers(tmp_path_factory.mktemp("broken"), ONE_EACH, (SEED,))
    return {bug: reports[0] for bug, reports in runs.items()}


def test_every_broken_server_has_its_expected_detection() -> None:
    assert sorted(DETECTIONS) == sorted(BUGS)
    assert set(PAGE_BUGS) <= set(BUGS)
    assert len(BUGS) >= 27


@pytest.mark.parametrize("bug", ONE_EACH)
def test_the_kit_catches_the_broken_server(bug: str, detections: dict[str, ContractReport]) -> None:
    report = detections[bug]
    assert DETECTIONS[bug].violated in violated(report), report.outcomes


@pytest.mark.slow
def test_every_broken_server_is_caught_on_five_seeds(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Seed by seed: each bug is caught on every one of five seeds, at 20 examples."""
    runs = check_broken_servers(tmp_path_factory.mktemp("seeds"), sorted(DETECTIONS), SEEDS)
    missed = {
        bug: [
            seed
            for seed, report in zip(SEEDS, reports, strict=True)
            if DETECTIONS[bug].violated not in violated(report)
        ]
        for bug, reports in runs.items()
    }
    assert {bug: seeds for bug, seeds in missed.items() if seeds} == {}
