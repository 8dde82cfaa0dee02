"""Property tests: the generated client keeps the schema's contract in both directions.

Responses: every response the schema allows for an operation in `queries/` is parsed
by the generated result model, and the parsed values mirror the JSON that was sent
(same nulls, same list lengths, UUIDs as `uuid.UUID`, DateTimes aware and at the same
instant). The responses are generated from the schema's types and each operation's
selection set, so a new operation or field is covered without editing this file.

Requests: for any arguments a caller may pass, the request the client sends names
the operation, carries its query, and has `variables` that graphql-core coerces
against the operation's variable definitions, with UUID and DateTime scalars that
accept only the canonical forms (`DateTime` as ISO 8601 in UTC ending in `Z`).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    is_input_type,
    parse,
    print_ast,
    type_from_ast,
    validate,
)
from graphql.execution.values import get_variable_values
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

import pluvo_client
from pluvo_client import scalars

ROOT = Path(__file__).resolve().parent.parent
URL = "https://pluvo.test/graphql"

# --------------------------------------------------------------------------- schema


def _parse_uuid_strictly(value: Any) -> uuid.UUID:
    """The server's view of `UUID`: a string in the canonical 36-character form."""
    if not isinstance(value, str):
        raise TypeError(f"a UUID must be sent as a string, got {value!r}")
    parsed = uuid.UUID(value)
    if str(parsed) != value:
        raise ValueError(f"{value!r} is not the canonical form {str(parsed)!r}")
    return parsed


_UTC_Z = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z", re.ASCII)


def _parse_datetime_strictly(value: Any) -> datetime:
    """The server's view of a sent `DateTime`: ISO 8601 in UTC, ending in `Z`."""
    if not isinstance(value, str) or not _UTC_Z.fullmatch(value):
        raise ValueError(f"{value!r} is not an ISO 8601 date and time in UTC ending in Z")
    return datetime.fromisoformat(value[:-1]).replace(tzinfo=UTC)


def _load_schema() -> GraphQLSchema:
    schema = build_schema((ROOT / "schema" / "pluvo.graphql").read_text(encoding="utf-8"))
    for name, parse_value in (
        ("UUID", _parse_uuid_strictly),
        ("DateTime", _parse_datetime_strictly),
    ):
        scalar = schema.get_type(name)
        assert isinstance(scalar, GraphQLScalarType), name
        # build_schema gives custom scalars a pass-through parse_value; make them check.
        scalar.parse_value = parse_value  # type: ignore[method-assign]
    return schema


def _load_operations() -> dict[str, tuple[DocumentNode, OperationDefinitionNode]]:
    operations: dict[str, tuple[DocumentNode, OperationDefinitionNode]] = {}
    for path in sorted((ROOT / "queries").glob("*.graphql")):
        document = parse(path.read_text(encoding="utf-8"))
        for definition in document.definitions:
            assert isinstance(definition, OperationDefinitionNode), path
            assert definition.name is not None, f"{path}: anonymous operation"
            operations[definition.name.value] = (document, definition)
    assert operations, "no operations found in queries/"
    return operations


SCHEMA = _load_schema()
OPERATIONS = _load_operations()
OPERATION_NAMES = sorted(OPERATIONS)


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _root_type(operation: OperationDefinitionNode) -> GraphQLObjectType:
    root = SCHEMA.get_root_type(operation.operation)
    assert root is not None, operation.operation
    return root


def _fields(selection_set: SelectionSetNode | None) -> list[FieldNode]:
    assert selection_set is not None, "an object field without a selection set"
    fields = []
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode):
            raise NotImplementedError(f"fragments are not supported yet: {selection.kind}")
        fields.append(selection)
    return fields


def _response_key(field: FieldNode) -> str:
    return (field.alias or field.name).value


def _field_type(parent: GraphQLObjectType, field: FieldNode) -> GraphQLOutputType:
    type_: GraphQLOutputType = parent.fields[field.name.value].type
    return type_


# ------------------------------------------------------------------ response values

_OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_MOMENTS = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
_TIMESPECS = st.sampled_from(["minutes", "seconds", "milliseconds", "microseconds"])


@st.composite
def iso_datetime_texts(draw: st.DrawFn) -> str:
    """`DateTime` text as a server may send it: date-only, `Z`, `+hh:mm`, or no zone."""
    moment = draw(_MOMENTS)
    form = draw(st.sampled_from(["date", "utc", "offset", "unzoned"]))
    if form == "date":
        return moment.date().isoformat()
    timespec = draw(_TIMESPECS)
    if form == "utc":
        return moment.isoformat(timespec=timespec) + "Z"
    if form == "offset":
        return moment.replace(tzinfo=draw(_OFFSETS)).isoformat(timespec=timespec)
    return moment.isoformat(timespec=timespec)


