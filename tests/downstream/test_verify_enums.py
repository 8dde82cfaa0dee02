"""`verify --schema` and enums: a value added to an enum the operations select breaks the copy.

The generated enum classes (`class Status(str, Enum)`) list the values the schema had,
and pydantic refuses any other: the first test shows it with the real generated package,
imported and run. So `verify` names every selected field whose enum gained a value, and
leaves alone an enum the operations only send.
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from codegen.manifest import MANIFEST_NAME

from .conftest import run

SCHEMA = """\
enum Status {
  DRAFT
  PUBLISHED
}

enum Order {
  ASC
  DESC
}

type Item {
  id: ID!
  status: Status!
  maybe: Status
  tags: [Status!]
}

type Query {
  items(order: Order): [Item!]!
}
"""
OPERATION = """\
query Items($order: Order) {
  items(order: $order) {
    id
    maybe
    tags
    ...ItemStatus
  }
}

fragment ItemStatus on Item {
  status
}
"""
CONFIG = """\
[tool.ariadne-codegen]
schema_path = "schema/shop.graphql"
queries_path = "queries"
target_package_path = "generated"
target_package_name = "enum_client"
"""
ARCHIVED = "is enum Status, which has the new value ARCHIVED; the client's Status cannot read it"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose one operation selects the enum Status and sends the enum Order."""
    root = tmp_path_factory.mktemp("enums")
    (root / "schema").mkdir()
    (root / "queries").mkdir()
    (root / "schema" / "shop.graphql").write_text(SCHEMA, encoding="utf-8")
    (root / "queries" / "items.graphql").write_text(OPERATION, encoding="utf-8")
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    assert run("generate", "--config", str(root / "pyproject.toml")) == 0
    return root / "generated" / "enum_client"


@pytest.fixture
def copy(generated: Path, tmp_path: Path) -> Path:
    target = tmp_path / "vendor" / "enum_client"
    shutil.copytree(generated, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _live(tmp_path: Path, old: str, new: str) -> str:
    assert old in SCHEMA
    path = tmp_path / "live.graphql"
    path.write_text(SCHEMA.replace(old, new), encoding="utf-8")
    return str(path)


@pytest.fixture
def imported(copy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The copied package, imported for real."""
    monkeypatch.syspath_prepend(str(copy.parent))
    try:
        yield importlib.import_module("enum_client.items")
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == "enum_client"]:
            del sys.modules[name]


def test_the_generated_models_refuse_an_enum_value_they_do_not_list(imported: object) -> None:
    """Why the check exists: the models do not tolerate an unknown value."""
    items = imported.Items  # type: ignore[attr-defined]
    known = {"items": [{"id": "1", "status": "DRAFT", "maybe": None, "tags": ["PUBLISHED"]}]}
    assert items.model_validate(known).items[0].status.value == "DRAFT"
    for field, value in (("status", "ARCHIVED"), ("maybe", "ARCHIVED"), ("tags", ["ARCHIVED"])):
        answer = {"items": [{**known["items"][0], field: value}]}
        with pytest.raises(ValidationError, match="Input should be 'DRAFT' or 'PUBLISHED'"):
            items.model_validate(answer)


def test_the_manifest_records_the_values_of_selected_enums_only(generated: Path) -> None:
    data = json.loads((generated / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert data["enums"] == {"Status": ["DRAFT", "PUBLISHED"]}  # Order is only sent


def test_a_value_added_to_a_selected_enum_breaks_each_field_that_selects_it(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Named like every verify finding: where, the operation, the path and why; exit 1."""
    live = _live(tmp_path, "  PUBLISHED\n", "  PUBLISHED\n  ARCHIVED\n")
    assert run("verify", str(copy), "--schema", live) == 1
    captured = capsys.readouterr()
    broken = [line for line in captured.out.splitlines() if " breaks against " in line]
    assert [line.split(": ", 1)[1] for line in broken] == [
        f"Items breaks against {live}: items.maybe {ARCHIVED}",
        f"Items breaks against {live}: items.tags {ARCHIVED}",
        f"Items breaks against {live}: ItemStatus.status {ARCHIVED}",
    ]
    for line in broken:
        path, line_no, column = line.split(":")[:3]
        source = Path(path).read_text(encoding="utf-8").splitlines()[int(line_no) - 1]
        field = line.split(": ", 1)[1].split(" ")[4].rsplit(".", 1)[-1]
        assert source[int(column) - 1 :].startswith(field), (line, source)
    assert "1 of 1 operations break: Items" in captured.err


def test_several_new_values_are_all_named(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = _live(tmp_path, "  DRAFT\n", "  HIDDEN\n  DRAFT\n  GONE\n")
    assert run("verify", str(copy), "--schema", live) == 1
    assert (
        "ItemStatus.status is enum Status, which has the new values HIDDEN, GONE; "
        "the client's Status cannot read them" in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  DESC\n", "  DESC\n  RANDOM\n"),  # Order is only sent: a new value is harmless
        ("  PUBLISHED\n", ""),  # a removed value is never in an answer
    ],
    ids=["input-only-enum-gains-a-value", "selected-enum-loses-a-value"],
)
def test_changes_the_models_still_read_pass(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str
) -> None:
    live = _live(tmp_path, old, new)
    assert run("verify", str(copy), "--schema", live) == 0
    out = capsys.readouterr().out
    assert "all 1 operations are valid against" in out
    assert "but the copy is still compatible with it" in out


def test_a_manifest_without_enum_values_says_they_were_not_checked(
    copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older pluvo-codegen recorded no values: a note, not a silent pass."""
    data = json.loads((copy / MANIFEST_NAME).read_text(encoding="utf-8"))
    del data["enums"]
    (copy / MANIFEST_NAME).write_text(json.dumps(data), encoding="utf-8")
    live = _live(tmp_path, "  PUBLISHED\n", "  PUBLISHED\n  ARCHIVED\n")
    assert run("verify", str(copy), "--schema", live) == 0
    assert (
        "note: the manifest does not record the values of enum Status (an older pluvo-codegen "
        "wrote it), so new values were not checked; regenerate the package"
        in capsys.readouterr().out
    )


@pytest.mark.parametrize("enums", ['{"Status": "DRAFT"}', '["Status"]', '{"Status": [1]}'])
def test_a_malformed_enums_record_is_not_ours(
    copy: Path, capsys: pytest.CaptureFixture[str], enums: str
) -> None:
    data = json.loads((copy / MANIFEST_NAME).read_text(encoding="utf-8"))
    data["enums"] = json.loads(enums)
    (copy / MANIFEST_NAME).write_text(json.dumps(data), encoding="utf-8")
    assert run("verify", str(copy)) == 2
    err = capsys.readouterr().err
    assert f"{MANIFEST_NAME} is incomplete" in err and "Traceback" not in err
