"""codegen/atomic_write.py: the one way `pull --out` and `serve --fixture-out` write a file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from codegen.atomic_write import write_atomically
from codegen.errors import CodegenError


def test_writes_utf8_with_newlines_and_makes_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.graphql"
    write_atomically(target, "type Query { ok: Boolean } # é\n")
    assert target.read_bytes() == "type Query { ok: Boolean } # é\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["out.graphql"]


def test_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "fixture.json"
    target.write_text("old")
    target.chmod(0o600)
    write_atomically(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_follows_a_link_and_keeps_it(tmp_path: Path) -> None:
    real = tmp_path / "real.graphql"
    real.write_text("old")
    link = tmp_path / "link.graphql"
    link.symlink_to(real)
    write_atomically(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()  # a folder where the file should go: the rename fails
    (target / "keep").write_text("user data")
    with pytest.raises(CodegenError, match=r"taken: cannot write: "):
        write_atomically(target, "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
    assert (target / "keep").read_text() == "user data"


def test_an_unwritable_folder_is_one_error_naming_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CodegenError, match=r"file/out.json: cannot write: "):
        write_atomically(blocker / "out.json", "{}")
    assert blocker.read_text() == "x"
