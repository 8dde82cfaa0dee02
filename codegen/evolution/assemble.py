"""Assemble a model from the definitions a reader found, checking the SDL rules on the way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from codegen.evolution.model import (
    BUILT_IN_SCALARS,
    DEFAULT_DEPRECATION_REASON,
    SPECIFIED_DIRECTIVES,
    DirectiveDef,
    DirectiveUse,
    InputValue,
    Member,
    Schema,
    TypeDef,
    named_type,
    print_value,
)

__all__ = ["Parts", "SchemaPart", "SchemaProblem", "assemble", "deprecation_reason"]

# Where the directives of the specification may be applied in SDL; @include and
# @skip only apply to operations.
_SPECIFIED_LOCATIONS = {
    "deprecated": frozenset(
        {"FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION", "ENUM_VALUE"}
    ),
    "specifiedBy": frozenset({"SCALAR"}),
    "oneOf": frozenset({"INPUT_OBJECT"}),
    "include": frozenset(),
    "skip": frozenset(),
}
_SPECIFIED_ARGS: dict[str, dict[str, str]] = {
    "deprecated": {"reason": "String"},
    "specifiedBy": {"url": "String!"},
    "oneOf": {},
    "include": {"if": "Boolean!"},
    "skip": {"if": "Boolean!"},
}
# build_ast_schema reads the values of these two (with the specification's own
# definitions, even where a schema redefines them), so a wrong literal is an error.
_COERCED = frozenset({"deprecated", "specifiedBy"})
_TYPE_LOCATION = {
    "OBJECT": "OBJECT",
    "INTERFACE": "INTERFACE",
    "UNION": "UNION",
    "ENUM": "ENUM",
    "INPUT_OBJECT": "INPUT_OBJECT",
    "SCALAR": "SCALAR",
}


class SchemaProblem(Exception):
    """The definitions break an SDL rule; `offset` is where, -1 when unknown."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True)
class SchemaPart:
    """A `schema` definition or extension: its root types and directives."""

    roots: tuple[tuple[str, str, int], ...]  # (operation, type name, offset)
    directives: tuple[DirectiveUse, ...]
    offset: int


@dataclass
class Parts:
    """Everything a reader found, in document order."""

    types: list[TypeDef] = field(default_factory=list)
    extensions: list[TypeDef] = field(default_factory=list)
    directives: list[DirectiveDef] = field(default_factory=list)
    schemas: list[SchemaPart] = field(default_factory=list)
    schema_extensions: list[SchemaPart] = field(default_factory=list)


def deprecation_reason(directives: tuple[DirectiveUse, ...], offset: int) -> str | None:
    """The reason `@deprecated` gives, its default without one, or None."""
    for use in directives:
        if use.name == "deprecated":
            for name, value in use.args:
                if name == "reason":
                    if value[0] == "String":
                        return str(value[1])
                    if value[0] == "Null":
                        return None
                    raise SchemaProblem("@deprecated(reason:) must be a String.", offset)
            return DEFAULT_DEPRECATION_REASON
    return None


def assemble(parts: Parts) -> Schema:
    """Merge extensions into their types, find the root types and check the SDL rules.

    Both readers (the fast one in `read_sdl` and graphql-core's AST in `from_ast`)
    produce the same `Parts`, and this module alone turns them into a `Schema`, so
    that the two give equal models. It checks what graphql-core's `build_schema`
    checks: `validate_sdl`'s rules (unknown types and directives, duplicate names,
    misplaced or repeated directives, directive arguments), the values of
    `@deprecated` and `@specifiedBy`, and the kinds of interfaces, union members,
    fields and arguments; it raises `SchemaProblem` at the first problem. The rules
    only `validate_schema` checks (reserved `__` names, interfaces implemented
    correctly, ...) are not checked here, as neither graphql-core's `build_schema`
    nor graphql-inspector checks them; `LoadedSchema.graphql_schema` does, when an
    operation is validated.
    """
    types: dict[str, TypeDef] = {}
    for type_ in parts.types:
        if type_.name in types:
            raise SchemaProblem(f"There can be only one type named '{type_.name}'.", type_.offset)
        types[type_.name] = type_
    for extension in parts.extensions:
        types[extension.name] = _extend(types.get(extension.name), extension)
    directives: dict[str, DirectiveDef] = {}
    for directive in parts.directives:
        if directive.name in directives:
            raise SchemaProblem(
                f"There can be only one directive named '@{directive.name}'.", directive.offset
            )
        directives[directive.name] = directive
    _check(types, directives, parts)
    roots = _find_roots(types, parts)
    return Schema(
        types=types,
        directives={
            name: directive
            for name, directive in directives.items()
            if name not in SPECIFIED_DIRECTIVES
        },
        query=roots.get("query"),
        mutation=roots.get("mutation"),
        subscription=roots.get("subscription"),
        schema_directives=tuple(
            part.directives for part in (parts.schemas or _NO_SCHEMA) + parts.schema_extensions
        ),
    )


