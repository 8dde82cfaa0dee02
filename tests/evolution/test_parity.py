"""Parity with graphql-inspector, from its answers recorded once (no node needed here).

`data/inspector-*.json` hold graphql-inspector's changes on GitHub's two schema
pairs and on every case in `cases.py`; `benchmarks/record_inspector.py` records
them again. Our breaking changes (level and path) must equal its own, and here
all our changes do, but for the deliberate differences in DELIBERATE.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from codegen.evolution import LoadedSchema, diff_schemas, schema_from_text

from .cases import CASES, Case
from .conftest import GITHUB_PAIRS

DATA = Path(__file__).resolve().parent / "data"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "schema-evolution.md"

# Where we deliberately differ from graphql-inspector (also listed in
# docs/schema-evolution.md#deliberate-differences).
DELIBERATE = {
    "type_change_beside_a_new_description": (
        "Its simplifyChanges rule treats FIELD_DESCRIPTION_ADDED as grouping the field's "
        "other changes, so a breaking type change beside a new description disappears."
    ),
    "field_removed_beside_a_new_interface": (
        "Likewise OBJECT_TYPE_INTERFACE_ADDED hides every change to the type's fields, "
        "removals included."
    ),
    "directive_location_removed_beside_a_new_one": (
        "Likewise DIRECTIVE_LOCATION_ADDED hides the removal of another location."
    ),
    "directive_argument_added_non_null_with_default": (
        "It calls any non-null directive argument breaking; one with a default is optional."
    ),
    "mutation_type_left_out_of_a_new_schema_definition": (
        "Its loader keeps a type named Mutation as the mutation root even when a schema "
        "definition leaves it out; graphql-js and graphql-core do not."
    ),
    "enum_value_deprecation_without_reason_removed": (
        "Removing a deprecation that had the default reason is reported as a reason added."
    ),
}


def _recorded(name: str) -> dict[str, list[dict[str, Any]]]:
    pairs: dict[str, list[dict[str, Any]]] = json.loads((DATA / name).read_text(encoding="utf-8"))[
        "pairs"
    ]
    return pairs


def _theirs(changes: list[dict[str, Any]], *, breaking_only: bool = False) -> list[tuple[Any, ...]]:
    return sorted(
        (c["level"], c["type"], c["path"])
        for c in changes
        if not breaking_only or c["level"] == "BREAKING"
    )


def _ours(
    old: LoadedSchema, new: LoadedSchema, *, breaking_only: bool = False
) -> list[tuple[Any, ...]]:
    return sorted(
        (c.level.value, c.type.value, c.path)
        for c in diff_schemas(old.model, new.model)
        if not breaking_only or c.level.value == "BREAKING"
    )


def test_the_breaking_github_pair_reports_exactly_the_removed_deprecated_field(
    github: dict[str, LoadedSchema],
) -> None:
    old, new = (github[key] for key in GITHUB_PAIRS["breaking"])
    changes = diff_schemas(old.model, new.model)
    assert [(c.level.value, c.type.value, c.path) for c in changes] == [
        ("BREAKING", "FIELD_REMOVED", "RepositoryVulnerabilityAlert.fixReason")
    ]


@pytest.mark.parametrize("pair", sorted(GITHUB_PAIRS))
def test_our_breaking_changes_on_the_github_pairs_equal_graphql_inspectors(
    github: dict[str, LoadedSchema], pair: str
) -> None:
    old, new = (github[key] for key in GITHUB_PAIRS[pair])
    recorded = _recorded("inspector-github.json")[pair]
    assert _ours(old, new, breaking_only=True) == _theirs(recorded, breaking_only=True)


@pytest.mark.parametrize("pair", sorted(GITHUB_PAIRS))
def test_all_our_changes_on_the_github_pairs_equal_graphql_inspectors(
    github: dict[str, LoadedSchema], pair: str
) -> None:
    old, new = (github[key] for key in GITHUB_PAIRS[pair])
    assert _ours(old, new) == _theirs(_recorded("inspector-github.json")[pair])


def _case_schemas(case: Case) -> tuple[LoadedSchema, LoadedSchema]:
    return schema_from_text(case.old.encode(), "old"), schema_from_text(case.new.encode(), "new")


PARITY_CASES = [case for case in CASES if case.name not in DELIBERATE]
DIFFERENT_CASES = [case for case in CASES if case.name in DELIBERATE]


@pytest.mark.parametrize("case", PARITY_CASES, ids=[case.name for case in PARITY_CASES])
def test_all_our_changes_on_each_case_equal_graphql_inspectors(case: Case) -> None:
    assert _ours(*_case_schemas(case)) == _theirs(_recorded("inspector-cases.json")[case.name])


@pytest.mark.parametrize("case", DIFFERENT_CASES, ids=[case.name for case in DIFFERENT_CASES])
def test_each_deliberate_difference_is_still_a_difference(case: Case) -> None:
    """If graphql-inspector changes its mind, this list (and the docs' list) must change too."""
    assert _ours(*_case_schemas(case)) != _theirs(_recorded("inspector-cases.json")[case.name])


def test_every_deliberate_difference_names_a_case() -> None:
    assert set(DELIBERATE) <= {case.name for case in CASES}


def test_the_docs_list_as_many_deliberate_differences_as_there_are_cases() -> None:
    section = DOCS.read_text(encoding="utf-8").split("### Deliberate differences\n", 1)[1]
    section = re.split(r"^#", section, maxsplit=1, flags=re.MULTILINE)[0]
    items = re.findall(r"^\d+\. ", section, flags=re.MULTILINE)
    assert len(items) == len(DELIBERATE)


def test_the_recordings_cover_every_case() -> None:
    assert set(_recorded("inspector-cases.json")) == {case.name for case in CASES}
