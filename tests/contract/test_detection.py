"""The kit catches every deliberately broken server, and passes the correct one.

Each broken server is the reference server with one injected bug
(`broken_server.py`). The kit runs against each as a real process, with the
properties that must catch it, a fixed seed and a small budget; the servers run
side by side to keep the suite quick. A full run against the correct embedded
server must hold every property.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import pytest

from .broken_server import BUGS
from .launch import KitRun, kit_arguments, run_kit, serve

MAX_EXAMPLES = "20"
SEED = "0"
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
    "first_not_capped": Detection("pages_never_exceed_their_size"),
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
}


def check_broken_server(folder: Path, bug: str) -> KitRun:
    """Run the kit, with the properties that must catch `bug`, against a server with it."""
    detection = DETECTIONS[bug]
    chosen = [
        option for name in (*detection.first, detection.violated) for option in ("--property", name)
    ]
    with serve(folder / bug, bug) as server:
        return run_kit(
            *kit_arguments(server, "--allow-mutations", "--max-examples", MAX_EXAMPLES),
            *("--seed", SEED, "--format", "json", *chosen),
        )


@pytest.fixture(scope="module")
def detections(tmp_path_factory: pytest.TempPathFactory) -> dict[str, KitRun]:
    """The kit's run against every broken server, run side by side."""
    folder = tmp_path_factory.mktemp("broken")
    with ThreadPoolExecutor(PARALLEL) as pool:
        runs = pool.map(lambda bug: check_broken_server(folder, bug), sorted(DETECTIONS))
        return dict(zip(sorted(DETECTIONS), runs, strict=True))


def test_every_broken_server_has_its_expected_detection() -> None:
    assert sorted(DETECTIONS) == sorted(BUGS)
    assert len(BUGS) >= 15


@pytest.mark.parametrize("bug", sorted(DETECTIONS))
def test_the_kit_catches_the_broken_server(bug: str, detections: dict[str, KitRun]) -> None:
    run = detections[bug]
    assert run.code == 1, run.stderr
    assert DETECTIONS[bug].violated in run.names("violated"), run.stdout


def test_the_kit_holds_every_property_of_the_embedded_reference_server() -> None:
    run = run_kit(
        "--allow-mutations", "--max-examples", MAX_EXAMPLES, "--seed", SEED, "--format", "json"
    )
    assert run.code == 0, run.stdout + run.stderr
    assert run.names("held") == {p["name"] for p in run.report["properties"]}
    assert run.report["embedded"] is True
    assert len(run.report["properties"]) == 21
