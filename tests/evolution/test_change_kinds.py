"""Every kind of change on a tiny schema pair: its level, its path, and what it breaks."""

from __future__ import annotations

import pytest
from graphql import Source, parse

from codegen.evolution import ChangeType, Level, diff_schemas, find_breaks, schema_from_text
from codegen.evolution.operations import operations_from_documents

from .cases import BASE, CASES, Case


def _diff(case: Case) -> tuple[list[tuple[str, str, str | None]], bool]:
    old = schema_from_text(case.old.encode(), "old.graphql")
    new = schema_from_text(case.new.encode(), "new.graphql")
    changes = diff_schemas(old.model, new.model, locate_old=old.locate, locate_new=new.locate)
    operations = operations_from_documents([parse(Source(case.operation, "op.graphql"))])
    findings = find_breaks(changes, operations, old, new)
    found = sorted((c.type.value, c.level.value, c.path) for c in changes)
    return found, any(finding.breaks for finding in findings)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_change_has_the_expected_type_level_and_path(case: Case) -> None:
    found, _ = _diff(case)
    assert found == sorted(case.changes)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_change_breaks_the_sample_operation_only_if_it_uses_what_changed(case: Case) -> None:
    _, broken = _diff(case)
    assert broken is case.breaks


def test_the_cases_cover_every_change_type() -> None:
    covered = {type_ for case in CASES for type_, _, _ in case.changes}
    assert covered == {type_.value for type_ in ChangeType}


def test_a_removal_points_at_the_old_file_and_an_addition_at_the_new_one() -> None:
    old_text = BASE
    new_text = BASE.replace("  title: String\n", "").replace("  ADMIN\n", "  ADMIN\n  OWNER\n")
    old = schema_from_text(old_text.encode(), "old.graphql")
    new = schema_from_text(new_text.encode(), "new.graphql")
    changes = {
        c.type: c
        for c in diff_schemas(old.model, new.model, locate_old=old.locate, locate_new=new.locate)
    }
    removed = changes[ChangeType.FIELD_REMOVED]
    added = changes[ChangeType.ENUM_VALUE_ADDED]
    title_line = old_text[: old_text.index("  title: String")].count("\n") + 1
    owner_line = new_text[: new_text.index("  OWNER")].count("\n") + 1
    assert str(removed.location) == f"old.graphql:{title_line}:3"
    assert str(added.location) == f"new.graphql:{owner_line}:3"


def test_changes_come_breaking_first_then_dangerous_then_safe() -> None:
    new_text = (
        BASE.replace("  title: String\n", "")
        .replace("  ADMIN\n", "  ADMIN\n  OWNER\n")
        .replace("type Group {\n", "type Group {\n  size: Int\n")
    )
    changes = diff_schemas(
        schema_from_text(BASE.encode(), "old").model,
        schema_from_text(new_text.encode(), "new").model,
    )
    assert [c.level for c in changes] == [Level.BREAKING, Level.DANGEROUS, Level.NON_BREAKING]


def test_every_message_is_one_sentence() -> None:
    for case in CASES:
        old = schema_from_text(case.old.encode(), "old").model
        new = schema_from_text(case.new.encode(), "new").model
        for change in diff_schemas(old, new):
            assert change.message.endswith("."), change
            assert "\n" not in change.message, change
