"""One location type: diagnostics, the changes a diff reports and the operations it breaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.errors import Diagnostic, DocumentError, Location
from codegen.evolution import diff_schemas, load_operations, schema_from_text


def test_a_location_prints_path_line_column_and_the_path_alone_when_the_line_is_unknown() -> None:
    assert str(Location("queries/a.graphql", 3, 5)) == "queries/a.graphql:3:5"
    assert str(Location("queries", 0, 0)) == "queries"
    assert str(Diagnostic("queries/a.graphql", 3, 5, "bad")) == "queries/a.graphql:3:5: bad"
    assert str(Diagnostic("queries", 0, 0, "no such folder")) == "queries: no such folder"


def test_diagnostics_are_reported_file_by_file_line_by_line_once_each() -> None:
    error = DocumentError(
        [
            Diagnostic("b.graphql", 1, 1, "z"),
            Diagnostic("a.graphql", 10, 1, "y"),
            Diagnostic("a.graphql", 2, 7, "x"),
            Diagnostic("a.graphql", 2, 7, "x"),
        ]
    )
    assert str(error).splitlines() == [
        "a.graphql:2:7: x",
        "a.graphql:10:1: y",
        "b.graphql:1:1: z",
    ]


def test_a_diff_and_the_operations_it_breaks_carry_the_same_location_type(tmp_path: Path) -> None:
    old = schema_from_text(b"type Query {\n  a: Int\n  b: Int\n}\n", "old.graphql")
    new = schema_from_text(b"type Query {\n  a: Int\n}\n", "new.graphql")
    (tmp_path / "q.graphql").write_text("query Q {\n  b\n}\n", encoding="utf-8")
    [operation] = load_operations(tmp_path / "q.graphql", tmp_path)
    [change] = diff_schemas(old.model, new.model, locate_old=old.locate, locate_new=new.locate)
    assert change.location == Location("old.graphql", 3, 3)
    assert operation.location == Location("q.graphql", 1, 7)
    with pytest.raises(DocumentError) as raised:
        schema_from_text(b"type Query {\n  a: Nope\n}\n", "bad.graphql")
    [diagnostic] = raised.value.diagnostics
    assert isinstance(diagnostic, Location)
    assert str(diagnostic).startswith("bad.graphql:2:6: ")
