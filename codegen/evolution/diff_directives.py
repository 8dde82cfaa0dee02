"""The diff of directive definitions, and of the directives applied to definitions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from codegen.evolution.change_recorder import NEW, OLD, ChangeRecorder, quote
from codegen.evolution.changes import ChangeType as T
from codegen.evolution.changes import Level
from codegen.evolution.model import DirectiveDef, DirectiveUse, print_value
from codegen.evolution.values import defaults_equal, is_required, is_safe_input_change

__all__ = ["USAGE_SITES", "UsageSite", "diff_directive_definitions", "diff_usages"]


class UsageSite(NamedTuple):
    """Where directives are applied: the change types and the words for messages."""

    added: T
    removed: T
    noun: str  # "field", "enum value", ...


USAGE_SITES = {
    "SCHEMA": UsageSite(T.DIRECTIVE_USAGE_SCHEMA_ADDED, T.DIRECTIVE_USAGE_SCHEMA_REMOVED, ""),
    "SCALAR": UsageSite(T.DIRECTIVE_USAGE_SCALAR_ADDED, T.DIRECTIVE_USAGE_SCALAR_REMOVED, "scalar"),
    "OBJECT": UsageSite(T.DIRECTIVE_USAGE_OBJECT_ADDED, T.DIRECTIVE_USAGE_OBJECT_REMOVED, "object"),
    "INTERFACE": UsageSite(
        T.DIRECTIVE_USAGE_INTERFACE_ADDED, T.DIRECTIVE_USAGE_INTERFACE_REMOVED, "interface"
    ),
    "UNION": UsageSite(
        T.DIRECTIVE_USAGE_UNION_MEMBER_ADDED, T.DIRECTIVE_USAGE_UNION_MEMBER_REMOVED, "union"
    ),
    "ENUM": UsageSite(T.DIRECTIVE_USAGE_ENUM_ADDED, T.DIRECTIVE_USAGE_ENUM_REMOVED, "enum"),
    "INPUT_OBJECT": UsageSite(
        T.DIRECTIVE_USAGE_INPUT_OBJECT_ADDED, T.DIRECTIVE_USAGE_INPUT_OBJECT_REMOVED, "input object"
    ),
    "FIELD_DEFINITION": UsageSite(
        T.DIRECTIVE_USAGE_FIELD_DEFINITION_ADDED,
        T.DIRECTIVE_USAGE_FIELD_DEFINITION_REMOVED,
        "field",
    ),
    "ARGUMENT_DEFINITION": UsageSite(
        T.DIRECTIVE_USAGE_ARGUMENT_DEFINITION_ADDED,
        T.DIRECTIVE_USAGE_ARGUMENT_DEFINITION_REMOVED,
        "argument",
    ),
    "INPUT_FIELD_DEFINITION": UsageSite(
        T.DIRECTIVE_USAGE_INPUT_FIELD_DEFINITION_ADDED,
        T.DIRECTIVE_USAGE_INPUT_FIELD_DEFINITION_REMOVED,
        "input field",
    ),
    "ENUM_VALUE": UsageSite(
        T.DIRECTIVE_USAGE_ENUM_VALUE_ADDED, T.DIRECTIVE_USAGE_ENUM_VALUE_REMOVED, "enum value"
    ),
}


def diff_directive_definitions(rec: ChangeRecorder) -> None:
    """Directives removed, added and changed, in graphql-inspector's order."""
    old, new = rec.old.directives, rec.new.directives
    for name, directive in old.items():
        if name not in new:
            rec.add(
                Level.BREAKING,
                T.DIRECTIVE_REMOVED,
                f"@{name}",
                f"Directive '{name}' was removed",
                (OLD, directive.offset),
                ((f"@{name}",),),
            )
    for name, directive in new.items():
        if name not in old:
            rec.add(
                Level.NON_BREAKING,
                T.DIRECTIVE_ADDED,
                f"@{name}",
                f"Directive '{name}' was added",
                (NEW, directive.offset),
            )
            _changes_in_directive(rec, None, directive)
    for name, directive in old.items():
        if name in new:
            _changes_in_directive(rec, directive, new[name])


