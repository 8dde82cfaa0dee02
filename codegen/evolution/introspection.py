"""The model to and from an introspection result, and a graphql-core schema from a model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from codegen.evolution.model import (
    BUILT_IN_SCALARS,
    NO_OFFSET,
    SPECIFIED_DIRECTIVES,
    DirectiveDef,
    EnumValue,
    Field,
    InputValue,
    Schema,
    TypeDef,
    Value,
    named_type,
    print_value,
)

if TYPE_CHECKING:
    from graphql import GraphQLSchema

__all__ = [
    "IntrospectionShapeError",
    "build_graphql_schema",
    "introspection_from_model",
    "model_from_introspection",
]


class IntrospectionShapeError(ValueError):
    """The data is not an introspection result; the message says what is wrong."""


def model_from_introspection(data: Mapping[str, Any]) -> Schema:
    """Read `{"__schema": ...}` (or `{"data": {"__schema": ...}}`) into a model.

    Introspection says nothing about applied directives other than deprecations, and
    nothing about where a definition is written, so a model read from it has neither;
    graphql-inspector's schemas built from introspection lack them as well.
    """
    try:
        if "data" in data and isinstance(data["data"], Mapping):
            data = data["data"]
        schema = data["__schema"]
        types: dict[str, TypeDef] = {}
        for entry in schema["types"]:
            name = entry["name"]
            if name in BUILT_IN_SCALARS or name.startswith("__"):
                continue
            types[name] = _type(entry)
        directives = {
            entry["name"]: DirectiveDef(
                entry["name"],
                entry.get("description"),
                _input_values(entry.get("args") or ()),
                bool(entry.get("isRepeatable", False)),
                tuple(entry["locations"]),
                NO_OFFSET,
            )
            for entry in schema.get("directives") or ()
            if entry["name"] not in SPECIFIED_DIRECTIVES
        }
        return Schema(
            types=types,
            directives=directives,
            query=_root(schema, "queryType"),
            mutation=_root(schema, "mutationType"),
            subscription=_root(schema, "subscriptionType"),
            schema_directives=((),),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise IntrospectionShapeError(f"not an introspection result (at {exc!r})") from exc


def _root(schema: Mapping[str, Any], key: str) -> str | None:
    entry = schema.get(key)
    return str(entry["name"]) if entry else None


def _type(entry: Mapping[str, Any]) -> TypeDef:
    kind = entry["kind"]
    fields: dict[str, Field] = {}
    for field in entry.get("fields") or ():
        fields[field["name"]] = Field(
            field["name"],
            _type_string(field["type"]),
            _input_values(field.get("args") or ()),
            field.get("description"),
            field.get("deprecationReason"),
            (),
            NO_OFFSET,
        )
    values = {
        value["name"]: EnumValue(
            value["name"], value.get("description"), value.get("deprecationReason"), (), NO_OFFSET
        )
        for value in entry.get("enumValues") or ()
    }
    return TypeDef(
        kind,
        entry["name"],
        entry.get("description"),
        fields,
        _input_values(entry.get("inputFields") or ()),
        values,
        tuple(i["name"] for i in entry.get("interfaces") or ()),
        tuple(t["name"] for t in entry.get("possibleTypes") or ()) if kind == "UNION" else (),
        (),
        NO_OFFSET,
    )


def _input_values(entries: Any) -> dict[str, InputValue]:
    values: dict[str, InputValue] = {}
    for entry in entries:
        default = entry.get("defaultValue")
        values[entry["name"]] = InputValue(
            entry["name"],
            _type_string(entry["type"]),
            None if default is None else _read_default(default),
            entry.get("description"),
            entry.get("deprecationReason"),
            (),
            NO_OFFSET,
        )
    return values


def _read_default(text: str) -> Value:
    from codegen.evolution.read_sdl import Unsupported, read_value

    try:
        return read_value(text)
    except Unsupported:
        from graphql import GraphQLSyntaxError, parse_const_value

        from codegen.evolution.from_ast import value_from_node

        try:
            return value_from_node(parse_const_value(text))
        except GraphQLSyntaxError as exc:
            raise IntrospectionShapeError(f"invalid default value {text!r}") from exc


def _type_string(ref: Mapping[str, Any]) -> str:
    kind = ref["kind"]
    if kind == "NON_NULL":
        return _type_string(ref["ofType"]) + "!"
    if kind == "LIST":
        return f"[{_type_string(ref['ofType'])}]"
    return str(ref["name"])


def introspection_from_model(model: Schema) -> dict[str, Any]:
    """An introspection result describing `model` (no applied directives but @deprecated)."""
    kinds = {name: type_.kind for name, type_ in model.types.items()}
    kinds.update(dict.fromkeys(BUILT_IN_SCALARS, "SCALAR"))

    def ref(type_: str) -> dict[str, Any]:
        if type_.endswith("!"):
            return {"kind": "NON_NULL", "name": None, "ofType": ref(type_[:-1])}
        if type_.startswith("["):
            return {"kind": "LIST", "name": None, "ofType": ref(type_[1:-1])}
        return {"kind": kinds.get(named_type(type_), "SCALAR"), "name": type_, "ofType": None}

    def input_values(values: Mapping[str, InputValue]) -> list[dict[str, Any]]:
        return [
            {
                "name": value.name,
                "description": value.description,
                "type": ref(value.type),
                "defaultValue": None if value.default is None else print_value(value.default),
                "isDeprecated": value.deprecation is not None,
                "deprecationReason": value.deprecation,
            }
            for value in values.values()
        ]

    types: list[dict[str, Any]] = [
        {"kind": "SCALAR", "name": name, "description": None, "specifiedByURL": None}
        for name in sorted(BUILT_IN_SCALARS)
    ]
    for type_ in model.types.values():
        entry: dict[str, Any] = {
            "kind": type_.kind,
            "name": type_.name,
            "description": type_.description,
            "specifiedByURL": None,
            "fields": None,
            "inputFields": None,
            "interfaces": None,
            "enumValues": None,
            "possibleTypes": None,
        }
        if type_.kind in ("OBJECT", "INTERFACE"):
            entry["fields"] = [
                {
                    "name": field.name,
                    "description": field.description,
                    "args": input_values(field.args),
                    "type": ref(field.type),
                    "isDeprecated": field.deprecation is not None,
                    "deprecationReason": field.deprecation,
                }
                for field in type_.fields.values()
            ]
            entry["interfaces"] = [ref(name) for name in type_.interfaces]
        elif type_.kind == "INPUT_OBJECT":
            entry["inputFields"] = input_values(type_.input_fields)
            entry["isOneOf"] = any(use.name == "oneOf" for use in type_.directives)
        elif type_.kind == "ENUM":
            entry["enumValues"] = [
                {
                    "name": value.name,
                    "description": value.description,
                    "isDeprecated": value.deprecation is not None,
                    "deprecationReason": value.deprecation,
                }
                for value in type_.values.values()
            ]
        elif type_.kind == "UNION":
            entry["possibleTypes"] = [ref(name) for name in type_.members]
        types.append(entry)

    def root(name: str | None) -> dict[str, str] | None:
        return None if name is None else {"name": name}

    return {
        "__schema": {
            "description": None,
            "queryType": root(model.query),
            "mutationType": root(model.mutation),
            "subscriptionType": root(model.subscription),
            "types": types,
            "directives": [
                {
                    "name": directive.name,
                    "description": directive.description,
                    "locations": list(directive.locations),
                    "args": input_values(directive.args),
                    "isRepeatable": directive.repeatable,
                }
                for directive in model.directives.values()
            ],
        }
    }


def build_graphql_schema(model: Schema) -> GraphQLSchema:
    """A graphql-core schema for validating operations against `model`."""
    from graphql import IntrospectionQuery, build_client_schema

    # The model was checked when it was read; assume_valid spares validate()
    # a full schema validation, which costs more than the build on a large schema.
    introspection = cast(IntrospectionQuery, introspection_from_model(model))
    return build_client_schema(introspection, assume_valid=True)