_ISO_TEXT = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:T(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,6}))?)?"
    r"(?P<zone>Z|(?P<sign>[+-])(?P<zh>\d{2}):(?P<zm>\d{2}))?)?",
    re.ASCII,
)


def instant_of(text: str) -> datetime:
    """The instant a generated `DateTime` text denotes; no zone (or no time) means UTC."""
    match = _ISO_TEXT.fullmatch(text)
    assert match is not None, text
    number = {
        key: int(value)
        for key, value in match.groupdict(default="0").items()
        if key not in {"zone", "sign", "f"}
    }
    fraction = match["f"] or ""
    offset = timedelta(hours=number["zh"], minutes=number["zm"])
    if match["sign"] == "-":
        offset = -offset
    return datetime(
        number["y"],
        number["mo"],
        number["d"],
        number["h"],
        number["mi"],
        number["s"],
        int(fraction.ljust(6, "0")),
        tzinfo=timezone(offset),
    )


RESPONSE_SCALARS: Mapping[str, st.SearchStrategy[Any]] = {
    "Int": st.integers(min_value=-(2**31), max_value=2**31 - 1),
    "Float": st.floats(allow_nan=False, allow_infinity=False),
    "String": st.text(),
    "Boolean": st.booleans(),
    "ID": st.text(),
    "UUID": st.uuids().map(str),
    "DateTime": iso_datetime_texts(),
}


def response_values(
    type_: GraphQLOutputType, selection_set: SelectionSetNode | None
) -> st.SearchStrategy[Any]:
    """Every JSON value the schema allows for a field of `type_` selecting `selection_set`."""
    if isinstance(type_, GraphQLNonNull):
        return _non_null_response_values(type_.of_type, selection_set)
    return st.none() | _non_null_response_values(type_, selection_set)


def _non_null_response_values(
    type_: GraphQLOutputType, selection_set: SelectionSetNode | None
) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLList):
        return st.lists(response_values(type_.of_type, selection_set), max_size=4)
    if isinstance(type_, GraphQLScalarType):
        return RESPONSE_SCALARS[type_.name]
    if isinstance(type_, GraphQLEnumType):
        return st.sampled_from(sorted(type_.values))
    if isinstance(type_, GraphQLObjectType):
        return response_objects(type_, selection_set)
    raise NotImplementedError(f"abstract types are not supported yet: {type_}")


