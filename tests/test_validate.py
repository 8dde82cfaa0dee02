"""Bad input: every kind gets `path:line:col: message`, exit 2, and generated/ untouched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Project

LIST_QUERY = "queries/list_certificates.graphql"


def assert_rejected(
    project: Project, capsys: pytest.CaptureFixture[str], *expected: str
) -> list[str]:
    """Run `generate`; assert exit 2, each expected line prefix, and no change to generated/."""
    before = project.snapshot()
    assert project.run("generate") == 2
    lines = capsys.readouterr().err.splitlines()
    for prefix in expected:
        assert any(line.startswith(prefix) for line in lines), (prefix, lines)
    assert project.snapshot() == before
    return lines


def test_the_committed_schema_and_operations_are_valid(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert project.run("validate") == 0
    assert "4 operations" in capsys.readouterr().out


def test_an_sdl_error_is_located_in_the_schema(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = project.root / "schema/pluvo.graphql"
    schema.write_text(schema.read_text().replace("name: String\n", "name: Strin\n", 1))
    assert_rejected(project, capsys, "schema/pluvo.graphql:8:9: Unknown type 'Strin'.")


def test_a_schema_syntax_error_is_located(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = project.root / "schema/pluvo.graphql"
    schema.write_text(schema.read_text().replace("type User {", "type User {{", 1))
    assert_rejected(project, capsys, "schema/pluvo.graphql:69:12: Syntax Error")


def test_an_operation_syntax_error_is_located(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write(
        "queries/broken.graphql", "query Broken {\n  certificates(first: ) { count }\n}\n"
    )
    assert_rejected(project, capsys, "queries/broken.graphql:2:23: Syntax Error: Unexpected ')'.")


def test_an_unknown_field_is_located(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    query = project.root / LIST_QUERY
    query.write_text(query.read_text().replace("        title\n", "        titel\n"))
    assert_rejected(
        project,
        capsys,
        f"{LIST_QUERY}:9:9: Cannot query field 'titel' on type 'Certificate'.",
    )


def test_a_wrong_variable_type_is_located(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    query = project.root / LIST_QUERY
    query.write_text(query.read_text().replace("$first: Int", "$first: String"))
    assert_rejected(
        project,
        capsys,
        f"{LIST_QUERY}:2:24: Variable '$first' of type 'String' used in position expecting type "
        "'Int'. (see also queries/list_certificates.graphql:3:23)",
    )


def test_a_duplicate_operation_name_across_files_names_both(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write(
        "queries/zz_copy.graphql", "query ListCertificates {\n  certificates { count }\n}\n"
    )
    assert_rejected(
        project,
        capsys,
        f"{LIST_QUERY}:2:7: There can be only one operation named 'ListCertificates'. "
        "(see also queries/zz_copy.graphql:1:7)",
    )


def test_operations_that_would_share_a_module_are_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("queries/x.graphql", "query GetItems { portfolioItems { id } }\n")
    project.write("queries/y.graphql", "query getItems { portfolioItems { title } }\n")
    assert_rejected(
        project,
        capsys,
        "queries/y.graphql:1:7: Operation 'getItems' would be written to get_items.py, "
        "like operation 'GetItems'; rename one of them. (see also queries/x.graphql:1:7)",
    )


@pytest.mark.parametrize("name", ["Client", "AsyncClient", "Scalars", "Retry"])
def test_an_operation_named_like_a_package_module_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    project.write("queries/x.graphql", f"query {name} {{ portfolioItems {{ id }} }}\n")
    assert_rejected(project, capsys, f"queries/x.graphql:1:7: Operation '{name}' would be written")


def test_an_anonymous_operation_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("queries/anonymous.graphql", "\n{\n  certificates { count }\n}\n")
    assert_rejected(
        project, capsys, "queries/anonymous.graphql:2:1: Anonymous query: give it a name"
    )


def test_a_fragment_cycle_is_located(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write(
        "queries/cycle.graphql",
        "query Cycle { certificates { ...A } }\n"
        "fragment A on CertificateConnection { count ...B }\n"
        "fragment B on CertificateConnection { count ...A }\n",
    )
    assert_rejected(
        project,
        capsys,
        "queries/cycle.graphql:2:45: Cannot spread fragment 'A' within itself via 'B'.",
    )


def test_every_command_that_reads_graphql_names_a_non_utf8_file_in_one_message(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """generate and validate (sources.py), diff and verify (evolution/load.py): one message."""
    (project.root / "queries/latin1.graphql").write_bytes(b"type Query {\n  caf\xe9: Int\n}\n")
    monkeypatch.chdir(project.root)
    expected = "queries/latin1.graphql:2:6: not UTF-8: byte 0xe9 cannot be decoded"
    before = project.snapshot()
    for command in (
        ("generate",),
        ("validate",),
        ("diff", "schema/pluvo.graphql", "queries/latin1.graphql"),
        ("verify", "--schema", "queries/latin1.graphql"),
    ):
        assert project.run(*command) == 2, command
        assert expected in capsys.readouterr().err.splitlines(), command
    assert project.snapshot() == before


def test_a_missing_schema_file_is_named(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    (project.root / "schema/pluvo.graphql").unlink()
    assert_rejected(project, capsys, "schema/pluvo.graphql: no such file or folder (the schema)")


def test_a_missing_queries_folder_is_named(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    for file in (project.root / "queries").iterdir():
        file.unlink()
    (project.root / "queries").rmdir()
    assert_rejected(project, capsys, "queries: no such file or folder (the operations)")


def test_every_error_in_every_file_is_reported_sorted(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("queries/b.graphql", "query B { nope }\n")
    project.write("queries/a.graphql", "query A { certificates(first: 1) { nada } }\n")
    project.write("queries/c.graphql", "query C {\n")
    lines = assert_rejected(
        project,
        capsys,
        "queries/a.graphql:1:36: Cannot query field 'nada'",
        "queries/b.graphql:1:11: Cannot query field 'nope' on type 'Query'.",
        "queries/c.graphql:2:1: Syntax Error",
    )
    located = [line for line in lines if line.startswith("queries/")]
    assert located == sorted(located)
    assert lines[-1] == "pluvo-codegen: 3 problems found"


def test_the_config_path_makes_error_paths_relative_to_it(
    project: Project, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (project.root / "queries/list_certificates.graphql").write_text("query X { y }\n")
    assert project.run("validate") == 2
    assert capsys.readouterr().err.startswith("queries/list_certificates.graphql:1:11:")


def test_invalid_toml_is_located(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.config.write_text('[tool.ariadne-codegen]\nschema_path = "schema\n')
    before = project.snapshot()
    assert project.run("generate") == 2
    err = capsys.readouterr().err
    assert f"{project.config}:2:" in err and "invalid TOML" in err
    assert project.snapshot() == before


def test_a_config_with_a_byte_order_mark_says_so(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """tomllib refuses a BOM as an "Invalid statement" at 1:1; the message names the BOM."""
    project.config.write_bytes(b"\xef\xbb\xbf" + project.config.read_bytes())
    before = project.snapshot()
    assert project.run("generate") == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        f"{project.config}:1:1: invalid TOML: the file starts with a byte order mark (BOM); "
        "save it as UTF-8 without one"
    )
    assert "Traceback" not in err
    assert project.snapshot() == before


def test_a_config_that_is_not_utf8_says_where_as_graphql_files_do(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """The config names its first bad byte with the same `path:line:col` message."""
    project.config.write_bytes(project.config.read_bytes() + b"# caf\xe9\n")
    line = project.config.read_bytes().count(b"\n")
    before = project.snapshot()
    assert project.run("generate") == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (
        f"{project.config}:{line}:6: not UTF-8: byte 0xe9 cannot be decoded"
    )
    assert project.snapshot() == before


def test_a_config_without_the_table_is_a_clear_error(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.config.write_text('[project]\nname = "x"\n')
    assert project.run("check") == 2
    assert "no [tool.ariadne-codegen] table" in capsys.readouterr().err


def test_a_missing_config_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from codegen.cli import main

    assert main(["validate", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml: no such config file" in capsys.readouterr().err


def test_bad_input_never_prints_a_traceback_from_the_installed_command(project: Project) -> None:
    (project.root / "queries/broken.graphql").write_text("query {")
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "generate", "--config", str(project.config)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "queries/broken.graphql:1:8: Syntax Error" in result.stderr


def test_help_documents_the_exit_codes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "check", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "0  the package is exactly what generate would write" in result.stdout
    assert "1  drift: a file is stale, missing or extra" in result.stdout
    assert "2  invalid input or usage" in result.stdout


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from codegen.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
