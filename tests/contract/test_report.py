"""A violation is reported briefly in text, in full in JSON and `--record`, and in JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from codegen.contract import PROPERTIES
from codegen.contract.property import Document

from .launch import KitRun, kit_arguments, run_kit, serve

BUG = "off_by_one_after_cursor"
PROPERTY = "after_returns_the_following_nodes"


class Runs:
    """A read-only full run against a server with an off-by-one after a cursor."""

    def __init__(self, text: KitRun, json_run: KitRun, folder: Path) -> None:
        self.text, self.json, self.folder = text, json_run, folder


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    folder = tmp_path_factory.mktemp("report")
    with serve(folder, BUG) as server:
        options = kit_arguments(server, "--max-examples", "5", "--seed", "3")
        with ThreadPoolExecutor(2) as pool:  # two processes, side by side
            text = pool.submit(run_kit, *options, "--junit-xml", str(folder / "junit.xml"))
            record = str(folder / "record.jsonl")
            as_json = pool.submit(run_kit, *options, "--format", "json", "--record", record)
            return Runs(text.result(), as_json.result(), folder)


def properties(runs: Runs) -> list[dict[str, Any]]:
    found = runs.json.report["properties"]
    assert isinstance(found, list)
    return found


def test_the_text_report_groups_the_properties_by_document(runs: Runs) -> None:
    assert runs.text.code == 1
    lines = runs.text.stdout.splitlines()
    headers = [line for line in lines if line.startswith("== ")]
    assert headers == [
        "== Relay Cursor Connections spec (normative) ==",
        "== GraphQL specification (normative) ==",
        "== GraphQL over HTTP (normative) ==",
        "== Pluvo's documentation (not normative) ==",
        "== house policy (not normative) ==",
    ]
    shown = [line for line in lines[: len(properties(runs)) + len(headers)] if "==" not in line]
    for line, prop in zip(shown, properties(runs), strict=True):
        label = f"{prop['name']}[{prop['connection']}]" if prop["connection"] else prop["name"]
        reason = f": {prop['reason']}" if "reason" in prop else ""
        assert line == f"{prop['status']:<9} {label}{reason}"


def test_a_violation_shows_its_rule_why_and_example_as_graphql_arguments(runs: Runs) -> None:
    text = " ".join(runs.text.stdout.split())  # the text wraps long lines
    assert f"VIOLATED {PROPERTY} on certificates (Relay Cursor Connections spec)" in text
    assert "`first: n, after: c` returns exactly the n nodes that follow c, in order." in text
    assert 'Rule: "ApplyCursorsToEdges: if after is set, remove all elements' in text
    (violation,) = [p for p in properties(runs) if p["name"] == PROPERTY]
    example = violation["counterexample"]
    assert isinstance(example, dict)
    # A boundary case: one node between two cursors.
    assert example["boundary"] is True
    assert example["example"].startswith("first: 1, after: <cursor of node ")
    assert f"Example (a boundary case, run on every seed): {example['example']}" in text
    (brief,) = example["brief"]
    assert brief["request"] == f"certificates({example['example']})"
    assert brief["response"].startswith("HTTP 200; nodes [")
    assert "hasNextPage: " in brief["response"]
    assert "Repeat this run with --seed 3" in text


def test_the_text_is_short_and_its_lines_are_readable(runs: Runs) -> None:
    text = runs.text.stdout
    assert len(text.encode()) < 16_000
    long_lines = [line for line in text.splitlines() if len(line) > 130]
    assert long_lines == []
    assert '"query"' not in text  # no raw request bodies, only GraphQL arguments


def test_the_json_report_has_the_full_exchanges(runs: Runs) -> None:
    (violation,) = [p for p in properties(runs) if p["name"] == PROPERTY]
    example = violation["counterexample"]
    assert isinstance(example, dict)
    (exchange,) = example["exchanges"]
    assert exchange["request"]["query"].startswith("query ContractPage(")
    assert exchange["request"]["variables"]["first"] == 1
    body = exchange["response"]["body"]
    assert body["data"]["certificates"]["edges"][0]["cursor"]
    assert violation["document"] == "Relay Cursor Connections spec"
    assert violation["rule"].startswith("ApplyCursorsToEdges")


def test_record_writes_every_exchange_in_full(runs: Runs) -> None:
    lines = (runs.folder / "record.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) > 100
    assert all({"request", "status", "body"} <= set(r) for r in records)
    (violation,) = [p for p in properties(runs) if p["name"] == PROPERTY]
    example = violation["counterexample"]
    assert isinstance(example, dict)
    sent = example["exchanges"][0]["request"]
    assert any(r["request"] == sent for r in records)


def test_junit_has_one_case_per_property_and_connection(runs: Runs) -> None:
    root = ElementTree.parse(runs.folder / "junit.xml").getroot()
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(properties(runs))
    failed = {case.get("name") for case in cases if case.find("failure") is not None}
    skipped = {case.get("name") for case in cases if case.find("skipped") is not None}
    assert f"{PROPERTY}[certificates]" in failed
    assert "known_users_succeed" in skipped
    assert {s.get("name") for s in root.findall("testsuite")} <= {d.value for d in Document}


def test_mutation_properties_are_skipped_with_the_reason(runs: Runs) -> None:
    skipped = {p["name"]: p["reason"] for p in properties(runs) if p["status"] == "skipped"}
    assert "known_users_succeed" in skipped
    assert all("--allow-mutations" in str(reason) for reason in skipped.values())


def test_the_json_report_names_the_seed_the_limit_and_the_connections(runs: Runs) -> None:
    report = runs.json.report
    assert runs.json.code == 1
    assert (report["seed"], report["max_examples"], report["max_page_size"]) == (3, 5, 50)
    assert report["connections"] == [{"name": "certificates"}]
    statuses = [p["status"] for p in properties(runs)]
    assert report["summary"] == {s: statuses.count(s) for s in ("held", "violated", "skipped")}


def test_every_property_states_one_sentence_and_quotes_its_rule() -> None:
    names = [prop.name for prop in PROPERTIES]
    assert len(set(names)) == len(names) == 23
    for prop in PROPERTIES:
        assert prop.statement.endswith(".") and prop.statement.count(". ") == 0, prop.name
        assert len(prop.rule) > 20, prop.name
    documents = {prop.document for prop in PROPERTIES}
    assert documents == set(Document)
