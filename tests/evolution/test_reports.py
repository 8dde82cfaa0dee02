"""The three report formats, rendered from one comparison."""

from __future__ import annotations

import json

from codegen.evolution import Comparison, diff_schemas, find_breaks, render_report, schema_from_text

OLD = """\
type Query {
  "Plain | piped <b>text</b>."
  a: Int
  b: String
}
"""
NEW = """\
type Query {
  "Other * text_here."
  a: Int
  c: Float
}
"""


def _comparison() -> Comparison:
    old = schema_from_text(OLD.encode(), "old.graphql")
    new = schema_from_text(NEW.encode(), "new.graphql")
    changes = diff_schemas(old.model, new.model, locate_old=old.locate, locate_new=new.locate)
    findings = find_breaks(changes, [], old, new)
    return Comparison("old.graphql", "new.graphql", tuple(findings), 0)


def test_markdown_escapes_what_would_break_a_table_cell() -> None:
    report = render_report(_comparison(), "markdown")
    row = next(line for line in report.splitlines() if "FIELD_DESCRIPTION_CHANGED" in line)
    assert "Plain \\| piped &lt;b&gt;text&lt;/b&gt;." in row
    assert "Other \\* text\\_here." in row
    assert row.count(" | ") == 3  # four cells, none split by the pipe in the description


def test_markdown_without_operations_says_nothing_about_them() -> None:
    report = render_report(_comparison(), "markdown")
    assert "operation" not in report
    assert "**3 changes**: 1 breaking, 0 dangerous, 2 non-breaking." in report


def test_text_lists_each_change_with_its_place() -> None:
    report = render_report(_comparison(), "text")
    assert report.splitlines()[:3] == [
        "BREAKING     FIELD_REMOVED  Query.b",
        "    Field 'b' was removed from object type 'Query'.",
        "    at old.graphql:4:3",
    ]
    assert report.endswith(
        "3 changes from old.graphql to new.graphql: 1 breaking, 0 dangerous, 2 non-breaking.\n"
    )


def test_json_is_the_same_changes_in_the_same_order() -> None:
    comparison = _comparison()
    changes = json.loads(render_report(comparison, "json"))["changes"]
    assert [(c["level"], c["type"], c["path"]) for c in changes] == [
        (f.change.level.value, f.change.type.value, f.change.path) for f in comparison.findings
    ]
    assert [(c["path"], c["location"]) for c in changes] == [
        ("Query.b", "old.graphql:4:3"),
        ("Query.a", "new.graphql:3:3"),
        ("Query.c", "new.graphql:4:3"),
    ]
