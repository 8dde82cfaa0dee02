"""Operations that use directives are validated against the source's own schema, so breaks show.

Each case: OLD has `a` and `b` (and whatever the directive needs), NEW drops `b`, and an
operation that uses the directive selects `b`. Every one of them must be reported broken.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graphql import build_schema, introspection_from_schema

from codegen.cli import main

QUERY = "type Query {\n  a: Int\n  b: Int\n}\n"

# (directive, extra SDL in both schemas, the operation that uses the directive)
CASES = {
    "include": ("", "query Uses($x: Boolean!) {\n  a @include(if: $x)\n  b\n}\n"),
    "skip": ("", "query Uses($x: Boolean!) {\n  a @skip(if: $x)\n  b\n}\n"),
    "deprecated": (
        'extend type Query {\n  old: Int @deprecated(reason: "use a")\n}\n',
        "query Uses {\n  old\n  b\n}\n",
    ),
    "specifiedBy": (
        'scalar Url @specifiedBy(url: "https://url.spec.whatwg.org/")\n'
        "extend type Query {\n  link: Url\n}\n",
        "query Uses {\n  link\n  b\n}\n",
    ),
    "oneOf": (
        "input Pick @oneOf {\n  id: ID\n  name: String\n}\n"
        "extend type Query {\n  pick(by: Pick): Int\n}\n",
        "query Uses($by: Pick) {\n  pick(by: $by)\n  b\n}\n",
    ),
    "custom": (
        "directive @cached(ttl: Int = 60) on FIELD | QUERY\n",
        "query Uses @cached {\n  a @cached(ttl: 5)\n  b\n}\n",
    ),
}
PLAIN = "query Plain {\n  b\n}\n"


@pytest.fixture(autouse=True)
def _in_scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty folder: no config, so only --queries counts; names are relative."""
    monkeypatch.chdir(tmp_path)


def _write(extra: str, operation: str) -> None:
    Path("old.graphql").write_text(QUERY + extra, encoding="utf-8")
    Path("new.graphql").write_text(QUERY.replace("  b: Int\n", "") + extra, encoding="utf-8")
    Path("queries").mkdir()
    Path("queries/uses.graphql").write_text(operation, encoding="utf-8")
    Path("queries/plain.graphql").write_text(PLAIN, encoding="utf-8")


def _breaks(old: str, new: str, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    code = main(["diff", old, new, "--queries", "queries", "--format", "json"])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert "Traceback" not in captured.err
    (change,) = json.loads(captured.out)["changes"]
    assert (change["type"], change["path"]) == ("FIELD_REMOVED", "Query.b")
    return {b["operation"]: b["location"] for b in change["breaks"]}


@pytest.mark.parametrize("directive", sorted(CASES))
def test_an_operation_using_a_directive_is_reported_broken(
    capsys: pytest.CaptureFixture[str], directive: str
) -> None:
    extra, operation = CASES[directive]
    _write(extra, operation)
    line = operation.splitlines().index("  b") + 1
    assert _breaks("old.graphql", "new.graphql", capsys) == {
        "Plain": "queries/plain.graphql:2:3",
        "Uses": f"queries/uses.graphql:{line}:3",
    }


@pytest.mark.parametrize("directive", ["include", "custom"])
def test_an_introspection_source_keeps_its_directives_too(
    capsys: pytest.CaptureFixture[str], directive: str
) -> None:
    extra, operation = CASES[directive]
    _write(extra, operation)
    for name in ("old", "new"):
        data = introspection_from_schema(build_schema(Path(f"{name}.graphql").read_text()))
        Path(f"{name}.json").write_text(json.dumps({"data": data}), encoding="utf-8")
    assert set(_breaks("old.json", "new.json", capsys)) == {"Plain", "Uses"}


LOCATION_OPERATIONS = {
    "FIELD": "query AtField {\n  a @cached\n}\n",
    "QUERY": "query AtQuery @cached {\n  a\n}\n",
    "VARIABLE_DEFINITION": "query AtVariable($x: Boolean! @cached) {\n  a @include(if: $x)\n}\n",
    "INLINE_FRAGMENT": "query AtInline {\n  ... @cached {\n    a\n  }\n}\n",
    "FRAGMENT_SPREAD": "query AtSpread {\n  ...A @cached\n}\nfragment A on Query {\n  a\n}\n",
    "FRAGMENT_DEFINITION": "query AtFragment {\n  ...B\n}\nfragment B on Query @cached {\n  a\n}\n",
}


def test_a_removed_directive_location_breaks_only_the_operations_that_use_it_there(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Dropping every location of @cached but FIELD breaks each operation that applies it
    elsewhere, under the change for that location, and not AtField: it is still valid."""
    locations = " | ".join(LOCATION_OPERATIONS)
    Path("old.graphql").write_text(f"directive @cached on {locations}\n{QUERY}", encoding="utf-8")
    Path("new.graphql").write_text(f"directive @cached on FIELD\n{QUERY}", encoding="utf-8")
    Path("queries").mkdir()
    for location, operation in LOCATION_OPERATIONS.items():
        Path(f"queries/{location.lower()}.graphql").write_text(operation, encoding="utf-8")
    assert (
        main(["diff", "old.graphql", "new.graphql", "--queries", "queries", "--format", "json"])
        == 1
    )
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    found = {
        change["message"].split("'")[1]: sorted(b["operation"] for b in change["breaks"])
        for change in json.loads(captured.out)["changes"]
    }
    operations = {
        location: [operation.split()[1].split("(")[0]]
        for location, operation in LOCATION_OPERATIONS.items()
        if location != "FIELD"
    }
    assert found == operations