_NO_SCHEMA = [SchemaPart((), (), -1)]


def _extend(base: TypeDef | None, extension: TypeDef) -> TypeDef:
    if base is None:
        raise SchemaProblem(
            f"Cannot extend type '{extension.name}' because it is not defined.", extension.offset
        )
    if base.kind != extension.kind:
        raise SchemaProblem(
            f"Cannot extend non-{extension.kind.lower()} type '{extension.name}'.",
            extension.offset,
        )
    return base._replace(
        fields=_merge(base.name, "Field", base.fields, extension.fields),
        input_fields=_merge(base.name, "Field", base.input_fields, extension.input_fields),
        values=_merge(base.name, "Enum value", base.values, extension.values),
        interfaces=base.interfaces + extension.interfaces,
        members=base.members + extension.members,
        # As graphql-inspector reports them (its loader merges extensions into the
        # definition): a directive applied by `extend type X @d` is X's directive.
        directives=base.directives + extension.directives,
    )


def _merge(
    type_name: str, what: str, base: dict[str, Member], added: dict[str, Member]
) -> dict[str, Member]:
    """`base` and an extension's definitions; a name defined in both is a SchemaProblem."""
    merged = dict(base)
    for name, definition in added.items():
        if name in merged:
            raise SchemaProblem(
                f"{what} '{type_name}.{name}' can only be defined once.", definition.offset
            )
        merged[name] = definition
    return merged


def _find_roots(types: dict[str, TypeDef], parts: Parts) -> dict[str, str]:
    if len(parts.schemas) > 1:
        raise SchemaProblem("Must provide only one schema definition.", parts.schemas[1].offset)
    roots: dict[str, str] = {}
    for part in parts.schemas + parts.schema_extensions:
        for operation, name, offset in part.roots:
            if operation in roots:
                raise SchemaProblem(f"There can be only one {operation} type in schema.", offset)
            if name not in types:
                raise SchemaProblem(f"Unknown type '{name}'.", offset)
            roots[operation] = name
    if not parts.schemas:
        # As graphql-js and graphql-core do: without a schema definition, the
        # types named Query, Mutation and Subscription are the roots.
        for operation, name in (
            ("query", "Query"),
            ("mutation", "Mutation"),
            ("subscription", "Subscription"),
        ):
            if name in types:
                roots[operation] = name
    return roots


