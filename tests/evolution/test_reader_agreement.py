"""The fast SDL reader accepts exactly what graphql-core accepts, on invalid SDL too.

Hypothesis mutates valid schemas token by token (deletes, inserts from a vocabulary
of names, directives and punctuation, replaces, duplicates, swaps) and both paths
must agree on valid against invalid. graphql-core's verdict is `build_schema`: its
parser, `validate_sdl` and the build (which checks the arguments of `@deprecated`
and `@specifiedBy`). The rules only `validate_schema` checks are left to the moment
`diff` validates an operation (see docs/schema-evolution-inputs.md).
"""

from __future__ import annotations

from graphql import GraphQLError, Lexer, Source, TokenKind, build_schema
from hypothesis import example, given
from hypothesis import strategies as st

from codegen.errors import CodegenError
from codegen.evolution import schema_from_text
from codegen.evolution.assemble import SchemaProblem
from codegen.evolution.read_sdl import Unsupported, read_sdl

from .strategies import print_sdl, schemas, styles

EXTRAS = """
directive @tag(name: String!, weight: Int = 1) repeatable on OBJECT | FIELD_DEFINITION \
| ARGUMENT_DEFINITION | INTERFACE | UNION | ENUM_VALUE | INPUT_FIELD_DEFINITION | SCHEMA \
| SCALAR | ENUM | INPUT_OBJECT
directive @flag(on: Boolean = true @tag(name: "arg")) on FIELD_DEFINITION | QUERY
interface Node { id: ID! }
type Leaf implements Node @tag(name: "leaf") {
  id: ID!
  size(unit: String = "cm" @tag(name: "u")): Int @flag
  tags: [String!]! @deprecated(reason: "no")
}
union Any @tag(name: "any") = Leaf
scalar Url @specifiedBy(url: "https://example.com/url")
input Pick @oneOf { id: ID name: String }
extend type Leaf @tag(name: "more") { extra(pick: Pick): Url }
extend schema @tag(name: "s")
"""

VOCABULARY = [
    *("@nope", "@flag", "@tag", "@deprecated", "@oneOf", "@specifiedBy", "@include(if: true)"),
    *("@tag(name: 1)", "@tag(weight: 2)", "@deprecated(reason: 5)", "@specifiedBy(url: 5)"),
    *("extend", "type", "interface", "union", "input", "enum", "scalar", "schema", "directive"),
    *("implements", "repeatable", "on", "FIELD", "OBJECT", "query", "Node", "Leaf", "Pick"),
    *("Query", "Int", "Nope", "__x", "id", "true", "null", "1", "1.5", '"s"', '"""b"""'),
    *("[", "]", "!", "{", "}", "(", ")", ":", "=", "|", "&", "@", "$x"),
]


def _tokens(text: str) -> list[str]:
    lexer = Lexer(Source(text))
    tokens = []
    while (token := lexer.advance()).kind is not TokenKind.EOF:
        tokens.append(text[token.start : token.end])
    return tokens


@st.composite
def mutated_sdl(draw: st.DrawFn) -> str:
    """A valid schema (random types plus EXTRAS), then one to three token mutations."""
    tokens = _tokens(print_sdl(draw(schemas()), draw(styles)) + EXTRAS)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(tokens) - 1))
        how = draw(st.sampled_from(["delete", "insert", "replace", "duplicate", "swap"]))
        if how == "delete":
            del tokens[at]
        elif how == "insert":
            tokens.insert(at, draw(st.sampled_from(VOCABULARY)))
        elif how == "replace":
            tokens[at] = draw(st.sampled_from(VOCABULARY))
        elif how == "duplicate":
            end = draw(st.integers(at, min(at + 12, len(tokens))))
            tokens[end:end] = tokens[at:end]
        elif at + 1 < len(tokens):
            tokens[at], tokens[at + 1] = tokens[at + 1], tokens[at]
    return " ".join(tokens)


def graphql_core_accepts(text: str) -> bool:
    try:
        build_schema(text)
    except (GraphQLError, TypeError):
        return False
    return True


def fast_reader_accepts(text: str) -> bool | None:
    """True or False; None when it defers to graphql-core (which then decides alone)."""
    try:
        read_sdl(text)
    except SchemaProblem:
        return False
    except Unsupported:
        return None
    return True


def loader_accepts(text: str) -> bool:
    """What `diff` does with the text: the fast reader, else graphql-core's path."""
    try:
        schema_from_text(text.encode(), "mutated.graphql")
    except CodegenError:
        return False
    return True


def test_the_extras_are_valid_and_read_fast() -> None:
    assert graphql_core_accepts(EXTRAS + "type Query { a: Int }")
    assert fast_reader_accepts(EXTRAS + "type Query { a: Int }") is True


@given(mutated_sdl())
@example(EXTRAS + "directive @a(x: Int @nope) on FIELD_DEFINITION type Query { a: Int }")
@example(EXTRAS + 'type Query { a: Url @specifiedBy(url: "x") }')
@example(EXTRAS + "type Query { a: Int } scalar U @specifiedBy(url: 5)")
@example(EXTRAS + "type Query { a: Int } extend type Query @oneOf")
@example(EXTRAS + "type Query { a: Int } type __x { a: Int }")
@example(EXTRAS + "type Query { a: Int } scalar String")
@example(EXTRAS + "type Query implements Node & Node { id: ID! }")
@example(EXTRAS + "type Query { a: Int } union U = Query | Node")
@example(EXTRAS + "type Query { a: Pick }")
@example(EXTRAS + "type Query { a(x: Query): Int }")
@example(EXTRAS + "type Query implements Leaf { id: ID! }")
@example("{ name: String } " + EXTRAS + "type Query { a: Int }")
def test_the_fast_reader_and_graphql_core_agree_on_mutated_sdl(text: str) -> None:
    core = graphql_core_accepts(text)
    fast = fast_reader_accepts(text)
    if fast is not None:
        assert fast == core, f"fast reader says {fast}, graphql-core says {core}"
    assert loader_accepts(text) == core
