"""Diff two schema models: every change, with its level, path, type, message and location."""

from __future__ import annotations

from codegen.evolution.change_recorder import NEW, OLD, ChangeRecorder, Locate, quote
from codegen.evolution.changes import Change, Level
from codegen.evolution.changes import ChangeType as T
from codegen.evolution.diff_directives import diff_directive_definitions, diff_usages
from codegen.evolution.diff_enums import changes_in_enum
from codegen.evolution.diff_fields import changes_in_object
from codegen.evolution.diff_inputs import changes_in_input_object
from codegen.evolution.model import Schema, TypeDef
from codegen.evolution.simplify import simplify

__all__ = ["diff_schemas", "sort_changes"]

_ROOTS = (
    ("query", T.SCHEMA_QUERY_TYPE_CHANGED, "query root type"),
    ("mutation", T.SCHEMA_MUTATION_TYPE_CHANGED, "mutation type"),
    ("subscription", T.SCHEMA_SUBSCRIPTION_TYPE_CHANGED, "subscription type"),
)


def diff_schemas(
    old: Schema,
    new: Schema,
    *,
    locate_old: Locate | None = None,
    locate_new: Locate | None = None,
) -> list[Change]:
    """Every change from `old` to `new`, breaking first, then by path.

    The walk follows graphql-inspector's (`diffSchema`): directives, root types, then
    each type (removed, added, changed) down to arguments and applied directives, so
    that the same pair of schemas gives the same changes. The few places where we
    deliberately differ are named where they happen and listed in
    docs/schema-evolution.md.
    """
    rec = ChangeRecorder(old, new, locate_old, locate_new)
    diff_directive_definitions(rec)
    _diff_roots(rec)
    for name, type_ in old.types.items():
        if name not in new.types:
            rec.add(
                Level.BREAKING,
                T.TYPE_REMOVED,
                name,
                f"Type '{name}' was removed",
                (OLD, type_.offset),
                ((name,),),
            )
    for name, type_ in new.types.items():
        if name not in old.types:
            rec.add(
                Level.NON_BREAKING,
                T.TYPE_ADDED,
                name,
                f"Type '{name}' was added",
                (NEW, type_.offset),
            )
            _changes_in_type(rec, None, type_)
    for name, type_ in old.types.items():
        if name in new.types:
            _changes_in_type(rec, type_, new.types[name])
    count = max(len(old.schema_directives), len(new.schema_directives))
    for index in range(count):
        diff_usages(
            rec,
            old.schema_directives[index] if index < len(old.schema_directives) else (),
            new.schema_directives[index] if index < len(new.schema_directives) else (),
            "SCHEMA",
            "",
            -1,
            added_to_new=False,
        )
    return sort_changes(simplify(rec.changes))


def sort_changes(changes: list[Change]) -> list[Change]:
    """Breaking changes first, then dangerous, then safe; by path within each level."""
    return sorted(changes, key=lambda c: (c.level.rank, c.path or "", c.type.value, c.message))


def _diff_roots(rec: ChangeRecorder) -> None:
    for operation, change_type, noun in _ROOTS:
        old_name: str | None = getattr(rec.old, operation)
        new_name: str | None = getattr(rec.new, operation)
        if old_name == new_name:
            continue
        if old_name is None:
            message = f"Schema {noun} was set to '{new_name}'"
        elif new_name is None:
            message = f"Schema {noun} '{old_name}' was removed"
        else:
            message = f"Schema {noun} was changed from '{old_name}' to '{new_name}'"
        where = (NEW, rec.new.types[new_name].offset) if new_name else None
        rec.add(
            Level.NON_BREAKING if old_name is None else Level.BREAKING,
            change_type,
            None,
            message,
            where,
            ((f"<{operation}>",),),
        )


def _changes_in_type(rec: ChangeRecorder, old: TypeDef | None, new: TypeDef) -> None:
    if old is None or old.kind == new.kind:
        if new.kind in ("OBJECT", "INTERFACE"):
            changes_in_object(rec, old, new)
        elif new.kind == "ENUM":
            changes_in_enum(rec, old, new)
        elif new.kind == "UNION":
            _changes_in_union(rec, old, new)
        elif new.kind == "INPUT_OBJECT":
            changes_in_input_object(rec, old, new)
        diff_usages(
            rec,
            old.directives if old else (),
            new.directives,
            new.kind,
            new.name,
            new.offset,
            added_to_new=old is None,
        )
    else:
        rec.add(
            Level.BREAKING,
            T.TYPE_KIND_CHANGED,
            new.name,
            f"'{new.name}' kind changed from '{old.kind}' to '{new.kind}'",
            (NEW, new.offset),
            ((new.name,),),
        )
    old_description = old.description if old else None
    if (old_description or None) != (new.description or None):
        where = (NEW, new.offset)
        if old_description is None:
            rec.add(
                Level.NON_BREAKING,
                T.TYPE_DESCRIPTION_ADDED,
                new.name,
                f"Type '{new.name}' has description {quote(new.description)}",
                where,
            )
        elif new.description is None:
            rec.add(
                Level.NON_BREAKING,
                T.TYPE_DESCRIPTION_REMOVED,
                new.name,
                f"Description {quote(old_description)} was removed from type '{new.name}'",
                where,
            )
        else:
            rec.add(
                Level.NON_BREAKING,
                T.TYPE_DESCRIPTION_CHANGED,
                new.name,
                f"Description {quote(old_description)} on type '{new.name}' has changed to "
                f"{quote(new.description)}",
                where,
            )


def _changes_in_union(rec: ChangeRecorder, old: TypeDef | None, new: TypeDef) -> None:
    name = new.name
    old_members = old.members if old else ()
    for member in old_members:
        if member not in new.members:
            rec.add(
                Level.BREAKING,
                T.UNION_MEMBER_REMOVED,
                name,
                f"Member '{member}' was removed from union type '{name}'",
                (NEW, new.offset),
                ((f"{name} ... on {member}",),),
            )
    for member in new.members:
        if member not in old_members:
            rec.add(
                Level.NON_BREAKING if old is None else Level.DANGEROUS,
                T.UNION_MEMBER_ADDED,
                name,
                f"Member '{member}' was added to union type '{name}'",
                (NEW, new.offset),
            )
