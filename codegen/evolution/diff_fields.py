"""The diff of object and interface types: interfaces, fields, arguments, deprecations."""

from __future__ import annotations

from codegen.evolution.change_recorder import NEW, OLD, ChangeRecorder, describe_default, quote
from codegen.evolution.changes import ChangeType as T
from codegen.evolution.changes import Level
from codegen.evolution.diff_directives import diff_usages
from codegen.evolution.model import (
    DEFAULT_DEPRECATION_REASON,
    Field,
    InputValue,
    TypeDef,
    is_deprecated,
)
from codegen.evolution.values import (
    defaults_equal,
    is_required,
    is_safe_output_change,
)

__all__ = ["changes_in_object"]


def changes_in_object(rec: ChangeRecorder, old: TypeDef | None, new: TypeDef) -> None:
    name = new.name
    old_interfaces = old.interfaces if old else ()
    noun = "interface" if new.kind == "INTERFACE" else "object type"
    for interface in old_interfaces:
        if interface not in new.interfaces:
            rec.add(
                Level.BREAKING,
                T.OBJECT_TYPE_INTERFACE_REMOVED,
                name,
                f"'{name}' {noun} no longer implements '{interface}' interface",
                (NEW, new.offset),
                ((f"{interface} ... on {name}",), (f"{name} ... on {interface}",)),
            )
    for interface in new.interfaces:
        if interface not in old_interfaces:
            rec.add(
                Level.NON_BREAKING if old is None else Level.DANGEROUS,
                T.OBJECT_TYPE_INTERFACE_ADDED,
                name,
                f"'{name}' {noun} implements '{interface}' interface",
                (NEW, new.offset),
            )
    old_fields = old.fields if old else {}
    old_noun = "interface" if old is not None and old.kind == "INTERFACE" else "object type"
    for field_name, field in old_fields.items():
        if field_name not in new.fields:
            deprecated = "(deprecated) " if field.deprecation is not None else ""
            rec.add(
                Level.BREAKING,
                T.FIELD_REMOVED,
                f"{name}.{field_name}",
                f"Field '{field_name}' {deprecated}was removed from {old_noun} '{name}'",
                (OLD, field.offset),
                ((f"{name}.{field_name}",),),
            )
    for field_name, field in new.fields.items():
        if field_name not in old_fields:
            rec.add(
                Level.NON_BREAKING,
                T.FIELD_ADDED,
                f"{name}.{field_name}",
                f"Field '{field_name}' was added to {noun} '{name}'",
                (NEW, field.offset),
            )
            _changes_in_field(rec, name, None, field)
    for field_name, field in old_fields.items():
        if field_name in new.fields:
            _changes_in_field(rec, name, field, new.fields[field_name])


def _changes_in_field(rec: ChangeRecorder, type_name: str, old: Field | None, new: Field) -> None:
    path = f"{type_name}.{new.name}"
    where = (NEW, new.offset)
    old_description = old.description if old else None
    if (old_description or None) != (new.description or None):
        if old_description is None:
            change, text = T.FIELD_DESCRIPTION_ADDED, f"has description {quote(new.description)}"
        elif new.description is None:
            change, text = T.FIELD_DESCRIPTION_REMOVED, "description was removed"
        else:
            change = T.FIELD_DESCRIPTION_CHANGED
            text = f"description changed from {quote(old_description)} to {quote(new.description)}"
        rec.add(Level.NON_BREAKING, change, path, f"Field '{path}' {text}", where)
    _field_deprecation(rec, path, old, new)
    if old is not None and old.type != new.type:
        safe = is_safe_output_change(old.type, new.type)
        rec.add(
            Level.NON_BREAKING if safe else Level.BREAKING,
            T.FIELD_TYPE_CHANGED,
            path,
            f"Field '{path}' changed type from '{old.type}' to '{new.type}'",
            where,
            ((path,),),
        )
    old_args = old.args if old else {}
    for name, arg in old_args.items():
        if name not in new.args:
            rec.add(
                Level.BREAKING,
                T.FIELD_ARGUMENT_REMOVED,
                f"{path}.{name}",
                f"Argument '{name}: {arg.type}' was removed from field '{path}'",
                (OLD, arg.offset),
                ((f"{path}.{name}",),),
            )
    for name, arg in new.args.items():
        if name not in old_args:
            if old is None:
                level = Level.NON_BREAKING
            else:
                level = Level.BREAKING if is_required(arg) else Level.DANGEROUS
            with_default = " (with default value)" if arg.default is not None else ""
            rec.add(
                level,
                T.FIELD_ARGUMENT_ADDED,
                f"{path}.{name}",
                f"Argument '{name}: {arg.type}'{with_default} was added to field '{path}'",
                (NEW, arg.offset),
                ((path,),),
            )
    for name, arg in old_args.items():
        if name in new.args:
            _changes_in_argument(rec, path, arg, new.args[name])
    diff_usages(
        rec,
        old.directives if old else (),
        new.directives,
        "FIELD_DEFINITION",
        path,
        new.offset,
        added_to_new=old is None,
    )