def _check(
    types: dict[str, TypeDef],
    directives: dict[str, DirectiveDef],
    parts: Parts,
) -> None:
    def kind_of(type_: str, offset: int) -> str:
        name = named_type(type_)
        if name in BUILT_IN_SCALARS:
            return "SCALAR"
        if name not in types:
            raise SchemaProblem(f"Unknown type '{name}'.", offset)
        return types[name].kind

    def check_input_type(type_: str, offset: int) -> None:
        # graphql-core's build refuses these (its type constructors assert them).
        if kind_of(type_, offset) not in _INPUT_KINDS:
            raise SchemaProblem(
                f"The type '{named_type(type_)}' must be an input type here.", offset
            )

    uses = _DirectiveChecker(directives)
    for type_ in types.values():
        location = _TYPE_LOCATION[type_.kind]
        uses.check(type_.directives, location, type_.offset)
        for name in type_.interfaces:
            if kind_of(name, type_.offset) != "INTERFACE":
                raise SchemaProblem(
                    f"Type '{type_.name}' can only implement interfaces; '{name}' is not one.",
                    type_.offset,
                )
        for name in type_.members:
            if kind_of(name, type_.offset) != "OBJECT":
                raise SchemaProblem(
                    f"Union '{type_.name}' can only include object types; '{name}' is not one.",
                    type_.offset,
                )
        for field_ in type_.fields.values():
            if kind_of(field_.type, field_.offset) == "INPUT_OBJECT":
                raise SchemaProblem(
                    f"The type of '{type_.name}.{field_.name}' must be an output type.",
                    field_.offset,
                )
            uses.check(field_.directives, "FIELD_DEFINITION", field_.offset)
            _check_input_values(field_.args.values(), "ARGUMENT_DEFINITION", check_input_type, uses)
        _check_input_values(
            type_.input_fields.values(), "INPUT_FIELD_DEFINITION", check_input_type, uses
        )
        for value in type_.values.values():
            uses.check(value.directives, "ENUM_VALUE", value.offset)
    for directive in directives.values():
        _check_input_values(directive.args.values(), "ARGUMENT_DEFINITION", check_input_type, uses)
    for part in parts.schemas + parts.schema_extensions:
        uses.check(part.directives, "SCHEMA", part.offset)


_INPUT_KINDS = frozenset({"SCALAR", "ENUM", "INPUT_OBJECT"})


def _check_input_values(
    values: Iterable[InputValue],
    location: str,
    check_input_type: Callable[[str, int], None],
    uses: _DirectiveChecker,
) -> None:
    for value in values:
        check_input_type(value.type, value.offset)
        uses.check(value.directives, location, value.offset)


class _DirectiveChecker:
    """KnownDirectives, UniqueDirectivesPerLocation and the directive argument rules."""

    def __init__(self, directives: dict[str, DirectiveDef]) -> None:
        self.locations: dict[str, frozenset[str]] = dict(_SPECIFIED_LOCATIONS)
        self.repeatable: set[str] = set()
        self.args: dict[str, dict[str, str]] = dict(_SPECIFIED_ARGS)
        self.defaults: dict[str, set[str]] = {}
        for directive in directives.values():
            self.locations[directive.name] = frozenset(directive.locations)
            if directive.repeatable:
                self.repeatable.add(directive.name)
            self.args[directive.name] = {arg.name: arg.type for arg in directive.args.values()}
            self.defaults[directive.name] = {
                arg.name for arg in directive.args.values() if arg.default is not None
            }

    def check(self, uses: Iterable[DirectiveUse], location: str, offset: int) -> None:
        seen: set[str] = set()
        for use in uses:
            allowed = self.locations.get(use.name)
            if allowed is None:
                raise SchemaProblem(f"Unknown directive '@{use.name}'.", offset)
            if location not in allowed:
                raise SchemaProblem(
                    f"Directive '@{use.name}' may not be used on {location}.", offset
                )
            if use.name in seen and use.name not in self.repeatable:
                raise SchemaProblem(
                    f"The directive '@{use.name}' can only be used once at this location.",
                    offset,
                )
            seen.add(use.name)
            defined = self.args[use.name]
            given = [name for name, _ in use.args]
            if len(set(given)) != len(given):
                raise SchemaProblem(f"Directive '@{use.name}' repeats an argument.", offset)
            for name in given:
                if name not in defined:
                    raise SchemaProblem(
                        f"Unknown argument '{name}' on directive '@{use.name}'.", offset
                    )
            if use.name in _COERCED:
                _check_coerced(use, offset)
            for name, type_ in defined.items():
                required = type_.endswith("!") and name not in self.defaults.get(use.name, ())
                if required and name not in given:
                    raise SchemaProblem(
                        f"Directive '@{use.name}' argument '{name}' of type '{type_}' is "
                        "required, but it was not provided.",
                        offset,
                    )


def _check_coerced(use: DirectiveUse, offset: int) -> None:
    for name, value in use.args:
        expected = _SPECIFIED_ARGS[use.name].get(name)
        if expected is None:
            continue
        if value[0] == "String" or (value[0] == "Null" and not expected.endswith("!")):
            continue
        raise SchemaProblem(f"Argument '{name}' has invalid value {print_value(value)}.", offset)
