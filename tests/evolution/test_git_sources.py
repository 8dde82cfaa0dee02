"""`git:REV:path`: a schema at a revision, read with `git show` from the config's folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from .conftest import Evolution

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(evolution: Evolution, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=evolution.root, env=env, check=True, capture_output=True)


@pytest.fixture
def repository(evolution: Evolution) -> Evolution:
    """The scratch project as a git repository with one commit."""
    _git(evolution, "init", "-q", "-b", "main")
    _git(evolution, "add", ".")
    _git(evolution, "commit", "-q", "-m", "base")
    return evolution


def test_the_committed_schema_diffs_against_the_working_tree(
    repository: Evolution, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository.root)
    text = repository.schema.read_text(encoding="utf-8")
    repository.schema.write_text(text.replace("  title: String\n", "", 1), encoding="utf-8")
    code = repository.diff(
        "git:HEAD:schema/pluvo.graphql", "schema/pluvo.graphql", "--format", "json"
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    (change,) = report["changes"]
    assert (change["type"], change["path"]) == ("FIELD_REMOVED", "Certificate.title")
    assert change["location"].startswith("git:HEAD:schema/pluvo.graphql:")
    assert change["breaks"] == [
        {"operation": "ListCertificates", "location": "queries/list_certificates.graphql:9:9"},
        {
            "operation": "ListCertificatesBackward",
            "location": "queries/list_certificates_backward.graphql:9:9",
        },
    ]


def test_an_unchanged_schema_at_a_revision_has_no_changes(
    repository: Evolution, capsys: pytest.CaptureFixture[str]
) -> None:
    # Both sides come from git, so the working directory does not matter.
    assert repository.diff("git:HEAD:schema/pluvo.graphql", "git:main:schema/pluvo.graphql") == 0
    assert "No changes" in capsys.readouterr().out


def test_the_path_is_relative_to_the_configs_folder_wherever_diff_runs(
    repository: Evolution, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository.root / "queries")
    assert repository.diff("git:HEAD:schema/pluvo.graphql", str(repository.schema)) == 0
    assert "No changes" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("git:no-such-branch:schema/pluvo.graphql", "git:no-such-branch:schema/pluvo.graphql: "),
        ("git:HEAD:schema/missing.graphql", "git:HEAD:schema/missing.graphql: "),
        ("git:HEAD", "git:HEAD: expected git:REVISION:PATH"),
    ],
    ids=["unknown_revision", "path_not_in_revision", "no_path"],
)
def test_a_bad_git_source_exits_2_with_gits_reason(
    repository: Evolution, capsys: pytest.CaptureFixture[str], spec: str, message: str
) -> None:
    assert repository.diff(spec, str(repository.schema)) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def _tree(evolution: Evolution) -> dict[str, bytes]:
    return {
        p.relative_to(evolution.root).as_posix(): p.read_bytes()
        for p in evolution.root.rglob("*")
        if p.is_file() and ".git/" not in p.relative_to(evolution.root).as_posix() + "/"
    }


@pytest.mark.parametrize(
    "revision", ["--output=written.txt", "-p", "--no-index"], ids=["output", "short", "long"]
)
def test_a_revision_that_starts_with_a_dash_is_refused_before_git_runs(
    repository: Evolution,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    revision: str,
) -> None:
    monkeypatch.chdir(repository.root)
    before = _tree(repository)
    spec = f"git:{revision}:schema/pluvo.graphql"
    assert repository.diff(spec, "schema/pluvo.graphql") == 2
    err = capsys.readouterr().err
    assert err == f"pluvo-codegen: {spec}: a git revision cannot start with '-'\n"
    assert _tree(repository) == before  # git wrote no file
    assert not (repository.root / "written.txt").exists()


def test_git_is_told_where_its_options_end(
    repository: Evolution, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even a revision git could misread is passed after `--end-of-options`."""
    import subprocess as real

    calls: list[list[str]] = []
    run = real.run

    def spy(args: list[str], **kwargs: object) -> object:
        calls.append(list(args))
        return run(args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("codegen.evolution.load.subprocess.run", spy)
    assert repository.diff("git:HEAD:schema/pluvo.graphql", str(repository.schema)) == 0
    assert calls == [["git", "show", "--end-of-options", "HEAD:./schema/pluvo.graphql"]]


@pytest.mark.parametrize(
    "spec",
    ["git:HEAD\nmain:schema/pluvo.graphql", "git:HEAD:schema/pluvo\r.graphql", "git:HE\x00AD:x"],
    ids=["newline_in_revision", "carriage_return_in_path", "nul"],
)
def test_a_control_character_in_a_git_source_is_refused_on_one_line(
    repository: Evolution,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    spec: str,
) -> None:
    """No revision or path holds one; echoed as it is, it would split the message."""
    monkeypatch.chdir(repository.root)
    before = _tree(repository)
    assert repository.diff(spec, "schema/pluvo.graphql") == 2
    err = capsys.readouterr().err
    shown = spec.replace("\n", "\\n").replace("\r", "\\r").replace("\x00", "\\x00")
    assert err == f"pluvo-codegen: {shown}: a git source cannot hold a control character\n"
    assert _tree(repository) == before
