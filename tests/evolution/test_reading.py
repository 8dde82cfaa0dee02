"""Reading schemas: the fast reader against graphql-core; bad input reported as path:line:col."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graphql import build_schema, introspection_from_schema, parse

from codegen.evolution import LoadedSchema, diff_schemas, schema_from_text
from codegen.evolution.from_ast import model_from_document
from codegen.evolution.read_sdl import Unsupported, read_sdl

from .conftest import REPO, Evolution


def test_the_fast_reader_reads_our_schema_as_graphql_core_does() -> None:
    text = (REPO / "schema" / "pluvo.graphql").read_text(encoding="utf-8")
    assert read_sdl(text) == model_from_document(parse(text))


def test_the_fast_reader_reads_githubs_schema_as_graphql_core_does(
    github: dict[str, LoadedSchema],
) -> None:
    loaded = github["2465a14"]
    assert loaded.text is not None
    assert loaded.model == model_from_document(parse(loaded.text))


@pytest.mark.parametrize(
    "sdl",
    [
        'type Query { "caf\\u00e9" a: Int }',  # a \u escape: graphql-core decodes it
        "query Q { a }\ntype Query { a: Int }",  # an executable definition among the types
    ],
    ids=["unicode_escape", "executable_definition"],
)
def test_text_the_fast_reader_defers_is_read_by_graphql_core(sdl: str) -> None:
    with pytest.raises(Unsupported):
        read_sdl(sdl)
    assert schema_from_text(sdl.encode(), "s.graphql").model == model_from_document(parse(sdl))


def test_an_introspection_file_gives_the_same_schema_as_its_sdl(tmp_path: Path) -> None:
    text = (REPO / "schema" / "pluvo.graphql").read_text(encoding="utf-8")
    path = tmp_path / "schema.json"
    path.write_text(json.dumps({"data": introspection_from_schema(build_schema(text))}), "utf-8")
    from_json = schema_from_text(path.read_bytes(), str(path))
    from_sdl = schema_from_text(text.encode(), "schema/pluvo.graphql")
    assert from_json.text is None
    assert diff_schemas(from_sdl.model, from_json.model) == []


@pytest.mark.parametrize(
    ("sdl", "where", "message"),
    [
        ("type Query {\n  a: \n}\n", "3:1", "Syntax Error: Expected Name, found '}'."),
        ("type Query {\n  a: Strin\n}\n", "2:6", "Unknown type 'Strin'."),
        (
            "type Query {\n  a: Int\n  a: Int\n}\n",
            "2:3",
            "Field 'Query.a' can only be defined once.",
        ),
        ('type Query {\n  a: Int @deprecated(because: "x")\n}\n', "2:22", "Unknown argument"),
        ("", "1:1", "Syntax Error: Unexpected <EOF>."),
    ],
    ids=["syntax_error", "unknown_type", "duplicate_field", "unknown_directive_argument", "empty"],
)
def test_a_schema_that_does_not_parse_exits_2_with_path_line_and_column(
    evolution: Evolution, capsys: pytest.CaptureFixture[str], sdl: str, where: str, message: str
) -> None:
    evolution.write("bad.graphql", sdl)
    assert evolution.diff(str(evolution.schema), str(evolution.root / "bad.graphql")) == 2
    err = capsys.readouterr().err
    assert f"bad.graphql:{where}: {message}" in err


def test_a_schema_that_is_not_utf8_exits_2_with_the_bad_bytes_position(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    (evolution.root / "latin1.graphql").write_bytes(b"type Query {\n  caf\xe9: Int\n}\n")
    assert evolution.diff(str(evolution.schema), str(evolution.root / "latin1.graphql")) == 2
    assert "latin1.graphql:2:6: not UTF-8: byte 0xe9" in capsys.readouterr().err


def test_a_missing_schema_file_exits_2(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    assert evolution.diff(str(evolution.schema), "nowhere.graphql") == 2
    assert "nowhere.graphql: no such file" in capsys.readouterr().err


def test_json_that_is_not_an_introspection_result_exits_2(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    evolution.write("other.json", '{"data": {"viewer": {}}}')
    assert evolution.diff(str(evolution.schema), str(evolution.root / "other.json")) == 2
    assert "other.json: not an introspection result" in capsys.readouterr().err


def test_both_schemas_and_the_operations_report_their_errors_in_one_run(
    evolution: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    evolution.write("a.graphql", "type Query {\n  a: \n}\n")
    evolution.write("b.graphql", "type Query {\n  b: Nope\n}\n")
    evolution.write("queries/broken.graphql", "query Broken {\n  certificates {\n")
    assert evolution.diff(str(evolution.root / "a.graphql"), str(evolution.root / "b.graphql")) == 2
    err = capsys.readouterr().err
    assert "a.graphql:3:1: Syntax Error" in err
    assert "b.graphql:2:6: Unknown type 'Nope'." in err
    assert "queries/broken.graphql:3:1: Syntax Error" in err
    assert "3 problems found" in err
