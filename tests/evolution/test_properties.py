"""Properties of the diff, the fast reader and the breaks, over random schemas."""

from __future__ import annotations

from graphql import Source, parse, validate
from hypothesis import assume, given
from hypothesis import strategies as st

from codegen.evolution import Level, diff_schemas, find_breaks, schema_from_text
from codegen.evolution.from_ast import model_from_document
from codegen.evolution.model import Schema, named_type
from codegen.evolution.operations import operations_from_documents
from codegen.evolution.read_sdl import Unsupported, read_sdl

from .strategies import (
    FieldSpec,
    SchemaSpec,
    Style,
    TypeSpec,
    add_field,
    print_sdl,
    remove_field,
    schemas,
    styles,
)

PLAIN = Style(commas=False, comments=False, crlf=False, block=True)


def _model(spec: SchemaSpec, style: Style = PLAIN) -> Schema:
    return schema_from_text(print_sdl(spec, style).encode(), "schema.graphql").model


@given(schemas(), styles)
def test_the_fast_reader_gives_the_model_graphql_core_gives(spec: SchemaSpec, style: Style) -> None:
    """Whatever the style, reading SDL fast equals building the model from graphql-core's AST.

    `read_sdl` is called directly: were it to defer every document to graphql-core,
    `schema_from_text` would still succeed, and only this test would notice.
    """
    text = print_sdl(spec, style)
    if "\\u" in text:  # escapes like \u0011 are left to graphql-core, by design
        assert _defers(text)
        return
    assert read_sdl(text) == model_from_document(parse(text))


def _defers(text: str) -> bool:
    try:
        read_sdl(text)
    except Unsupported:
        return True
    return False


@given(schemas(), styles, styles)
def test_a_schema_diffed_with_itself_has_no_changes(
    spec: SchemaSpec, style: Style, other_style: Style
) -> None:
    """diff(S, S) is empty, however each copy is formatted."""
    old = schema_from_text(print_sdl(spec, style).encode(), "old").model
    new = schema_from_text(print_sdl(spec, other_style).encode(), "new").model
    assert diff_schemas(old, new) == []


@given(schemas(), st.data())
def test_adding_an_optional_field_is_never_breaking(spec: SchemaSpec, data: st.DataObject) -> None:
    """A new nullable field, with optional arguments only, breaks nothing."""
    target = data.draw(st.sampled_from(spec.objects()))
    taken = {field.name for field in target.fields}
    name = data.draw(st.sampled_from(["extra", "more", "added"]).filter(lambda n: n not in taken))
    field = FieldSpec(
        name, data.draw(st.sampled_from(["String", "[Int!]", "Query"])), (("limit", "Int", "5"),)
    )
    changes = diff_schemas(_model(spec), _model(add_field(spec, target.name, field)))
    assert changes, "the new field is reported"
    assert all(change.level is not Level.BREAKING for change in changes)


@given(schemas())
def test_adding_a_type_is_never_breaking(spec: SchemaSpec) -> None:
    """A new type, referenced by nothing yet, is a safe change."""
    new_type = TypeSpec("type", "Brand", (FieldSpec("id", "ID!"), FieldSpec("label", "String")))
    changes = diff_schemas(_model(spec), _model(spec.with_type(new_type)))
    assert [(c.type.value, c.level) for c in changes] == [("TYPE_ADDED", Level.NON_BREAKING)]


@given(schemas(), st.data())
def test_removing_a_field_an_operation_selects_always_breaks_that_operation(
    spec: SchemaSpec, data: st.DataObject
) -> None:
    """Select Query.f (and a leaf under it), remove the selected field: the operation breaks."""
    query = spec.type("Query")
    field = data.draw(st.sampled_from(query.fields))
    target = named_type(field.type)
    owner, removed = "Query", field.name
    selection = field.name
    if any(t.name == target for t in spec.objects()):
        leaves = [f for f in spec.type(target).fields if not _is_object(spec, f.type)]
        if leaves:
            leaf = data.draw(st.sampled_from(leaves))
            selection = f"{field.name} {{ {leaf.name} }}"
            if data.draw(st.booleans()):
                owner, removed = target, leaf.name
        else:
            selection = f"{field.name} {{ __typename }}"
    operation = f"query Probe {{ {selection} }}"
    if len(spec.type(owner).fields) == 1:  # a type needs a field left after the removal
        spec = add_field(spec, owner, FieldSpec("keep", "Int"))
    old = schema_from_text(print_sdl(spec, PLAIN).encode(), "old.graphql")
    new = schema_from_text(print_sdl(remove_field(spec, owner, removed), PLAIN).encode(), "new")
    ops = operations_from_documents([parse(Source(operation, "probe.graphql"))])
    # Only an operation valid against the old schema can break (a required argument
    # left out makes it invalid from the start).
    assume(not validate(old.graphql_schema, ops[0].document))
    findings = find_breaks(diff_schemas(old.model, new.model), ops, old, new)
    broken = [f for f in findings if f.breaks]
    assert [f.change.path for f in broken] == [f"{owner}.{removed}"]
    assert broken[0].breaks[0].operation == "Probe"


def _is_object(spec: SchemaSpec, type_: str) -> bool:
    return any(t.name == named_type(type_) for t in spec.objects())
