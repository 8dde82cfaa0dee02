"""The diff of input object types: fields added, removed, retyped, defaulted, described."""

from __future__ import annotations

from codegen.evolution.change_recorder import NEW, OLD, ChangeRecorder, describe_default, quote
from codegen.evolution.changes import ChangeType as T
from codegen.evolution.changes import Level
from codegen.evolution.diff_directives import diff_usages
from codegen.evolution.model import InputValue, TypeDef, is_deprecated
from codegen.evolution.values import defaults_equal

__all__ = ["changes_in_input_object"]


def changes_in_input_object(rec: ChangeRecorder, old: TypeDef | None, new: TypeDef) -> None:
    name = new.name
    old_fields = old.input_fields if old else {}
    for field_name, field in old_fields.items():
        if field_name not in new.input_fields:
            deprecated = "(deprecated) " if is_deprecated(field) else ""
            rec.add(
                Level.BREAKING,
                T.INPUT_FIELD_REMOVED,
                f"{name}.{field_name}",
                f"Input field '{field_name}' {deprecated}was removed from input object type "
                f"'{name}'",
                (OLD, field.offset),
                ((f"{name}.{field_name}",),),
            )
    for field_name, field in new.input_fields.items():
        if field_name not in old_fields:
            if old is None or (not field.type.endswith("!") and field.default is None):
                level = Level.NON_BREAKING
            elif field.default is None:
                level = Level.BREAKING
            else:
                level = Level.DANGEROUS
            with_default = ""
            if field.default is not None:
                with_default = f" with default value {describe_default(field)}"
            rec.add(
                level,
                T.INPUT_FIELD_ADDED,
                f"{name}.{field_name}",
                f"Input field '{field_name}' of type '{field.type}'{with_default} was added to "
                f"input object type '{name}'",
                (NEW, field.offset),
                ((name,),),
            )
            _changes_in_input_field(rec, name, None, field)
    for field_name, field in old_fields.items():
        if field_name in new.input_fields:
            _changes_in_input_field(rec, name, field, new.input_fields[field_name])


def _changes_in_input_field(
    rec: ChangeRecorder, input_name: str, old: InputValue | None, new: InputValue
) -> None:
    path = f"{input_name}.{new.name}"
    where = (NEW, new.offset)
    old_description = old.description if old else None
    if (old_description or None) != (new.description or None):
        if old_description is None:
            change = T.INPUT_FIELD_DESCRIPTION_ADDED
            text = f"Input field '{path}' has description {quote(new.description)}"
        elif new.description is None:
            change = T.INPUT_FIELD_DESCRIPTION_REMOVED
            text = f"Description {quote(old_description)} was removed from input field '{path}'"
        else:
            change = T.INPUT_FIELD_DESCRIPTION_CHANGED
            text = (
                f"Input field '{path}' description changed from {quote(old_description)} "
                f"to {quote(new.description)}"
            )
        rec.add(Level.NON_BREAKING, change, path, text, where)
    if old is not None:
        if not defaults_equal(old, new, rec.old, rec.new):
            rec.add(
                Level.DANGEROUS,
                T.INPUT_FIELD_DEFAULT_VALUE_CHANGED,
                path,
                f"Input field '{path}' default value changed from {describe_default(old)} to "
                f"{describe_default(new)}",
                where,
                ((path,),),
            )
        if old.type != new.type:
            message = f"Input field '{path}' changed type from '{old.type}' to '{new.type}'"
            rec.add_input_retyped(T.INPUT_FIELD_TYPE_CHANGED, input_name, old, new, message)
    diff_usages(
        rec,
        old.directives if old else (),
        new.directives,
        "INPUT_FIELD_DEFINITION",
        path,
        new.offset,
        added_to_new=old is None,
    )