def _changes_in_directive(rec: ChangeRecorder, old: DirectiveDef | None, new: DirectiveDef) -> None:
    path = f"@{new.name}"
    where = (NEW, new.offset)
    old_description = old.description if old else None
    if (old_description or None) != (new.description or None):
        if old_description is None:
            text = f"Directive '{new.name}' description {quote(new.description)} was added"
        elif new.description is None:
            text = f"Directive '{new.name}' description {quote(old_description)} was removed"
        else:
            text = (
                f"Directive '{new.name}' description changed from {quote(old_description)} "
                f"to {quote(new.description)}"
            )
        rec.add(Level.NON_BREAKING, T.DIRECTIVE_DESCRIPTION_CHANGED, path, text, where)
    was_repeatable = old is not None and old.repeatable
    if was_repeatable and not new.repeatable:
        rec.add(
            Level.DANGEROUS,
            T.DIRECTIVE_REPEATABLE_REMOVED,
            path,
            f"Directive '{new.name}' is no longer repeatable",
            where,
            ((path,),),
        )
    if new.repeatable and not was_repeatable:
        rec.add(
            Level.NON_BREAKING,
            T.DIRECTIVE_REPEATABLE_ADDED,
            path,
            f"Directive '{new.name}' is now repeatable",
            where,
        )
    old_locations = old.locations if old else ()
    for location in new.locations:
        if location not in old_locations:
            rec.add(
                Level.NON_BREAKING,
                T.DIRECTIVE_LOCATION_ADDED,
                path,
                f"Location '{location}' was added to directive '{new.name}'",
                where,
            )
    for location in old_locations:
        if location not in new.locations:
            rec.add(
                Level.BREAKING,
                T.DIRECTIVE_LOCATION_REMOVED,
                path,
                f"Location '{location}' was removed from directive '{new.name}'",
                where,
                # Only an operation that applies it at that location breaks.
                ((f"{path} on {location}",),),
            )
    _changes_in_directive_args(rec, old, new)


def _changes_in_directive_args(
    rec: ChangeRecorder, old: DirectiveDef | None, new: DirectiveDef
) -> None:
    path = f"@{new.name}"
    old_args = old.args if old else {}
    for name, arg in old_args.items():
        if name not in new.args:
            rec.add(
                Level.BREAKING,
                T.DIRECTIVE_ARGUMENT_REMOVED,
                f"{path}.{name}",
                f"Argument '{name}' was removed from directive '{new.name}'",
                (OLD, arg.offset),
                ((f"{path}.{name}",),),
            )
    for name, arg in new.args.items():
        if name not in old_args:
            # Deliberately not graphql-inspector's rule, which calls any non-null
            # argument breaking: one with a default value is optional.
            breaking = old is not None and is_required(arg)
            rec.add(
                Level.BREAKING if breaking else Level.NON_BREAKING,
                T.DIRECTIVE_ARGUMENT_ADDED,
                path,
                f"Argument '{name}' was added to directive '{new.name}'",
                (NEW, arg.offset),
                ((path,),),
            )
    for name, old_arg in old_args.items():
        new_arg = new.args.get(name)
        if new_arg is None:
            continue
        arg_path = f"{path}.{name}"
        where = (NEW, new_arg.offset)
        if (old_arg.description or None) != (new_arg.description or None):
            rec.add(
                Level.NON_BREAKING,
                T.DIRECTIVE_ARGUMENT_DESCRIPTION_CHANGED,
                arg_path,
                f"Description for argument '{name}' on directive '{new.name}' changed from "
                f"{quote(old_arg.description)} to {quote(new_arg.description)}",
                where,
            )
        if not defaults_equal(old_arg, new_arg, rec.old, rec.new):
            rec.add(
                Level.DANGEROUS,
                T.DIRECTIVE_ARGUMENT_DEFAULT_VALUE_CHANGED,
                arg_path,
                f"Default value for argument '{name}' on directive '{new.name}' changed",
                where,
                ((arg_path,),),
            )
        if old_arg.type != new_arg.type:
            safe = is_safe_input_change(old_arg.type, new_arg.type)
            subjects: tuple[tuple[str, ...], ...] = ((arg_path,),)
            if is_required(new_arg) and not is_required(old_arg):
                subjects += ((path,),)
            rec.add(
                Level.NON_BREAKING if safe else Level.BREAKING,
                T.DIRECTIVE_ARGUMENT_TYPE_CHANGED,
                arg_path,
                f"Type for argument '{name}' on directive '{new.name}' changed from "
                f"'{old_arg.type}' to '{new_arg.type}'",
                where,
                subjects,
            )


