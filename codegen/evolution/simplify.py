"""Drop the changes an addition already implies: the fields of an added type, and so on."""

from __future__ import annotations

from collections.abc import Iterable

from codegen.evolution.changes import Change, ChangeType

__all__ = ["GROUPING_CHANGES", "simplify"]

GROUPING_CHANGES = frozenset(
    {
        ChangeType.TYPE_ADDED,
        ChangeType.FIELD_ADDED,
        ChangeType.FIELD_ARGUMENT_ADDED,
        ChangeType.INPUT_FIELD_ADDED,
        ChangeType.ENUM_VALUE_ADDED,
        ChangeType.DIRECTIVE_ADDED,
        ChangeType.DIRECTIVE_USAGE_ARGUMENT_ADDED,
        ChangeType.DIRECTIVE_USAGE_ARGUMENT_DEFINITION_ADDED,
        ChangeType.DIRECTIVE_USAGE_ENUM_ADDED,
        ChangeType.DIRECTIVE_USAGE_ENUM_VALUE_ADDED,
        ChangeType.DIRECTIVE_USAGE_FIELD_DEFINITION_ADDED,
        ChangeType.DIRECTIVE_USAGE_INPUT_FIELD_DEFINITION_ADDED,
        ChangeType.DIRECTIVE_USAGE_INPUT_OBJECT_ADDED,
        ChangeType.DIRECTIVE_USAGE_INTERFACE_ADDED,
        ChangeType.DIRECTIVE_USAGE_OBJECT_ADDED,
        ChangeType.DIRECTIVE_USAGE_SCALAR_ADDED,
        ChangeType.DIRECTIVE_USAGE_SCHEMA_ADDED,
        ChangeType.DIRECTIVE_USAGE_UNION_MEMBER_ADDED,
        ChangeType.FIELD_DEPRECATION_ADDED,
        ChangeType.FIELD_DEPRECATION_REMOVED,
        ChangeType.FIELD_DEPRECATION_REASON_ADDED,
        ChangeType.FIELD_DEPRECATION_REASON_CHANGED,
        ChangeType.ENUM_VALUE_DEPRECATION_REASON_ADDED,
        ChangeType.ENUM_VALUE_DEPRECATION_REASON_CHANGED,
    }
)


def simplify(changes: Iterable[Change]) -> list[Change]:
    """Keep a change unless an earlier grouping change has its path or its parent's.

    graphql-inspector applies the same rule by default (`simplifyChanges`): a change
    is dropped when an earlier "grouping" change has its path or its parent path. Its
    list of grouping changes also holds a few that group nothing, such as
    FIELD_DESCRIPTION_ADDED or OBJECT_TYPE_INTERFACE_ADDED, so that adding a
    description to a field hides a breaking change of its type. We deliberately
    group only under additions (and the deprecation changes, which repeat what the
    `@deprecated` directive's own changes say).
    """
    grouped: set[str] = set()
    kept: list[Change] = []
    for change in changes:
        path = change.path
        if path is None:
            kept.append(change)
            continue
        parent = path.rpartition(".")[0] or path
        if parent not in grouped and path not in grouped:
            kept.append(change)
        if change.type in GROUPING_CHANGES:
            grouped.add(path)
    return kept
