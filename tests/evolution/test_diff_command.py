"""`pluvo-codegen diff`: exit codes, the three formats, and where the operations come from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen.cli import main

from .conftest import Evolution

TITLE = "  title: String\n"


def test_a_removed_field_our_operations_select_exits_1_naming_each_and_where(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    new = evolution.edit_schema(TITLE, "")
    assert evolution.diff(str(evolution.schema), str(new)) == 1
    captured = capsys.readouterr()
    assert "BREAKING     FIELD_REMOVED  Certificate.title" in captured.out
    assert "breaks ListCertificates at queries/list_certificates.graphql:9:9" in captured.out
    assert "2 of 4 operations broken: ListCertificates, ListCertificatesBackward." in captured.out
    assert "changes break ListCertificates, ListCertificatesBackward" in captured.err


def test_a_breaking_change_no_operation_uses_exits_0_and_1_with_strict(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    old = evolution.edit_schema(TITLE, TITLE + "  legacyCode: String\n", to="old.graphql")
    assert evolution.diff(str(old), str(evolution.schema)) == 0
    assert "None of our 4 operations is broken." in capsys.readouterr().out
    assert evolution.diff(str(old), str(evolution.schema), "--strict") == 1
    assert "1 breaking change(s) (--strict)" in capsys.readouterr().err


def test_an_added_field_exits_0_even_with_strict(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    new = evolution.edit_schema(TITLE, TITLE + "  code: String\n")
    assert evolution.diff(str(evolution.schema), str(new), "--strict") == 0
    assert "NON_BREAKING FIELD_ADDED  Certificate.code" in capsys.readouterr().out


def test_identical_schemas_report_no_changes(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    assert evolution.diff(str(evolution.schema), str(evolution.schema)) == 0
    assert capsys.readouterr().out.startswith("No changes from ")


def test_json_lists_each_change_with_its_level_path_type_message_and_breaks(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    new = evolution.edit_schema(TITLE, "  code: String\n")
    assert evolution.diff(str(evolution.schema), str(new), "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["changes"]
    removed, added = report["changes"]
    assert removed == {
        "level": "BREAKING",
        "path": "Certificate.title",
        "type": "FIELD_REMOVED",
        "message": "Field 'title' was removed from object type 'Certificate'.",
        "location": f"{evolution.schema}:9:3",
        "breaks": [
            {"operation": "ListCertificates", "location": "queries/list_certificates.graphql:9:9"},
            {
                "operation": "ListCertificatesBackward",
                "location": "queries/list_certificates_backward.graphql:9:9",
            },
        ],
    }
    assert (added["level"], added["type"], added["path"], added["breaks"]) == (
        "NON_BREAKING",
        "FIELD_ADDED",
        "Certificate.code",
        [],
    )
    assert added["location"] == f"{new}:9:3"


def test_markdown_puts_breaking_changes_first_with_the_operations_they_break(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    new = evolution.edit_schema(
        "  certificates(after: String, before: String, first: Int, last: Int)",
        "  certificates(after: String, before: String, first: Int, last: Int, tag: String)",
    )
    new.write_text(new.read_text(encoding="utf-8").replace(TITLE, "  code: String\n"), "utf-8")
    assert evolution.diff(str(evolution.schema), str(new), "--format", "markdown") == 1
    out = capsys.readouterr().out
    assert out.startswith("## Schema changes: ")
    breaking = out.index("### Breaking changes (1)")
    dangerous = out.index("### Dangerous changes (1)")
    safe = out.index("<summary>Non-breaking changes (1)</summary>")
    assert breaking < dangerous < safe
    row = next(line for line in out.splitlines() if "`Certificate.title`" in line)
    assert "`ListCertificates` at `queries/list_certificates.graphql:9:9`" in row
    assert (
        "**2 of our 4 operations broken:** `ListCertificates`, `ListCertificatesBackward`." in out
    )


def test_the_queries_option_replaces_the_configured_operations(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = evolution.write("mine/names.graphql", "query Names {\n  portfolioItems { title }\n}\n")
    new = evolution.edit_schema(TITLE, "")
    assert evolution.diff(str(evolution.schema), str(new), "--queries", str(mine.parent)) == 0
    assert "None of our 1 operation is broken." in capsys.readouterr().out


def test_without_a_config_diff_compares_the_schemas_alone(
    evolution: Evolution,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new = evolution.edit_schema(TITLE, "")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["diff", str(evolution.schema), str(new)]) == 0
    assert "FIELD_REMOVED" in capsys.readouterr().out


def test_an_operation_that_was_already_invalid_is_not_counted_as_broken(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only an operation valid against the old schema can be broken by a change."""
    evolution.write(
        "queries/future.graphql", "query Future {\n  certificates { edges { node { code } } }\n}\n"
    )
    new = evolution.edit_schema(TITLE, "  code: String\n")
    assert evolution.diff(str(evolution.schema), str(new), "--format", "json") == 1
    breaks = json.loads(capsys.readouterr().out)["changes"][0]["breaks"]
    assert {b["operation"] for b in breaks} == {"ListCertificates", "ListCertificatesBackward"}


def test_an_argument_made_required_breaks_the_operation_that_omits_it(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    new = evolution.edit_schema("portfolioItems(userId: UUID)", "portfolioItems(userId: UUID!)")
    assert evolution.diff(str(evolution.schema), str(new), "--format", "json") == 1
    (change,) = json.loads(capsys.readouterr().out)["changes"]
    assert (change["type"], change["path"]) == (
        "FIELD_ARGUMENT_TYPE_CHANGED",
        "Query.portfolioItems.userId",
    )
    assert [b["operation"] for b in change["breaks"]] == ["PortfolioItems"]
