"""Check a response's `data` against the operation that asked for it and the schema.

A small walker: for every field the operation selects (aliases, fragments and
inline fragments included), the response has its key, a non-null field is never
null, and each value has its field's type: lists are lists, objects have exactly
the selected keys, and scalars look like their type on the wire.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    is_abstract_type,
)

from codegen.contract.scalars import is_uuid_text, read_instant

__all__ = ["find_nonconformity"]

_INT_RANGE = range(-(2**31), 2**31)


class _Mismatch(Exception):
    pass


def find_nonconformity(schema: GraphQLSchema, document: DocumentNode, data: Any) -> str | None:
    """The first place where `data` breaks the schema, as `path: problem`, or None."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or data is None:
        return None
    operation = operations[0]
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    if root is None:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walker = _Walker(schema, fragments)
    try:
        walker.check_object(root, [operation.selection_set], data, "data")
    except _Mismatch as mismatch:
        return str(mismatch)
    return None


class _Walker:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]):
        self.schema = schema
        self.fragments = fragments

    def check_object(
        self,
        type_: GraphQLObjectType,
        selections: Iterable[SelectionSetNode],
        value: Any,
        path: str,
    ) -> None:
        if not isinstance(value, dict):
            raise _Mismatch(f"{path}: expected an object of type {type_.name}, got {value!r}")
        fields: dict[str, tuple[list[FieldNode], bool]] = {}
        for selection_set in selections:
            self._collect(type_, selection_set, fields, optional=False)
        for key in value:
            if key not in fields:
                raise _Mismatch(f"{path}: the key {key!r} was not selected")
        for key, (nodes, optional) in fields.items():
            if key not in value:
                if optional:
                    continue
                raise _Mismatch(f"{path}: the selected field {key!r} is missing")
            self._check_field(type_, nodes, value[key], f"{path}.{key}")

    def _collect(
        self,
        type_: GraphQLObjectType,
        selection_set: SelectionSetNode,
        fields: dict[str, tuple[list[FieldNode], bool]],
        optional: bool,
    ) -> None:
        for selection in selection_set.selections:
            maybe = optional or bool(selection.directives)
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                nodes, was_optional = fields.get(key, ([], True))
                fields[key] = ([*nodes, selection], was_optional and maybe)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(type_, condition.name.value):
                    self._collect(type_, selection.selection_set, fields, maybe)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None and self._applies(
                    type_, fragment.type_condition.name.value
                ):
                    self._collect(type_, fragment.selection_set, fields, maybe)

    def _applies(self, type_: GraphQLObjectType, condition: str) -> bool:
        named = self.schema.get_type(condition)
        if named is type_:
            return True
        return is_abstract_type(named) and self.schema.is_sub_type(named, type_)  # type: ignore[arg-type]

    def _check_field(
        self, parent: GraphQLObjectType, nodes: list[FieldNode], value: Any, path: str
    ) -> None:
        name = nodes[0].name.value
        if name == "__typename":
            if value != parent.name:
                raise _Mismatch(f"{path}: __typename is {value!r}, not {parent.name!r}")
            return
        field = parent.fields.get(name)
        if field is None:
            return  # introspection, or a field this schema does not know
        self._check_value(field.type, nodes, value, path)

    def _check_value(
        self, type_: GraphQLOutputType, nodes: list[FieldNode], value: Any, path: str
    ) -> None:
        if isinstance(type_, GraphQLNonNull):
            if value is None:
                raise _Mismatch(f"{path}: null in a non-null field of type {type_}")
            type_ = type_.of_type
        if value is None:
            return
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                raise _Mismatch(f"{path}: expected a list of {type_.of_type}, got {value!r}")
            for index, item in enumerate(value):
                self._check_value(type_.of_type, nodes, item, f"{path}[{index}]")
        elif isinstance(type_, GraphQLScalarType):
            if not _scalar_fits(type_.name, value):
                raise _Mismatch(f"{path}: {value!r} is not a {type_.name}")
        elif isinstance(type_, GraphQLEnumType):
            if value not in type_.values:
                raise _Mismatch(f"{path}: {value!r} is not a value of the enum {type_.name}")
        elif isinstance(type_, GraphQLObjectType):
            selections = [n.selection_set for n in nodes if n.selection_set is not None]
            self.check_object(type_, selections, value, path)
        elif isinstance(value, dict):
            concrete = self.schema.get_type(str(value.get("__typename")))
            if isinstance(concrete, GraphQLObjectType):
                selections = [n.selection_set for n in nodes if n.selection_set is not None]
                self.check_object(concrete, selections, value, path)
        else:
            raise _Mismatch(f"{path}: expected an object of type {type_}, got {value!r}")


def _scalar_fits(name: str, value: Any) -> bool:
    if name == "Int":
        return isinstance(value, int) and not isinstance(value, bool) and value in _INT_RANGE
    if name == "Float":
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        )
    if name in ("String", "ID"):
        return isinstance(value, str)
    if name == "Boolean":
        return isinstance(value, bool)
    if name == "UUID":
        return is_uuid_text(value)
    if name == "DateTime":
        return read_instant(value) is not None
    return True  # a custom scalar this kit knows nothing about
