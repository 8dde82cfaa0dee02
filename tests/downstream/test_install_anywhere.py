"""A config with only the four paths works in any folder: runtime and plugins are package data."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import codegen
from codegen.config import load_config
from codegen.defaults import DEFAULT_PLUGINS, RUNTIME_FILES, runtime_path, with_defaults
from codegen.generate import read_tree

from .conftest import REPO, run, tree


def test_four_paths_generate_exactly_the_committed_package(
    downstream: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not (downstream / "codegen").exists()
    assert run("generate", "--config", str(downstream / "pyproject.toml")) == 0
    assert run("check", "--config", str(downstream / "pyproject.toml")) == 0
    # This repository's explicit settings and the defaults give the same bytes.
    assert tree(downstream / "generated" / "pluvo_client") == read_tree(
        REPO / "generated" / "pluvo_client"
    )
    assert "up to date" in capsys.readouterr().out


def test_runtime_modules_and_plugins_come_from_the_installed_package(downstream: Path) -> None:
    config = load_config(downstream / "pyproject.toml")
    installed = Path(codegen.__file__).parent / "runtime"
    for included in [*config.section["files_to_include"], config.section["base_client_file_path"]]:
        assert Path(included).parent == installed
        assert Path(included).is_absolute()
    assert config.section["plugins"] == list(DEFAULT_PLUGINS)
    assert {Path(p).name for p in config.section["files_to_include"]} == set(RUNTIME_FILES)
    assert config.unasync == ("async_base_client.py", "async_client.py")


def test_a_config_keeps_what_it_sets_and_scalars_merge_per_name() -> None:
    section = with_defaults(
        {
            "plugins": ["my.Plugin"],
            "files_to_include": ["mine.py", "vendor/scalars.py"],
            "client_name": "Api",
            "scalars": {"UUID": {"type": "str"}},
        }
    )
    assert section["plugins"] == ["my.Plugin"]
    assert section["files_to_include"] == ["mine.py", "vendor/scalars.py"]
    assert section["client_name"] == "Api"
    assert section["scalars"]["UUID"] == {"type": "str"}
    assert section["scalars"]["DateTime"]["type"] == "datetime.datetime"
    assert section["base_client_file_path"] == runtime_path("async_base_client.py")


def test_an_unknown_runtime_file_is_a_clear_error() -> None:
    from codegen.errors import ConfigError

    with pytest.raises(ConfigError, match=r"codegen/runtime/nope\.py: not found"):
        runtime_path("nope.py")


def test_works_from_any_working_directory(downstream: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "codegen",
            "generate",
            "--config",
            str(downstream / "pyproject.toml"),
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert completed.returncode == 0, completed.stderr
    assert (downstream / "generated" / "pluvo_client" / "pluvo-codegen.json").is_file()
    assert list(elsewhere.iterdir()) == []


def test_public_api_imports_only_the_modules_a_config_includes(tmp_path: Path) -> None:
    """Without auth.py (the base client needs the others), the __init__ still imports."""
    root = tmp_path / "slim"
    (root / "queries").mkdir(parents=True)
    (root / "schema.graphql").write_text("type Query { hello: String }\n", encoding="utf-8")
    (root / "queries" / "hello.graphql").write_text("query Hello { hello }\n", encoding="utf-8")
    kept = ("bulk.py", "exceptions.py", "pagination.py", "retry.py", "scalars.py")
    runtime = ", ".join(f'"{runtime_path(n)}"' for n in kept)
    (root / "codegen.toml").write_text(
        "[tool.ariadne-codegen]\n"
        'schema_path = "schema.graphql"\nqueries_path = "queries"\n'
        'target_package_path = "out"\ntarget_package_name = "slim_client"\n'
        f"files_to_include = [{runtime}]\n",
        encoding="utf-8",
    )
    assert run("generate", "--config", str(root / "codegen.toml")) == 0
    init = (root / "out" / "slim_client" / "__init__.py").read_text(encoding="utf-8")
    assert "auth" not in init and "ClientCredentials" not in init
    assert "from .client import Client" in init and "RetryPolicy" in init
    completed = subprocess.run(
        [sys.executable, "-c", "import slim_client; print(sorted(slim_client.__all__))"],
        cwd=root / "out",
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "'Client'" in completed.stdout and "'PaginationError'" in completed.stdout


@pytest.mark.parametrize(
    ("kept", "lacking"),
    [((), "bulk"), (("bulk.py", "exceptions.py", "retry.py", "scalars.py"), "pagination")],
)
def test_a_package_that_could_not_be_imported_is_refused_and_nothing_is_written(
    downstream: Path, capsys: pytest.CaptureFixture[str], kept: tuple[str, ...], lacking: str
) -> None:
    """A files_to_include that leaves out a module the plugins or base client import."""
    config = downstream / "pyproject.toml"
    runtime = ", ".join(f'"{runtime_path(n)}"' for n in kept)
    config.write_text(
        config.read_text(encoding="utf-8") + f"files_to_include = [{runtime}]\n",
        encoding="utf-8",
    )
    assert run("generate", "--config", str(config)) == 2
    err = capsys.readouterr().err
    # path:line:col, as every place in a file is shown
    assert re.search(
        rf"generated/pluvo_client/client\.py:\d+:\d+: imports \.{lacking}, which the package lacks",
        err,
    ), err
    assert "Traceback" not in err
    assert not (downstream / "generated").exists()


def test_scaffold_copies_are_byte_identical_to_the_repository_inputs() -> None:
    scaffold = REPO / "codegen" / "scaffold"
    assert (scaffold / "pluvo.graphql").read_bytes() == (
        REPO / "schema/pluvo.graphql"
    ).read_bytes(), "cp schema/pluvo.graphql codegen/scaffold/pluvo.graphql"
    assert tree(scaffold / "queries") == tree(REPO / "queries"), (
        "rm codegen/scaffold/queries/*.graphql && cp queries/*.graphql codegen/scaffold/queries/"
    )


def test_our_scalars_are_defaults_only_with_our_scalars_module() -> None:
    assert "scalars" not in with_defaults({"files_to_include": []})
    own = {"URI": {"type": "str"}}
    assert with_defaults({"files_to_include": ["x.py"], "scalars": own})["scalars"] == own
    kept = with_defaults({"files_to_include": ["lib/scalars.py"]})["scalars"]
    assert set(kept) == {"UUID", "DateTime"}
