"""Golden cases: each `tests/golden/<case>/` generates exactly its `expected/` tree.

A case is `schema.graphql`, `queries/` and `expected/`. To accept new output after
a deliberate change, rewrite the expected files and review the diff:

    PLUVO_UPDATE_GOLDEN=1 python3 -m nox -s tests -- tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from codegen.config import load_config
from codegen.generate import read_tree, render_package
from codegen.sources import load_sources
from conftest import REPO

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
UPDATE = os.environ.get("PLUVO_UPDATE_GOLDEN") == "1"

CONFIG = """\
[tool.ariadne-codegen]
schema_path = "schema.graphql"
queries_path = "queries"
target_package_path = "out"
target_package_name = "golden_client"
include_comments = "stable"
multipart_uploads = false
# ariadne-codegen's own defaults where pluvo-codegen's differ (codegen/defaults.py):
# these cases test the generator without our plugins and client names.
plugins = []
client_name = "Client"
client_file_name = "client"
defer_model_build = false
base_client_name = "AsyncBaseClient"
base_client_file_path = "runtime/async_base_client.py"
files_to_include = [
  "runtime/bulk.py",
  "runtime/exceptions.py",
  "runtime/retry.py",
  "runtime/scalars.py",
]

[tool.ariadne-codegen.scalars.UUID]
type = "uuid.UUID"
parse = ".scalars.parse_uuid"
serialize = ".scalars.serialize_uuid"

[tool.ariadne-codegen.scalars.DateTime]
type = "datetime.datetime"
parse = ".scalars.parse_datetime"
serialize = ".scalars.serialize_datetime"
"""


def render_case(case: str, scratch: Path) -> dict[str, bytes]:
    """Generate one golden case in `scratch` and return the package's files."""
    shutil.copytree(GOLDEN / case, scratch, ignore=shutil.ignore_patterns("expected"))
    shutil.copytree(REPO / "codegen/runtime", scratch / "runtime")
    (scratch / "codegen.toml").write_text(CONFIG)
    config = load_config(scratch / "codegen.toml")
    return render_package(config, load_sources(config))


@pytest.mark.parametrize("case", CASES)
def test_golden_case_generates_exactly_its_expected_files(case: str, tmp_path: Path) -> None:
    actual = render_case(case, tmp_path / case)
    expected_dir = GOLDEN / case / "expected"
    if UPDATE:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for name, content in actual.items():
            (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / name).write_bytes(content)
    expected = read_tree(expected_dir)
    problems = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            problems.append(f"missing from the output: {name}\n")
        elif name not in expected:
            problems.append(f"not expected: {name}\n")
        elif actual[name] != expected[name]:
            diff = difflib.unified_diff(
                expected[name].decode().splitlines(keepends=True),
                actual[name].decode().splitlines(keepends=True),
                fromfile=f"expected/{name}",
                tofile=f"generated/{name}",
            )
            problems.append("".join(diff))
    assert not problems, "\n" + "".join(problems) + "\n" + (__doc__ or "")


def test_every_golden_case_has_expected_files() -> None:
    assert CASES
    for case in CASES:
        assert (GOLDEN / case / "expected" / "client.py").is_file(), case
