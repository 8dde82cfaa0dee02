"""An introspection result checked by graphql-core, and the model read from it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
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
)

if TYPE_CHECKING:
    from graphql import GraphQLSchema

__all__ = ["IntrospectionShapeError", "client_schema", "model_from_introspection"]

_MAX_MESSAGE = 200


class IntrospectionShapeError(ValueError):
    """The data is not an introspection result; the message says what is wrong."""


def client_schema(data: Mapping[str, Any]) -> GraphQLSchema:
    """graphql-core's schema for `{"__schema": ...}` (or `{"data": {"__schema": ...}}`).

    graphql-core decides what is an introspection result: `build_client_schema`
    rejects unknown type references, unknown kinds, missing or malformed names and
    directive locations, and `validate_schema` then checks the schema it describes
    (interfaces implementing each other in a cycle, for one). Every refusal, and a
    type reference nested too deeply to build, is an `IntrospectionShapeError`
    whose message is one line.
    """
    from graphql import GraphQLError, IntrospectionQuery, build_client_schema, validate_schema

    data = _unwrap(data)
    if not isinstance(data.get("__schema"), Mapping):
        errors = " (it holds errors instead)" if "errors" in data else ""
        raise IntrospectionShapeError(f"not an introspection result: no __schema object{errors}")
    _check_depth(data["__schema"])
    _check_text(data["__schema"])
    try:
        schema = build_client_schema(cast(IntrospectionQuery, data))
        problems = validate_schema(schema)
    except RecursionError:
        raise IntrospectionShapeError(_TOO_DEEP) from None
    except (GraphQLError, TypeError, KeyError, ValueError, AttributeError) as exc:
        if "recursion" in str(exc):
            raise IntrospectionShapeError(_TOO_DEEP) from None
        raise IntrospectionShapeError(
            f"not a valid introspection result: {_one_line(exc)}"
        ) from None
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise IntrospectionShapeError(
            f"the schema it describes is invalid: {_one_line(problems[0].message)}{more}"
        )
    return schema


_TOO_DEEP = "not a valid introspection result: a type reference is nested too deeply"
# graphql-core's introspection query asks for 7 levels of ofType; a reference wrapped
# more than this many times is not from a real server (and SDL so deep would not parse).
MAX_TYPE_DEPTH = 32


def _check_depth(schema: Mapping[str, Any]) -> None:
    """Refuse an `ofType` chain deeper than MAX_TYPE_DEPTH, without recursing."""

    def references() -> Iterator[tuple[str, Any]]:
        for type_ in _entries(schema.get("types")):
            name = type_.get("name")
            for key in ("fields", "inputFields"):
                for field in _entries(type_.get(key)):
                    yield f"{name}.{field.get('name')}", field.get("type")
                    for arg in _entries(field.get("args")):
                        yield f"{name}.{field.get('name')}.{arg.get('name')}", arg.get("type")
        for directive in _entries(schema.get("directives")):
            for arg in _entries(directive.get("args")):
                yield f"@{directive.get('name')}.{arg.get('name')}", arg.get("type")

    for where, ref in references():
        depth = 0
        while isinstance(ref, Mapping) and ref.get("ofType") is not None:
            depth += 1
            if depth > MAX_TYPE_DEPTH:
                raise IntrospectionShapeError(
                    f"not a valid introspection result: the type of {where} is wrapped "
                    f"more than {MAX_TYPE_DEPTH} times"
                )
            ref = ref["ofType"]


def _check_text(schema: Mapping[str, Any]) -> None:
    """Refuse a string with a lone surrogate (JSON's `"\\ud800"`): it is not Unicode text,
    so printing the report or the SDL would fail. graphql-core's build accepts it."""
    try:
        json.dumps(schema, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        character = ord(exc.object[exc.start])
        raise IntrospectionShapeError(
            f"not a valid introspection result: a string holds a lone surrogate "
            f"(U+{character:04X}), which is not Unicode text"
        ) from None
    except (RecursionError, ValueError):
        raise IntrospectionShapeError(_TOO_DEEP) from None


def _entries(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, list):
        yield from (entry for entry in value if isinstance(entry, Mapping))


def _one_line(error: object) -> str:
    text = " ".join(str(error).split())
    if isinstance(error, KeyError):
        text = f"missing key {text}"
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def _unwrap(data: Mapping[str, Any]) -> Mapping[str, Any]:
    if "data" in data and isinstance(data["data"], Mapping):
        return cast(Mapping[str, Any], data["data"])
    return data


def model_from_introspection(data: Mapping[str, Any]) -> Schema:
    """Read `{"__schema": ...}` (or `{"data": {"__schema": ...}}`) into a model.

    Introspection says nothing about applied directives other than deprecations, and
    nothing about where a definition is written, so a model read from it has neither;
    graphql-inspector's schemas built from introspection lack them as well.
    """
    try:
        data = _unwrap(data)
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
