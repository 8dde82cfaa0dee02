"""A violation is reported with its name, statement and shrunk counterexample, in text and JSON."""

from __future__ import annotations

import json

import pytest

from .launch import KitRun, kit_arguments, run_kit, serve

BUG = "off_by_one_after_cursor"
PROPERTY = "after_returns_the_following_nodes"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[KitRun, KitRun]:
    """A read-only full run against a server with an off-by-one after a cursor, as text and JSON."""
    with serve(tmp_path_factory.mktemp("report"), BUG) as server:
        options = kit_arguments(server, "--max-examples", "10", "--seed", "3")
        return run_kit(*options), run_kit(*options, "--format", "json")


def test_the_text_report_has_one_line_per_property_then_each_violation(
    runs: tuple[KitRun, KitRun],
) -> None:
    text, report = runs[0], runs[1].report
    assert text.code == 1
    lines = text.stdout.splitlines()
    for line, prop in zip(lines, report["properties"], strict=False):
        reason = f": {prop['reason']}" if "reason" in prop else ""
        assert line == f"{prop['status']:<9} {prop['name']}{reason}"
    assert f"VIOLATED {PROPERTY}" in text.stdout
    assert (
        "`first: n, after: c` returns exactly the n nodes that follow c, in order." in text.stdout
    )
    assert "Repeat this run with --seed 3." in text.stdout


def test_mutation_properties_are_skipped_with_the_reason(runs: tuple[KitRun, KitRun]) -> None:
    report = runs[1].report
    skipped = {p["name"]: p["reason"] for p in report["properties"] if p["status"] == "skipped"}
    assert "known_users_succeed" in skipped
    assert all("--allow-mutations" in reason for reason in skipped.values())
    assert "--allow-mutations" in runs[0].stdout


def test_the_counterexample_is_shrunk_to_the_exact_request_and_response(
    runs: tuple[KitRun, KitRun],
) -> None:
    (violation,) = [p for p in runs[1].report["properties"] if p["name"] == PROPERTY]
    example = violation["counterexample"]
    assert violation["status"] == "violated"
    assert violation["statement"].startswith("`first: n, after: c`")
    # Shrunk: one page of one node, right after the first node.
    assert example["example"] == "Slice(first=1, last=None, after=0, before=None)"
    (exchange,) = example["exchanges"]
    assert exchange["request"]["variables"]["first"] == 1
    assert exchange["response"]["status"] == 200
    assert len(exchange["response"]["data"]["certificates"]["edges"]) == 1
    text = runs[0].stdout
    assert (
        json.dumps(exchange["request"]["variables"], ensure_ascii=False, separators=(", ", ": "))
        in text
    )
    assert example["message"] in text


def test_the_json_report_names_the_seed_and_the_summary(runs: tuple[KitRun, KitRun]) -> None:
    report = runs[1].report
    assert runs[1].code == 1
    assert report["seed"] == 3
    assert report["max_examples"] == 10
    statuses = [p["status"] for p in report["properties"]]
    assert report["summary"] == {s: statuses.count(s) for s in ("held", "violated", "skipped")}


def test_every_property_has_a_one_sentence_statement() -> None:
    from codegen.contract import PROPERTIES

    names = [prop.name for prop in PROPERTIES]
    assert len(set(names)) == len(names) == 21
    for prop in PROPERTIES:
        assert prop.statement.endswith(".") and prop.statement.count(". ") == 0, prop.name
