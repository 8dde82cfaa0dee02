"""`generate` never destroys what it does not own; filesystem errors are one line, exit 2.

Every refusal is checked the same way: exit 2, one stderr line naming the path,
no traceback, and every file and link around the scratch project (config, schema,
operations, generated/, a stand-in `.git`) byte-identical afterwards.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import re
import shutil
import typing
from pathlib import Path
from typing import Any

import pytest

from codegen.config import HONOURED_SETTINGS, SETTING_TYPES, UNSUPPORTED_SETTINGS
from codegen.generate import is_generated_package
from codegen.manifest import MANIFEST_NAME
from conftest import REPO, Project

NEW_OPERATION = "query UserNames {\n  portfolioItems { user { name } }\n}\n"
ADVICE = "set target_package_path and target_package_name to a folder of its own"


def _everything(root: Path) -> dict[str, bytes | str]:
    """Every file (its bytes) and symbolic link (its target) under `root`."""
    found: dict[str, bytes | str] = {}
    for folder, dirs, names in os.walk(root):
        for name in [*dirs, *names]:
            path = Path(folder) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = "-> " + str(path.readlink())
            elif path.is_file():
                found[key] = path.read_bytes()
    return found


def _configure(project: Project, **settings: str) -> None:
    """Set (or add) keys of [tool.ariadne-codegen]; values are TOML literals."""
    text = project.config.read_text(encoding="utf-8")
    for key, value in settings.items():
        text, count = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        if not count:
            text = text.replace(
                "[tool.ariadne-codegen]\n", f"[tool.ariadne-codegen]\n{key} = {value}\n"
            )
    project.config.write_text(text, encoding="utf-8")


def _refused(project: Project, capsys: pytest.CaptureFixture[str], message: str) -> None:
    """`generate` exits 2 with `message` as its one line, and changes nothing at all."""
    project.write(".git/HEAD", "ref: refs/heads/main\n")
    before = _everything(project.root.parent)
    assert project.run("generate") == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.err == f"pluvo-codegen: {message}\n"
    assert captured.out == ""
    assert _everything(project.root.parent) == before


NOT_OURS = "a folder pluvo-codegen did not write"


def _not_ours(folder: str) -> str:
    """The reason given for a folder that holds `folder`: it names the folder."""
    return f"{NOT_OURS} (it holds a folder, {folder}, and a generated package has none)"


SCHEMA = "schema (schema/pluvo.graphql)"
DANGEROUS = {
    "schema": ('"."', '"schema"', f"schema: the package folder contains the {SCHEMA}; {ADVICE}"),
    "queries": (
        '"."',
        '"queries"',
        f"queries: the package folder is the operations (queries); {ADVICE}",
    ),
    "inside_queries": (
        '"queries"',
        '"client"',
        f"queries/client: the package folder lies inside the operations (queries); {ADVICE}",
    ),
    "config_folder": (
        '".."',
        '"project"',
        f".: the package folder is the config's folder; {ADVICE}",
    ),
    "above_config": (
        '"../.."',
        "ABOVE",
        f"..: the package folder contains the config's folder; {ADVICE}",
    ),
    "generated": (
        '"."',
        '"generated"',
        f"generated: {_not_ours('pluvo_client')}; move it away or {ADVICE}",
    ),
    "codegen": ('"."', '"codegen"', f"codegen: {_not_ours('runtime')}; move it away or {ADVICE}"),
}


@pytest.mark.parametrize(("path", "name", "message"), DANGEROUS.values(), ids=DANGEROUS.keys())
def test_a_dangerous_package_folder_is_refused_before_anything_is_written(
    project: Project, capsys: pytest.CaptureFixture[str], path: str, name: str, message: str
) -> None:
    if name == "ABOVE":  # the folder that holds the project, named from its parent
        name = f'"{project.root.parent.name}"'
    _configure(project, target_package_path=path, target_package_name=name)
    _refused(project, capsys, message)


@pytest.mark.parametrize(("path", "name", "message"), DANGEROUS.values(), ids=DANGEROUS.keys())
def test_check_refuses_the_same_folders_with_exit_2_not_drift(
    project: Project, capsys: pytest.CaptureFixture[str], path: str, name: str, message: str
) -> None:
    """Before, `check` compared them: the project's own files were "extra" (exit 1, drift),
    and a package linked to `/` had every file on the machine read."""
    if name == "ABOVE":
        name = f'"{project.root.parent.name}"'
    _configure(project, target_package_path=path, target_package_name=name)
    before = _everything(project.root.parent)
    assert project.run("check") == 2
    captured = capsys.readouterr()
    assert captured.err == f"pluvo-codegen: {message}\n"
    assert captured.out == ""
    assert _everything(project.root.parent) == before


def test_a_folder_of_user_files_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("docs/notes.md", "# my notes\n")
    _configure(project, target_package_path='"."', target_package_name='"docs"')
    _refused(project, capsys, f"docs: {NOT_OURS} (no __init__.py); move it away or {ADVICE}")


def test_a_package_whose_folders_are_not_ours_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A generated package never has subfolders; one that does holds someone's files.

    The message says that, not that __init__.py and base_model.py are missing (they
    are there): a `.git` folder is named as such.
    """
    project.write("generated/pluvo_client/.git/HEAD", "ref: refs/heads/main\n")
    _refused(
        project, capsys, f"generated/pluvo_client: {_not_ours('.git')}; move it away or {ADVICE}"
    )