def _field_deprecation(rec: ChangeRecorder, path: str, old: Field | None, new: Field) -> None:
    where = (NEW, new.offset)
    at = f"{path}.@deprecated"
    if old is None or not is_deprecated(old):
        if is_deprecated(new):
            rec.add(
                Level.NON_BREAKING,
                T.FIELD_DEPRECATION_ADDED,
                at,
                f"Field '{path}' is deprecated",
                where,
            )
    elif not is_deprecated(new):
        rec.add(
            Level.NON_BREAKING,
            T.FIELD_DEPRECATION_REMOVED,
            at,
            f"Field '{path}' is no longer deprecated",
            where,
        )
    elif (old.deprecation or None) != (new.deprecation or None):
        if old.deprecation is None or old.deprecation == DEFAULT_DEPRECATION_REASON:
            rec.add(
                Level.NON_BREAKING,
                T.FIELD_DEPRECATION_REASON_ADDED,
                at,
                f"Field '{path}' has deprecation reason {quote(new.deprecation)}",
                where,
            )
        elif new.deprecation is None or new.deprecation == DEFAULT_DEPRECATION_REASON:
            rec.add(
                Level.NON_BREAKING,
                T.FIELD_DEPRECATION_REASON_REMOVED,
                path,
                f"Deprecation reason was removed from field '{path}'",
                where,
            )
        else:
            rec.add(
                Level.NON_BREAKING,
                T.FIELD_DEPRECATION_REASON_CHANGED,
                at,
                f"Deprecation reason on field '{path}' has changed from "
                f"{quote(old.deprecation)} to {quote(new.deprecation)}",
                where,
            )


def _changes_in_argument(
    rec: ChangeRecorder, field_path: str, old: InputValue, new: InputValue
) -> None:
    path = f"{field_path}.{new.name}"
    where = (NEW, new.offset)
    on = f"argument '{new.name}' on field '{field_path}'"
    if (old.description or None) != (new.description or None):
        rec.add(
            Level.NON_BREAKING,
            T.FIELD_ARGUMENT_DESCRIPTION_CHANGED,
            path,
            f"Description for {on} changed from {quote(old.description)} to "
            f"{quote(new.description)}",
            where,
        )
    if not defaults_equal(old, new, rec.old, rec.new):
        rec.add(
            Level.DANGEROUS,
            T.FIELD_ARGUMENT_DEFAULT_CHANGED,
            path,
            f"Default value for {on} changed from {describe_default(old)} to "
            f"{describe_default(new)}",
            where,
            ((path,),),
        )
    if old.type != new.type:
        message = f"Type for {on} changed from '{old.type}' to '{new.type}'"
        rec.add_input_retyped(T.FIELD_ARGUMENT_TYPE_CHANGED, field_path, old, new, message)
    diff_usages(
        rec,
        old.directives,
        new.directives,
        "ARGUMENT_DEFINITION",
        path,
        new.offset,
        added_to_new=False,
    )