def response_objects(
    parent: GraphQLObjectType, selection_set: SelectionSetNode | None
) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects for `parent` keyed by the response names `selection_set` selects."""
    members: dict[str, st.SearchStrategy[Any]] = {}
    for field in _fields(selection_set):
        if field.name.value == "__typename":
            members[_response_key(field)] = st.just(parent.name)
        else:
            members[_response_key(field)] = response_values(
                _field_type(parent, field), field.selection_set
            )
    return st.fixed_dictionaries(members)


RESPONSES = {
    name: response_objects(_root_type(operation), operation.selection_set)
    for name, (_, operation) in OPERATIONS.items()
}

_SMALLEST_SCALARS: Mapping[str, object] = {
    "Int": 0,
    "Float": 0.0,
    "String": "",
    "Boolean": False,
    "ID": "",
    "UUID": str(uuid.UUID(int=0)),
    "DateTime": "1970-01-01T00:00:00Z",
}


def smallest_response(parent: GraphQLObjectType, selection_set: SelectionSetNode | None) -> Any:
    """The smallest valid response: null wherever allowed, lists empty."""

    def value(type_: GraphQLOutputType, selections: SelectionSetNode | None) -> object:
        if not isinstance(type_, GraphQLNonNull):
            return None
        inner = type_.of_type
        if isinstance(inner, GraphQLList):
            return []
        if isinstance(inner, GraphQLObjectType):
            return smallest_response(inner, selections)
        if isinstance(inner, GraphQLEnumType):
            return sorted(inner.values)[0]
        assert isinstance(inner, GraphQLScalarType), inner
        return _SMALLEST_SCALARS[inner.name]

    return {
        _response_key(field): parent.name
        if field.name.value == "__typename"
        else value(_field_type(parent, field), field.selection_set)
        for field in _fields(selection_set)
    }


# ------------------------------------------------------- parsed values mirror the JSON


def assert_object_mirrors(
    parsed: Any,
    sent: dict[str, Any],
    parent: GraphQLObjectType,
    selections: SelectionSetNode | None,
) -> None:
    assert isinstance(parsed, BaseModel), parsed
    attributes = {(info.alias or name): name for name, info in type(parsed).model_fields.items()}
    fields = _fields(selections)
    assert set(attributes) == {_response_key(field) for field in fields}
    for field in fields:
        key = _response_key(field)
        value = getattr(parsed, attributes[key])
        if field.name.value == "__typename":
            assert value == sent[key]
        else:
            assert_value_mirrors(value, sent[key], _field_type(parent, field), field.selection_set)


def assert_value_mirrors(
    parsed: Any, sent: Any, type_: GraphQLOutputType, selections: SelectionSetNode | None
) -> None:
    """`parsed` is what the model holds for the JSON value `sent` of GraphQL type `type_`."""
    if sent is None:
        assert parsed is None
        return
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        assert isinstance(parsed, list)
        assert len(parsed) == len(sent)
        for parsed_item, sent_item in zip(parsed, sent, strict=True):
            assert_value_mirrors(parsed_item, sent_item, type_.of_type, selections)
    elif isinstance(type_, GraphQLObjectType):
        assert_object_mirrors(parsed, sent, type_, selections)
    elif isinstance(type_, GraphQLScalarType) and type_.name == "UUID":
        assert isinstance(parsed, uuid.UUID)
        assert parsed == uuid.UUID(sent)
    elif isinstance(type_, GraphQLScalarType) and type_.name == "DateTime":
        assert isinstance(parsed, datetime)
        assert parsed.utcoffset() is not None, f"{sent!r} was read as a naive datetime"
        assert parsed == instant_of(sent)
    elif isinstance(type_, GraphQLScalarType) and type_.name == "Int":
        assert type(parsed) is int
        assert parsed == sent
    else:
        assert type(parsed) is type(sent)
        assert parsed == sent


# --------------------------------------------------------------------- argument values

_INT32 = st.integers(min_value=-(2**31), max_value=2**31 - 1)
_ANY_OFFSET = st.integers(min_value=-86_399, max_value=86_399).map(
    lambda seconds: timezone(timedelta(seconds=seconds))
)
AWARE_DATETIMES = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.just(UTC) | _OFFSETS | _ANY_OFFSET,
)

ARGUMENT_SCALARS: Mapping[str, st.SearchStrategy[Any]] = {
    "Int": _INT32,
    "Float": st.floats(allow_nan=False, allow_infinity=False),
    "String": st.text(),
    "Boolean": st.booleans(),
    "ID": st.text(),
    "UUID": st.uuids(),
    "DateTime": AWARE_DATETIMES,
}


def argument_values(type_: GraphQLInputType) -> st.SearchStrategy[Any]:
    """Python values a caller may pass for a variable of `type_`."""
    if isinstance(type_, GraphQLNonNull):
        return _non_null_argument_values(type_.of_type)
    return st.none() | _non_null_argument_values(type_)


def _non_null_argument_values(type_: GraphQLInputType) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLList):
        return st.lists(argument_values(type_.of_type), max_size=5)
    if isinstance(type_, GraphQLScalarType):
        return ARGUMENT_SCALARS[type_.name]
    raise NotImplementedError(f"input type not supported yet: {type_}")


def variables_for(operation: OperationDefinitionNode) -> st.SearchStrategy[dict[str, Any]]:
    """Variables keyed by GraphQL name; nullable ones may be left out or be None."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for definition in operation.variable_definitions:
        type_ = type_from_ast(SCHEMA, definition.type)
        assert is_input_type(type_), print_ast(definition.type)
        name = definition.variable.name.value
        target = required if isinstance(type_, GraphQLNonNull) else optional
        target[name] = argument_values(cast(GraphQLInputType, type_))
    return st.fixed_dictionaries(required, optional=optional)


VARIABLES = {name: variables_for(operation) for name, (_, operation) in OPERATIONS.items()}


# ------------------------------------------------------------------------- the client


def call_client(
    operation_name: str, variables: Mapping[str, Any], data: Any
) -> tuple[Any, list[httpx.Request]]:
    """Call the client method of `operation_name` against a server answering `data`."""
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={"data": data})

    async def call() -> Any:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http_client:
            client = pluvo_client.AsyncClient(url=URL, http_client=http_client)
            method = getattr(client, _snake_case(operation_name))
            kwargs = {_snake_case(name): value for name, value in variables.items()}
            return await method(**kwargs)

    return asyncio.run(call()), requests