def test_a_folder_that_only_looks_generated_is_refused_with_the_reason(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """No manifest, and a base_model.py that is not ariadne-codegen's: the reason says so."""
    (project.package / MANIFEST_NAME).unlink()
    (project.package / "base_model.py").write_text("class BaseModel: ...\n")
    _refused(
        project,
        capsys,
        f"generated/pluvo_client: {NOT_OURS} (no {MANIFEST_NAME}, and base_model.py is not "
        f"ariadne-codegen's); move it away or {ADVICE}",
    )


def test_the_recogniser_accepts_the_committed_package_and_refuses_lookalikes(
    tmp_path: Path,
) -> None:
    committed = REPO / "generated" / "pluvo_client"
    assert is_generated_package(committed)
    copy = tmp_path / "copy"
    shutil.copytree(committed, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "__pycache__").mkdir()
    assert is_generated_package(copy)
    # Our manifest is the mark: with it, an edited base_model.py is still ours
    # (`verify` reports the edit); without it, ariadne-codegen's base_model.py is.
    (copy / "base_model.py").write_text("class BaseModel: ...\n")
    assert is_generated_package(copy)
    (copy / MANIFEST_NAME).unlink()
    assert not is_generated_package(copy)
    shutil.copy(committed / "base_model.py", copy / "base_model.py")
    assert is_generated_package(copy)
    (copy / "notes").mkdir()
    assert not is_generated_package(copy)
    assert not is_generated_package(tmp_path / "missing")
    assert not is_generated_package(committed / "client.py")


def test_a_symlinked_package_is_followed_and_its_target_replaced_atomically(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """The link stays a link, to the same place; the folder it names is the new package."""
    elsewhere = project.root.parent / "shared"
    elsewhere.mkdir()
    project.package.rename(elsewhere / "pluvo_client")
    link_text = os.path.relpath(elsewhere / "pluvo_client", project.package.parent)
    project.package.symlink_to(link_text, target_is_directory=True)
    project.write("queries/user_names.graphql", NEW_OPERATION)
    assert project.run("generate") == 0
    assert "generated/pluvo_client: " in capsys.readouterr().out
    assert project.package.is_symlink() and str(project.package.readlink()) == link_text
    assert (elsewhere / "pluvo_client" / "user_names.py").is_file()
    assert project.run("check") == 0
    assert sorted(p.name for p in (project.root / "generated").iterdir()) == ["pluvo_client"]
    assert sorted(p.name for p in elsewhere.iterdir()) == ["pluvo_client"]


def test_a_symlink_to_the_project_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(project.package)
    project.package.symlink_to("..", target_is_directory=True)
    message = f"generated/pluvo_client: the package folder is the config's folder; {ADVICE}"
    _refused(project, capsys, message)


def test_a_dangling_symlink_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(project.package)
    project.package.symlink_to("../nowhere", target_is_directory=True)
    _refused(
        project,
        capsys,
        "generated/pluvo_client: a symbolic link to ../nowhere, which does not exist",
    )


# -- files inside the package that generate did not write ---------------------

STRAY = "not written by pluvo-codegen; move it out of the package or delete it"
UNRECORDED = (
    f"not a file generate writes now, and the package has no {MANIFEST_NAME} to tell "
    "whether pluvo-codegen wrote it; move it out of the package or delete it"
)


def _refused_files(project: Project, capsys: pytest.CaptureFixture[str], lines: list[str]) -> None:
    """`generate` exits 2 with one line per file and a count, and changes nothing at all."""
    project.write(".git/HEAD", "ref: refs/heads/main\n")
    before = _everything(project.root.parent)
    assert project.run("generate") == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.out == ""
    noun = "problem" if len(lines) == 1 else "problems"
    assert captured.err.splitlines() == [*lines, f"pluvo-codegen: {len(lines)} {noun} found"]
    assert _everything(project.root.parent) == before


def test_files_the_manifest_does_not_list_are_never_deleted(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two user files, one of them named like a module this run would write, and a removed
    operation's module (which the old manifest lists, so it is not named): exit 2, one line
    per user file, everything byte-identical; the bytecode cache is not named."""
    (project.root / "queries/portfolio_items.graphql").unlink()
    project.write("queries/user_names.graphql", NEW_OPERATION)
    project.write("generated/pluvo_client/user_names.py", "# my own helper\n")
    project.write("generated/pluvo_client/NOTES.md", "do not lose me\n")
    project.write("generated/pluvo_client/__pycache__/client.cpython-312.pyc", "cache")
    _refused_files(
        project,
        capsys,
        [
            f"generated/pluvo_client/NOTES.md: {STRAY}",
            f"generated/pluvo_client/user_names.py: {STRAY}",
        ],
    )
    # Moved out, the user's files are kept and the removed operation's module goes.
    (project.package / "NOTES.md").rename(project.root / "NOTES.md")
    (project.package / "user_names.py").unlink()
    assert project.run("generate") == 0
    assert not (project.package / "portfolio_items.py").exists()
    assert "class UserNames(" in (project.package / "user_names.py").read_text()
    assert (project.root / "NOTES.md").read_text() == "do not lose me\n"
    assert project.run("check") == 0


def test_a_stray_link_in_the_package_is_refused_and_its_target_kept(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A link to a file outside the package is someone's too; neither it nor the file it
    names is touched (`_everything` records the link's text and the file's bytes)."""
    outside = project.write("notes/keep.txt", "mine\n")
    (project.package / "keep.txt").symlink_to(outside)
    project.write("queries/user_names.graphql", NEW_OPERATION)
    _refused_files(project, capsys, [f"generated/pluvo_client/keep.txt: {STRAY}"])


def test_a_stray_file_in_a_symlinked_package_is_named_by_the_configured_path(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = project.root.parent / "shared"
    elsewhere.mkdir()
    project.package.rename(elsewhere / "pluvo_client")
    project.package.symlink_to(elsewhere / "pluvo_client", target_is_directory=True)
    (elsewhere / "pluvo_client" / "local.py").write_text("x = 1\n")
    project.write("queries/user_names.graphql", NEW_OPERATION)
    _refused_files(project, capsys, [f"generated/pluvo_client/local.py: {STRAY}"])


def test_an_up_to_date_package_with_a_stray_file_is_still_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing to regenerate, but writing would delete the file: refused all the same."""
    project.write("generated/pluvo_client/scratch.py", "print('hi')\n")
    _refused_files(project, capsys, [f"generated/pluvo_client/scratch.py: {STRAY}"])


def test_a_package_from_before_manifests_keeps_only_what_generate_writes_now(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """No manifest: no record of what was ours. The names this run writes are ours (the
    package is recognised by ariadne-codegen's base_model.py); anything else is named,
    including an old operation's module, and the user deletes it once."""
    (project.package / MANIFEST_NAME).unlink()
    (project.root / "queries/portfolio_items.graphql").unlink()
    project.write("generated/pluvo_client/helpers.py", "x = 1\n")
    _refused_files(
        project,
        capsys,
        [
            f"generated/pluvo_client/helpers.py: {UNRECORDED}",
            f"generated/pluvo_client/portfolio_items.py: {UNRECORDED}",
        ],
    )
    (project.package / "helpers.py").unlink()
    (project.package / "portfolio_items.py").unlink()
    assert project.run("generate") == 0
    assert (project.package / MANIFEST_NAME).is_file()
    assert project.run("check") == 0


def test_a_package_from_before_manifests_with_only_generated_names_is_regenerated(
    project: Project,
) -> None:
    (project.package / MANIFEST_NAME).unlink()
    (project.package / "client.py").write_text("# an old client\n")
    assert project.run("generate") == 0
    assert project.run("check") == 0


# -- filesystem errors --------------------------------------------------------


def test_a_file_where_the_package_goes_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(project.package)
    project.write("generated/pluvo_client", "not a folder\n")
    _refused(project, capsys, "generated/pluvo_client: exists and is not a folder")


def test_a_file_where_the_packages_parent_folder_goes_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(project.root / "generated")
    project.write("generated", "not a folder\n")
    message = "generated: exists and is not a folder, so generated/pluvo_client cannot go in it"
    _refused(project, capsys, message)


def _fail(monkeypatch: pytest.MonkeyPatch, name: str, code: int, *, call: int = 1) -> list[int]:
    """Make the `call`-th `Path.<name>` on the package's staging side raise OSError(code).

    `mkdtemp` fails the staging folder's creation beside the package instead.
    """
    calls = [0]
    if name == "mkdtemp":
        import tempfile

        real = tempfile.mkdtemp

        def mkdtemp(*args: Any, dir: Any = None, **kwargs: Any) -> str:
            if dir is None:  # the scratch folder ariadne-codegen renders into
                return str(real(*args, **kwargs))
            raise OSError(code, os.strerror(code), str(dir))

        monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
        return calls
    original = getattr(Path, name)

    def failing(self: Path, *args: Any, **kwargs: Any) -> Any:
        if ".new-" in str(self) or ".old-" in str(self) or name == "rename":
            calls[0] += 1
            if calls[0] == call:
                raise OSError(code, os.strerror(code), str(self))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, name, failing)
    return calls


def _broken_write(
    project: Project,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    code: int,
    call: int = 1,
) -> str:
    project.write("queries/user_names.graphql", NEW_OPERATION)
    before = _everything(project.root)
    calls = _fail(monkeypatch, name, code, call=call)
    assert project.run("generate") == 2
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert _everything(project.root) == before  # no staging or backup folder left either
    if name != "mkdtemp":
        assert calls[0] >= call  # the failure did happen where it was meant to
    return err


def test_a_read_only_generated_folder_is_one_line_and_nothing_changes(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Injected: the tests may run as root, whom a read-only mode does not stop."""
    err = _broken_write(project, capsys, monkeypatch, "mkdtemp", errno.EROFS)
    assert err == (
        "pluvo-codegen: generated/pluvo_client: cannot write the package: "
        "Read-only file system (generated)\n"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_really_read_only_generated_folder_is_one_line(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    generated = project.root / "generated"
    project.write("queries/user_names.graphql", NEW_OPERATION)
    before = _everything(project.root)
    generated.chmod(0o555)
    try:
        assert project.run("generate") == 2
    finally:
        generated.chmod(0o755)
    err = capsys.readouterr().err
    assert err.startswith("pluvo-codegen: generated/pluvo_client: cannot write the package: ")
    assert "Permission denied" in err and len(err.splitlines()) == 1
    assert _everything(project.root) == before


def test_a_full_disk_halfway_through_is_one_line_and_nothing_changes(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fourth file written to the staging folder finds the disk full."""
    err = _broken_write(project, capsys, monkeypatch, "write_bytes", errno.ENOSPC, call=4)
    assert re.fullmatch(
        r"pluvo-codegen: generated/pluvo_client: cannot write the package: "
        r"No space left on device \(generated/\.pluvo_client\.new-\w+/[\w./]+\)\n",
        err,
    ), err


def test_a_failing_swap_puts_the_old_package_back(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old package is moved aside (rename 1), the new one fails to move in (rename 2)."""
    err = _broken_write(project, capsys, monkeypatch, "rename", errno.EIO, call=2)
    assert err.startswith("pluvo-codegen: generated/pluvo_client: cannot write the package: ")
    assert "Input/output error" in err


# -- settings -----------------------------------------------------------------


UNUSED_VARIABLE = "query Unused($id: ID) {\n  portfolioItems { id }\n}\n"


def test_skip_validation_rules_is_honoured(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("queries/unused.graphql", UNUSED_VARIABLE)
    assert project.run("validate") == 2
    assert "Variable '$id' is never used in operation 'Unused'." in capsys.readouterr().err
    _configure(project, skip_validation_rules='["NoUnusedFragments", "NoUnusedVariables"]')
    assert project.run("validate") == 0
    capsys.readouterr()


def test_skip_validation_rules_names_an_unknown_rule(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _configure(project, skip_validation_rules='["NoSuchRule"]')
    _refused(
        project,
        capsys,
        f"{project.config}: skip_validation_rules: unknown rule 'NoSuchRule'; known rules: "
        + ", ".join(sorted(_rule_names())),
    )


def _rule_names() -> list[str]:
    from graphql import specified_rules

    return [rule.__name__.removesuffix("Rule") for rule in specified_rules]


@pytest.mark.parametrize("key", sorted(UNSUPPORTED_SETTINGS))
def test_a_setting_generate_would_ignore_is_named_in_an_error(
    project: Project, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    _configure(project, **{key: '"x"'})
    project.write(".git/HEAD", "ref: refs/heads/main\n")
    before = _everything(project.root)
    assert project.run("generate") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pluvo-codegen: {project.config}: {key} is not supported here; ")
    assert len(err.splitlines()) == 1
    assert _everything(project.root) == before


WRONG_TYPES = {
    # "no" is a true value in Python: ariadne-codegen would have turned uploads on.
    "multipart_uploads": ('"no"', "multipart_uploads must be true or false, not 'no'"),
    "defer_model_build": ("0", "defer_model_build must be true or false, not 0"),
    "client_name": ("5", "client_name must be a string, not 5"),
    # A string is iterated letter by letter: "Provided path c isn't a file".
    "files_to_include": (
        '"codegen/runtime/auth.py"',
        "files_to_include must be a list of strings, not 'codegen/runtime/auth.py'",
    ),
    "plugins": ("[1]", "plugins must be a list of strings, not [1]"),
    "scalars": ('"x"', "scalars must be a table, not 'x'"),
}


@pytest.mark.parametrize(("key", "value", "message"), [(k, *v) for k, v in WRONG_TYPES.items()])
def test_a_setting_of_the_wrong_type_is_named_in_an_error(
    project: Project, capsys: pytest.CaptureFixture[str], key: str, value: str, message: str
) -> None:
    text = project.config.read_text(encoding="utf-8")
    text = re.sub(rf"(?ms)^{key} = \[.*?\]\n", "", text)  # a multi-line list, if any
    text = re.sub(r"(?m)^\[tool\.ariadne-codegen\.scalars[^\n]*\n(?:[^\[\n][^\n]*\n)*", "", text)
    project.config.write_text(text, encoding="utf-8")
    _configure(project, **{key: value})
    _refused(project, capsys, f"{project.config}: {message}")


def test_the_setting_types_match_ariadne_codegen() -> None:
    from ariadne_codegen.settings import ClientSettings

    words: dict[object, str] = {
        bool: "true or false",
        str: "a string",
        list[str]: "a list of strings",
    }
    declared = {
        f.name: "a table" if typing.get_origin(f.type) is dict else words.get(f.type)
        for f in dataclasses.fields(ClientSettings)
    }
    checked_by_load_config = {
        *("schema_path", "queries_path", "target_package_path", "target_package_name"),
        *("include_comments", "skip_validation_rules"),
    }
    assert HONOURED_SETTINGS - checked_by_load_config == SETTING_TYPES.keys()
    assert {key: declared[key] for key in SETTING_TYPES} == SETTING_TYPES


def test_when_the_old_package_cannot_be_put_back_it_is_kept_and_named(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renames 2 (new package in) and 3 (old package back) fail: the old one is not deleted."""
    project.write("queries/user_names.graphql", NEW_OPERATION)
    committed = project.snapshot()
    original = Path.rename
    calls = [0]

    def failing(self: Path, target: Any) -> Any:
        calls[0] += 1
        if calls[0] in (2, 3):
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(self))
        return original(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    assert project.run("generate") == 2
    monkeypatch.undo()
    err = capsys.readouterr().err
    match = re.fullmatch(
        r"pluvo-codegen: generated/pluvo_client: cannot write the package \(.*\), nor put the "
        r"old one back \(Input/output error\); it is at (generated/\.pluvo_client\.old-\w+)\n",
        err,
    )
    assert match, err
    kept = project.root / match[1]
    assert {
        f"pluvo_client/{p.relative_to(kept).as_posix()}": p.read_bytes()
        for p in kept.rglob("*")
        if p.is_file()
    } == committed


def test_every_ariadne_codegen_setting_is_honoured_or_refused() -> None:
    """A setting a new ariadne-codegen adds must be classified before it can be dropped."""
    from ariadne_codegen.settings import ClientSettings

    settings = {field.name for field in dataclasses.fields(ClientSettings)}
    assert settings == HONOURED_SETTINGS | UNSUPPORTED_SETTINGS
    assert not HONOURED_SETTINGS & UNSUPPORTED_SETTINGS


def _can_mount_tmpfs() -> bool:
    import subprocess

    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _can_mount_tmpfs(), reason="no mount namespace for a tiny tmpfs here")
def test_a_really_full_disk_leaves_the_package_byte_identical(project: Project) -> None:
    """generated/ on a tiny tmpfs holds the package once, not the new copy beside it."""
    import subprocess
    import sys

    project.write("queries/user_names.graphql", NEW_OPERATION)
    saved = project.root / "saved"
    shutil.copytree(project.root / "generated", saved)
    # tmpfs gives each file whole 4 KiB pages: room for one and a half packages.
    pages = sum(-(-p.stat().st_size // 4096) or 1 for p in saved.rglob("*") if p.is_file())
    size_kib = pages * 4 * 3 // 2
    script = """
        set -e
        mount -t tmpfs -o size=${SIZE}k tmpfs "$ROOT/generated"
        cp -a "$SAVED/." "$ROOT/generated/"
        listing() { (cd "$ROOT/generated" && find . | sort && find . -type f | sort | xargs cat); }
        before=$(listing | sha256sum)
        set +e
        "$PYTHON" -m codegen generate --config "$ROOT/pyproject.toml"
        echo "exit=$?" >&2
        after=$(listing | sha256sum)
        [ "$before" = "$after" ] && echo "generated/ unchanged" >&2
    """
    env = {
        **os.environ,
        "ROOT": str(project.root),
        "SAVED": str(saved),
        "PYTHON": sys.executable,
        "SIZE": str(size_kib),
    }
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    lines = done.stderr.splitlines()
    assert "Traceback" not in done.stderr
    assert lines[1:] == ["exit=2", "generated/ unchanged"], done.stderr
    assert re.fullmatch(
        r"pluvo-codegen: generated/pluvo_client: cannot write the package: "
        r"No space left on device \(generated/\.pluvo_client\.new-\w+/[\w./]+\)",
        lines[0],
    ), done.stderr


def test_check_on_an_unreadable_package_is_one_line(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Injected, as root reads anything: the package's client.py cannot be read."""
    original = Path.read_bytes

    def unreadable(self: Path) -> bytes:
        if self.name == "client.py" and project.root in self.parents:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return original(self)

    before = _everything(project.root)
    monkeypatch.setattr(Path, "read_bytes", unreadable)
    assert project.run("check") == 2
    monkeypatch.undo()
    err = capsys.readouterr().err
    client = "generated/pluvo_client/client.py"
    assert err == f"pluvo-codegen: {client}: cannot read: Permission denied\n"
    assert _everything(project.root) == before


def test_any_other_os_error_is_one_line_too(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line's safety net, for an OS error no command names first."""

    def failing(*_: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO), "schema/pluvo.graphql")

    monkeypatch.setattr("codegen.sources.load_sources", failing)
    before = _everything(project.root)
    assert project.run("generate") == 2
    assert capsys.readouterr().err == "pluvo-codegen: schema/pluvo.graphql: Input/output error\n"
    assert _everything(project.root) == before


def test_two_runs_at_once_swap_one_after_the_other(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run A renames the old package aside and pauses there; run B starts its swap.

    Without a lock, B renames its package in while A's is aside, A's rename then fails
    and A exits 2 leaving `.pluvo_client.old-*` behind. With the lock, B waits for A:
    A's pause ends after 0.3 s without B having renamed anything, and both succeed.
    """
    import threading

    from codegen.config import load_config
    from codegen.errors import CodegenError
    from codegen.generate import read_tree, write_package

    config = load_config(project.config)
    files = {**read_tree(project.package), "user_names.py": b"x = 1\n"}
    original = Path.rename
    a_aside, b_renamed = threading.Event(), threading.Event()

    def rename(self: Path, target: Any) -> Any:
        if threading.current_thread().name == "A" and ".old-" in str(target):
            result = original(self, target)
            a_aside.set()
            b_renamed.wait(0.3)
            return result
        if threading.current_thread().name == "B":
            b_renamed.set()
        return original(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    outcomes: dict[str, object] = {}

    def run() -> None:
        name = threading.current_thread().name
        if name == "B":
            a_aside.wait(5)
        try:
            outcomes[name] = write_package(config, files)
        except CodegenError as error:
            outcomes[name] = str(error)

    threads = [threading.Thread(target=run, name=name) for name in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcomes == {"A": True, "B": False}
    assert read_tree(project.package) == files
    assert sorted(p.name for p in project.package.parent.iterdir()) == ["pluvo_client"]


def test_a_filesystem_without_locks_still_generates(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """flock fails with ENOLCK on some NFS mounts: the swap runs unlocked, as before."""
    import fcntl

    def no_locks(descriptor: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)
    project.write("queries/user_names.graphql", NEW_OPERATION)
    assert project.run("generate") == 0
    assert "generated/pluvo_client: " in capsys.readouterr().out
    assert (project.package / "user_names.py").is_file()
    assert project.run("check") == 0
