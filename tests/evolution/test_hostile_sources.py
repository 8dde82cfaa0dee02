"""Hostile introspection results and SDL: `pull` and `diff` exit 2 with one clear line.

Every introspection case is served by a real loopback endpoint to `pull --out`, whose
file must stay byte-identical, and read from a file by `diff`. No traceback, no exit 1.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, introspection_from_schema

from codegen.cli import main

from .fake_endpoint import run_endpoint

BASE_SDL = """
interface Named { name: String }
interface Titled { title: String }
type Query { item: Item count: Int }
type Item implements Named & Titled { name: String title: String }
directive @cached(ttl: Int) on FIELD
"""
PREVIOUS = b"type Query { previous: Int }\n"


def _base() -> dict[str, Any]:
    return {"data": introspection_from_schema(build_schema(BASE_SDL))}


def _type(data: dict[str, Any], name: str) -> dict[str, Any]:
    types: list[dict[str, Any]] = data["data"]["__schema"]["types"]
    return next(t for t in types if t["name"] == name)


def _mutated(change: Callable[[dict[str, Any]], None]) -> bytes:
    data = copy.deepcopy(_base())
    change(data)
    return json.dumps(data).encode()


def _of_type_chain(depth: int) -> bytes:
    """Query.count's type wrapped `depth` times; written as text, too deep for json.dumps."""
    deep = '{"kind": "SCALAR", "name": "Int", "ofType": null}'
    for level in range(depth):
        kind = "LIST" if level % 2 == 0 else "NON_NULL"
        deep = f'{{"kind": "{kind}", "name": null, "ofType": {deep}}}'

    def mark(data: dict[str, Any]) -> None:
        _type(data, "Query")["fields"][1]["type"] = "DEEP"

    return _mutated(mark).replace(b'"DEEP"', deep.encode())


def _unknown_type(data: dict[str, Any]) -> None:
    _type(data, "Query")["fields"][1]["type"] = {"kind": "OBJECT", "name": "Nope", "ofType": None}


def _bogus_kind(data: dict[str, Any]) -> None:
    _type(data, "Item")["kind"] = "BOGUS"


def _null_name(data: dict[str, Any]) -> None:
    _type(data, "Item")["name"] = None


def _spaced_name(data: dict[str, Any]) -> None:
    _type(data, "Query")["fields"][1]["name"] = "item count"


def _interface_cycle(data: dict[str, Any]) -> None:
    named, titled = _type(data, "Named"), _type(data, "Titled")
    named["interfaces"] = [{"kind": "INTERFACE", "name": "Titled", "ofType": None}]
    titled["interfaces"] = [{"kind": "INTERFACE", "name": "Named", "ofType": None}]


def _string_locations(data: dict[str, Any]) -> None:
    for directive in data["data"]["__schema"]["directives"]:
        if directive["name"] == "cached":
            directive["locations"] = "FIELD"


def _surrogate_description(data: dict[str, Any]) -> None:
    _type(data, "Query")["description"] = "SURROGATE"


DEPTH = 100_000
ERRORS_IS_A_NUMBER = {
    "pull": "the answer is not a GraphQL response (HTTP 200, application/json)",
    "diff": "not an introspection result: no __schema object (it holds errors instead)",
}
INTROSPECTION_CASES: dict[str, tuple[bytes, str]] = {
    "json_nested_100000_deep": (
        b'{"data": ' + b"[" * DEPTH + b"]" * DEPTH + b"}",
        "nested too deeply",
    ),
    # Python refuses to read an integer of more than 4300 digits (a ValueError).
    "integer_of_5000_digits": (
        b'{"data": {"__schema": {"queryType": ' + b"9" * 5000 + b"}}}",
        "a number longer than Python reads",
    ),
    # JSON's "\ud800" is a lone surrogate: graphql-core builds it, printing it fails.
    "lone_surrogate_in_a_description": (
        _mutated(_surrogate_description).replace(b'"SURROGATE"', b'"x\\ud800y"'),
        "a string holds a lone surrogate (U+D800), which is not Unicode text",
    ),
    "of_type_chain_400_deep": (
        _of_type_chain(400),
        "the type of Query.count is wrapped more than 32 times",
    ),
    # Too deep for Python's JSON reader already.
    "of_type_chain_5000_deep": (_of_type_chain(5000), "nested too deeply"),
    "errors_is_a_number": (b'{"errors": 5}', "not "),  # each command's own words, below
    "unknown_type_reference": (_mutated(_unknown_type), "unknown type: Nope"),
    "bogus_kind": (_mutated(_bogus_kind), "'kind': 'BOGUS'"),
    "null_name": (_mutated(_null_name), "Must provide name."),
    "name_with_spaces": (_mutated(_spaced_name), "'item count' does not"),
    "interfaces_in_a_cycle": (
        _mutated(_interface_cycle),
        "Type Named cannot implement Titled because it would create a circular reference.",
    ),
    "locations_as_a_string": (
        _mutated(_string_locations),
        "cached locations must be specified as a collection of DirectiveLocation enum values.",
    ),
}


def _one_line(err: str, source: str, fragment: str) -> None:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"pluvo-codegen: {source}: "), err
    assert fragment in lines[0], err


