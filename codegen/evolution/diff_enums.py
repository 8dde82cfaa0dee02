"""The diff of enum types: values added, removed, described and deprecated."""

from __future__ import annotations

from codegen.evolution.change_recorder import NEW, OLD, ChangeRecorder, quote
from codegen.evolution.changes import ChangeType as T
from codegen.evolution.changes import Level
from codegen.evolution.diff_directives import diff_usages
from codegen.evolution.model import DEFAULT_DEPRECATION_REASON, EnumValue, TypeDef, is_deprecated

__all__ = ["changes_in_enum"]


def changes_in_enum(rec: ChangeRecorder, old: TypeDef | None, new: TypeDef) -> None:
    name = new.name
    old_values = old.values if old else {}
    for value_name, value in old_values.items():
        if value_name not in new.values:
            deprecated = "(deprecated) " if is_deprecated(value) else ""
            rec.add(
                Level.BREAKING,
                T.ENUM_VALUE_REMOVED,
                f"{name}.{value_name}",
                f"Enum value '{value_name}' {deprecated}was removed from enum '{name}'",
                (OLD, value.offset),
                ((f"{name}.{value_name}",),),
            )
    for value_name, value in new.values.items():
        if value_name not in old_values:
            rec.add(
                Level.NON_BREAKING if old is None else Level.DANGEROUS,
                T.ENUM_VALUE_ADDED,
                f"{name}.{value_name}",
                f"Enum value '{value_name}' was added to enum '{name}'",
                (NEW, value.offset),
            )
            _changes_in_enum_value(rec, name, None, value)
    for value_name, value in old_values.items():
        if value_name in new.values:
            _changes_in_enum_value(rec, name, value, new.values[value_name])


def _changes_in_enum_value(
    rec: ChangeRecorder, enum: str, old: EnumValue | None, new: EnumValue
) -> None:
    path = f"{enum}.{new.name}"
    where = (NEW, new.offset)
    old_description = old.description if old else None
    if (old_description or None) != (new.description or None):
        if old_description is None:
            text = f"Description {quote(new.description)} was added to enum value '{path}'"
        elif new.description is None:
            text = f"Description {quote(old_description)} was removed from enum value '{path}'"
        else:
            text = (
                f"Description for enum value '{path}' changed from {quote(old_description)} "
                f"to {quote(new.description)}"
            )
        rec.add(Level.NON_BREAKING, T.ENUM_VALUE_DESCRIPTION_CHANGED, path, text, where)
    old_reason = old.deprecation if old else None
    new_reason = new.deprecation
    if (old_reason or None) != (new_reason or None):
        at = f"{path}.@deprecated"
        # graphql-inspector reports "reason added" when a deprecation with the
        # default reason is removed; we deliberately report it as removed.
        undeprecated = old_reason is not None and new_reason is None
        if (old_reason is None or old_reason == DEFAULT_DEPRECATION_REASON) and not undeprecated:
            rec.add(
                Level.NON_BREAKING,
                T.ENUM_VALUE_DEPRECATION_REASON_ADDED,
                at,
                f"Enum value '{path}' was deprecated with reason {quote(new_reason)}",
                where,
            )
        elif new_reason is None or new_reason == DEFAULT_DEPRECATION_REASON:
            rec.add(
                Level.NON_BREAKING,
                T.ENUM_VALUE_DEPRECATION_REASON_REMOVED,
                path,
                f"Deprecation reason was removed from enum value '{path}'",
                where,
            )
        else:
            rec.add(
                Level.NON_BREAKING,
                T.ENUM_VALUE_DEPRECATION_REASON_CHANGED,
                at,
                f"Enum value '{path}' deprecation reason changed from {quote(old_reason)} "
                f"to {quote(new_reason)}",
                where,
            )
    diff_usages(
        rec,
        old.directives if old else (),
        new.directives,
        "ENUM_VALUE",
        path,
        new.offset,
        added_to_new=old is None,
    )
