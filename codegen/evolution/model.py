"""The schema model the diff works on: plain records built from SDL, an AST or introspection."""

from __future__ import annotations

import json
from typing import Any, NamedTuple, TypeVar

__all__ = [
    "BUILT_IN_SCALARS",
    "DEFAULT_DEPRECATION_REASON",
    "NO_OFFSET",
    "SPECIFIED_DIRECTIVES",
    "DirectiveDef",
    "DirectiveUse",
    "EnumValue",
    "Field",
    "InputValue",
    "Member",
    "Schema",
    "TypeDef",
    "Value",
    "is_deprecated",
    "named_type",
    "print_value",
]

Value = tuple[Any, ...]

NO_OFFSET = -1
DEFAULT_DEPRECATION_REASON = "No longer supported"
BUILT_IN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
SPECIFIED_DIRECTIVES = frozenset({"include", "skip", "deprecated", "specifiedBy", "oneOf"})


class DirectiveUse(NamedTuple):
    """A directive applied to a definition: `@name(arg: value)`."""

    name: str
    args: tuple[tuple[str, Value], ...]


class InputValue(NamedTuple):
    """An argument of a field or directive, or a field of an input object."""

    name: str
    type: str
    default: Value | None
    description: str | None
    deprecation: str | None
    directives: tuple[DirectiveUse, ...]
    offset: int


class Field(NamedTuple):
    """A field of an object or interface type."""

    name: str
    type: str
    args: dict[str, InputValue]
    description: str | None
    deprecation: str | None
    directives: tuple[DirectiveUse, ...]
    offset: int


class EnumValue(NamedTuple):
    """A value of an enum type."""

    name: str
    description: str | None
    deprecation: str | None
    directives: tuple[DirectiveUse, ...]
    offset: int


# A field, an input value or an enum value: a definition a type holds by name.
Member = TypeVar("Member", Field, InputValue, EnumValue)


class TypeDef(NamedTuple):
    """A named type; `kind` is the introspection kind (`OBJECT`, `ENUM`, ...)."""

    kind: str
    name: str
    description: str | None
    fields: dict[str, Field]
    input_fields: dict[str, InputValue]
    values: dict[str, EnumValue]
    interfaces: tuple[str, ...]
    members: tuple[str, ...]
    directives: tuple[DirectiveUse, ...]
    offset: int


class DirectiveDef(NamedTuple):
    """A directive definition: `directive @name(args) repeatable on LOCATIONS`."""

    name: str
    description: str | None
    args: dict[str, InputValue]
    repeatable: bool
    locations: tuple[str, ...]
    offset: int


class Schema(NamedTuple):
    """A whole schema.

    `schema_directives` holds the directives applied to the schema definition
    first, then those of each `extend schema`, one tuple each.

    A model keeps what a diff compares and nothing else: names, printed types
    (`[String!]!`), descriptions, deprecation reasons, default values as literals,
    applied directives, and the offset of each definition's name in its source text,
    so that a change can point at `path:line:col`. Built-in scalars, introspection
    types and the directives the specification defines are left out, as
    graphql-inspector leaves them out.

    Literals (default values, directive arguments) are tuples tagged with their kind:
    `("Int", "10")`, `("Float", "1.5")`, `("String", "text", is_block)`,
    `("Boolean", True)`, `("Null",)`, `("Enum", "NAME")`, `("List", (item, ...))`,
    `("Object", (("name", value), ...))`. Two literals print the same exactly when
    their tuples are equal.
    """

    types: dict[str, TypeDef]
    directives: dict[str, DirectiveDef]
    query: str | None
    mutation: str | None
    subscription: str | None
    schema_directives: tuple[tuple[DirectiveUse, ...], ...]


def is_deprecated(item: Field | InputValue | EnumValue) -> bool:
    """Deprecated by reason, or by a `@deprecated(reason: null)` (as graphql-inspector sees it)."""
    return item.deprecation is not None or any(d.name == "deprecated" for d in item.directives)


def named_type(type_: str) -> str:
    """The named type inside a printed type: `[User!]!` -> `User`."""
    return type_.strip("[]!")


def print_value(value: Value) -> str:
    """Print a literal in GraphQL syntax (strings always as quoted strings)."""
    kind = value[0]
    if kind in ("Int", "Float", "Enum"):
        return str(value[1])
    if kind == "String":
        return json.dumps(value[1], ensure_ascii=False)
    if kind == "Boolean":
        return "true" if value[1] else "false"
    if kind == "Null":
        return "null"
    if kind == "List":
        return "[" + ", ".join(print_value(item) for item in value[1]) + "]"
    if kind == "Object":
        return "{" + ", ".join(f"{name}: {print_value(item)}" for name, item in value[1]) + "}"
    if kind == "Variable":
        return f"${value[1]}"
    raise ValueError(f"not a literal: {value!r}")