def result_model(operation_name: str) -> type[BaseModel]:
    model = getattr(pluvo_client, operation_name)
    assert isinstance(model, type)
    assert issubclass(model, BaseModel)
    return model


# ------------------------------------------------------------------------------ tests


def test_every_operation_has_a_client_method_and_every_method_an_operation() -> None:
    methods = {
        name
        for name, member in vars(pluvo_client.AsyncClient).items()
        if inspect.iscoroutinefunction(member) and not name.startswith("_")
    }
    # issue_certificate is the bulk plugin's batching method over generate_certificate.
    assert methods == {_snake_case(name) for name in OPERATIONS} | {"issue_certificate"}


@pytest.mark.parametrize("operation_name", OPERATION_NAMES)
@given(data=st.data())
def test_every_allowed_response_is_parsed(operation_name: str, data: st.DataObject) -> None:
    """For any response the schema allows, the result model and the client parse it, and
    the parsed values mirror the JSON: nulls stay None, lists keep their length, UUIDs
    are `uuid.UUID` of the text, DateTimes are aware and at the instant the text names."""
    _, operation = OPERATIONS[operation_name]
    response = data.draw(RESPONSES[operation_name], label="data")
    model = result_model(operation_name)

    parsed = model.model_validate(response)
    assert_object_mirrors(parsed, response, _root_type(operation), operation.selection_set)

    variables = data.draw(VARIABLES[operation_name], label="variables")
    result, requests = call_client(operation_name, variables, response)
    assert len(requests) == 1
    assert type(result) is model
    assert result == parsed


@pytest.mark.parametrize("operation_name", OPERATION_NAMES)
@given(data=st.data())
def test_every_request_is_valid(operation_name: str, data: st.DataObject) -> None:
    """For any arguments a caller may pass, the client sends one POST naming the operation,
    with its query, and `variables` that coerce against the operation's variable
    definitions under strict UUID and DateTime scalars to exactly the values passed."""
    document, operation = OPERATIONS[operation_name]
    variables = data.draw(VARIABLES[operation_name], label="variables")

    _, requests = call_client(
        operation_name, variables, smallest_response(_root_type(operation), operation.selection_set)
    )

    assert len(requests) == 1
    request = requests[0]
    assert request.method == "POST"
    assert str(request.url) == URL
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.content)
    assert set(body) <= {"query", "operationName", "variables"}
    assert body["operationName"] == operation_name
    sent_document = parse(body["query"])
    assert print_ast(sent_document) == print_ast(document)
    assert validate(SCHEMA, sent_document) == []

    sent_variables = body.get("variables", {})
    assert set(sent_variables) == set(variables), "exactly the arguments passed are sent"
    coerced = get_variable_values(SCHEMA, operation.variable_definitions, sent_variables)
    assert isinstance(coerced, dict), [error.message for error in coerced]
    assert coerced == variables


@given(moment=AWARE_DATETIMES)
def test_a_serialised_datetime_reads_back_as_the_same_instant(moment: datetime) -> None:
    """For any aware datetime, serialising gives UTC text ending in Z, and parsing that
    text gives back an aware datetime at the same instant."""
    text = scalars.serialize_datetime(moment)
    assert isinstance(text, str)
    assert _UTC_Z.fullmatch(text), text
    parsed = scalars.parse_datetime(text)
    assert parsed.utcoffset() == timedelta(0)
    assert parsed == moment


def test_a_bare_date_is_read_as_midnight_utc() -> None:
    parsed = scalars.parse_datetime("2023-08-05")
    assert parsed == datetime(2023, 8, 5, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(0)


def test_a_z_suffix_is_read_as_utc() -> None:
    parsed = scalars.parse_datetime("2024-01-01T10:00:00Z")
    assert parsed == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert parsed.utcoffset() == timedelta(0)


def test_an_offset_is_kept_and_names_the_same_instant() -> None:
    parsed = scalars.parse_datetime("2024-01-01T10:00:00+02:00")
    assert parsed.utcoffset() == timedelta(hours=2)
    assert parsed == datetime(2024, 1, 1, 8, tzinfo=UTC)


def test_a_datetime_with_an_offset_is_sent_in_utc_with_z() -> None:
    moment = datetime(2024, 1, 1, 10, tzinfo=timezone(timedelta(hours=2)))
    assert scalars.serialize_datetime(moment) == "2024-01-01T08:00:00Z"


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        scalars.serialize_datetime(datetime(2024, 1, 1, 10))