@pytest.mark.parametrize("case", sorted(INTROSPECTION_CASES))
def test_pull_exits_2_with_one_line_and_leaves_the_out_file_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    payload, fragment = INTROSPECTION_CASES[case]
    fragment = ERRORS_IS_A_NUMBER["pull"] if case == "errors_is_a_number" else fragment
    out = tmp_path / "schema.graphql"
    out.write_bytes(PREVIOUS)
    with run_endpoint("canned", payload) as url:
        code = main(["pull", "--url", url, "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    _one_line(captured.err, url, fragment)
    assert captured.out == ""
    assert out.read_bytes() == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == ["schema.graphql"]


@pytest.mark.parametrize("case", sorted(INTROSPECTION_CASES))
def test_diff_exits_2_with_one_line_on_a_hostile_introspection_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    payload, fragment = INTROSPECTION_CASES[case]
    fragment = ERRORS_IS_A_NUMBER["diff"] if case == "errors_is_a_number" else fragment
    monkeypatch.chdir(tmp_path)
    Path("old.json").write_bytes(payload)
    Path("new.graphql").write_bytes(PREVIOUS)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert main(["diff", "old.json", "new.graphql"]) == 2
    _one_line(capsys.readouterr().err, "old.json", fragment)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


SDL_DEPTH = 3000
SDL_CASES = {
    "list_type": "type Query {\n  a(x: "
    + "[" * SDL_DEPTH
    + "Int"
    + "]" * SDL_DEPTH
    + "): Int\n}\n",
    "default_value": "type Query {\n  a(x: [Int] = "
    + "[" * SDL_DEPTH
    + "]" * SDL_DEPTH
    + "): Int\n}\n",
    "directive_argument": (
        "directive @d(x: [Int]) on FIELD_DEFINITION\n"
        "type Query {\n  a: Int @d(x: " + "[" * SDL_DEPTH + "]" * SDL_DEPTH + ")\n}\n"
    ),
}


@pytest.mark.parametrize("case", sorted(SDL_CASES))
def test_diff_says_an_sdl_document_is_nested_too_deeply_as_validate_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("deep.graphql").write_text(SDL_CASES[case], encoding="utf-8")
    Path("queries").mkdir()
    Path("queries/q.graphql").write_text("query Q { a }\n", encoding="utf-8")
    Path("pyproject.toml").write_text(
        '[tool.ariadne-codegen]\nschema_path = "deep.graphql"\nqueries_path = "queries"\n',
        encoding="utf-8",
    )
    before = {p.name: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert main(["validate"]) == 2
    validate_err = capsys.readouterr().err
    assert main(["diff", "deep.graphql", "deep.graphql"]) == 2
    diff_err = capsys.readouterr().err
    assert "Traceback" not in diff_err
    (line, summary) = diff_err.splitlines()
    lines_before = SDL_CASES[case].index("[" * 10)
    assert line.startswith(f"deep.graphql:{SDL_CASES[case].count(chr(10), 0, lines_before) + 1}:")
    assert line.endswith(": Syntax Error: Document is nested too deeply. Parsing aborted.")
    assert validate_err == diff_err
    assert summary == "pluvo-codegen: 1 problem found"
    assert {p.name: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_pull_never_writes_sdl_that_validate_would_reject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With our depth limit lifted (and Python's raised), graphql-core builds and prints a
    type in 210 lists from introspection, but its parser refuses more than 200: pull
    checks the SDL as `validate` would before it writes anything."""
    import sys

    monkeypatch.setattr("codegen.evolution.read_introspection.MAX_TYPE_DEPTH", 10_000)
    out = tmp_path / "schema.graphql"
    out.write_bytes(PREVIOUS)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(5000)
    try:
        with run_endpoint("canned", _of_type_chain(420)) as url:
            code = main(["pull", "--url", url, "--out", str(out)])
    finally:
        sys.setrecursionlimit(limit)
    captured = capsys.readouterr()
    assert code == 2
    _one_line(captured.err, url, "the SDL printed from its schema would not pass `validate` at")
    assert "Document is nested too deeply. Parsing aborted." in captured.err
    assert out.read_bytes() == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == ["schema.graphql"]


@pytest.mark.parametrize("case", ["interfaces_in_a_cycle", "json_nested_100000_deep"])
def test_diff_of_a_hostile_url_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    payload, fragment = INTROSPECTION_CASES[case]
    monkeypatch.chdir(tmp_path)
    Path("new.graphql").write_bytes(PREVIOUS)
    with run_endpoint("canned", payload) as url:
        assert main(["diff", url, "new.graphql"]) == 2
    _one_line(capsys.readouterr().err, url, fragment.replace("the JSON", "the answer's JSON"))
    assert Path("new.graphql").read_bytes() == PREVIOUS


def test_a_schema_graphql_core_would_not_validate_is_reported_when_operations_need_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading checks what build_schema checks; validate_schema's rules (an interface's
    field left out) come up, with their location, when an operation is validated."""
    monkeypatch.chdir(tmp_path)
    old = "interface Node {\n  id: ID!\n}\ntype Query implements Node {\n  a: Int\n  b: Int\n}\n"
    Path("old.graphql").write_text(old, encoding="utf-8")
    Path("new.graphql").write_text(old.replace("  b: Int\n", ""), encoding="utf-8")
    Path("queries").mkdir()
    Path("queries/q.graphql").write_text("query Q {\n  b\n}\n", encoding="utf-8")
    assert main(["diff", "old.graphql", "new.graphql", "--queries", "queries"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines() == [
        "old.graphql:2:3: Interface field Node.id expected but Query does not provide it. "
        "(see also old.graphql:4:1)",
        "pluvo-codegen: 1 problem found",
    ]