def diff_usages(
    rec: ChangeRecorder,
    old_uses: Iterable[DirectiveUse],
    new_uses: Iterable[DirectiveUse],
    site: str,
    prefix: str,
    offset: int,
    *,
    added_to_new: bool,
) -> None:
    """Directives applied to one definition (coordinate `prefix`), added, removed or changed.

    Repeated directives pair up in order, as graphql-inspector pairs them.
    """
    kinds = USAGE_SITES[site]
    where = (NEW, offset)
    removed, added, mutual = _pair_uses(list(old_uses), list(new_uses))
    on = f" {kinds.noun} '{prefix}'" if prefix else " schema"
    for use in removed:
        special = use.name in ("deprecated", "oneOf")
        rec.add(
            Level.NON_BREAKING if special else Level.DANGEROUS,
            kinds.removed,
            f"{prefix}.@{use.name}",
            f"Directive '{use.name}' was removed from{on}",
            where,
        )
    for use in added:
        if added_to_new or use.name == "deprecated":
            level = Level.NON_BREAKING
        elif use.name == "oneOf":
            level = Level.BREAKING
        else:
            level = Level.DANGEROUS
        rec.add(
            level,
            kinds.added,
            f"{prefix}.@{use.name}",
            f"Directive '{use.name}' was added to{on}",
            where,
            ((prefix,),) if level is Level.BREAKING and prefix else (),
        )
        _usage_arguments(rec, None, use, prefix, offset)
    for old_use, new_use in mutual:
        _usage_arguments(rec, old_use, new_use, prefix, offset)


def _pair_uses(
    old: list[DirectiveUse], new: list[DirectiveUse]
) -> tuple[list[DirectiveUse], list[DirectiveUse], list[tuple[DirectiveUse, DirectiveUse]]]:
    """graphql-inspector's compareDirectiveLists: the n-th @d of old pairs with the n-th of new."""
    removed: list[DirectiveUse] = []
    mutual: list[tuple[DirectiveUse, DirectiveUse]] = []
    by_name: dict[str, list[DirectiveUse]] = {}
    for use in new:
        by_name.setdefault(use.name, []).append(use)
    for use in old:
        waiting = by_name.get(use.name)
        if waiting:
            mutual.append((use, waiting.pop(0)))
        else:
            removed.append(use)
    old_counts: dict[str, int] = {}
    for use in old:
        old_counts[use.name] = old_counts.get(use.name, 0) + 1
    added: list[DirectiveUse] = []
    for use in new:
        if old_counts.get(use.name, 0):
            old_counts[use.name] -= 1
        else:
            added.append(use)
    return removed, added, mutual


def _usage_arguments(
    rec: ChangeRecorder, old: DirectiveUse | None, new: DirectiveUse, prefix: str, offset: int
) -> None:
    base = f"{prefix}.@{new.name}"
    where = (NEW, offset)
    on = f"'@{new.name}' on '{prefix}'" if prefix else f"'@{new.name}' on the schema"
    old_args = dict(old.args) if old else {}
    new_args = dict(new.args)

    def removed(name: str) -> None:
        shown = f"{name}: {print_value(old_args[name])}"
        rec.add(
            Level.DANGEROUS,
            T.DIRECTIVE_USAGE_ARGUMENT_REMOVED,
            f"{base}.{name}",
            f"Argument '{shown}' was removed from {on}",
            where,
        )

    def added(name: str) -> None:
        shown = f"{name}: {print_value(new_args[name])}"
        rec.add(
            Level.NON_BREAKING,
            T.DIRECTIVE_USAGE_ARGUMENT_ADDED,
            f"{base}.{name}",
            f"Argument '{shown}' was added to {on}",
            where,
        )

    for name in old_args:
        if name not in new_args:
            removed(name)
    for name in new_args:
        if name not in old_args:
            added(name)
    # A changed value is a removal and an addition, as graphql-inspector reports it.
    for name, value in old_args.items():
        if name in new_args and new_args[name] != value:
            removed(name)
            added(name)
