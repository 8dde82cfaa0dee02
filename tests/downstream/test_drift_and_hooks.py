"""`nox -s drift`'s job always writes its summary; the pre-commit hooks run on the right files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from codegen.drift import main as drift
from conftest import Project

from .conftest import REPO, run

HOOKS = REPO / ".pre-commit-hooks.yaml"


def _git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }  # fmt: skip
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.fixture
def repository(project: Project) -> Project:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _git(project.root, "init", "-q", "-b", "main")
    _git(project.root, "add", ".")
    _git(project.root, "commit", "-q", "-m", "base")
    return project


def test_a_schema_change_that_breaks_validate_still_writes_the_summary_then_fails(
    repository: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = repository.root / "schema" / "pluvo.graphql"
    schema.write_text(schema.read_text(encoding="utf-8").replace("  title: String\n", "", 1))
    summary = repository.root / "summary.md"
    summary.write_text("earlier steps\n", encoding="utf-8")
    code = drift(["--base", "HEAD", "--config", str(repository.config), "--summary", str(summary)])
    assert code == 2  # check and validate: invalid input; diff: a break (1)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier steps\n")  # appended, as $GITHUB_STEP_SUMMARY wants
    assert "| `pluvo-codegen check` | ❌ invalid input (exit 2) |" in text
    assert "| `pluvo-codegen validate` | ❌ invalid input (exit 2) |" in text
    assert "| `pluvo-codegen diff` | ❌ failed (exit 1) |" in text
    # The operations that no longer validate, with their places...
    assert "queries/list_certificates.graphql:9:9: Cannot query field 'title'" in text
    # ...and diff's table of the change and what it breaks.
    assert "Certificate.title" in text and "ListCertificatesBackward" in text
    assert "summary appended to" in capsys.readouterr().out


def test_a_stale_package_is_in_the_summary_with_its_diff(
    repository: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    client = repository.package / "client.py"
    client.write_text(client.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert drift(["--base", "HEAD", "--config", str(repository.config)]) == 1
    out = capsys.readouterr().out
    assert "| `pluvo-codegen check` | ❌ failed (exit 1) |" in out
    assert "| `pluvo-codegen validate` | ✅ ok |" in out
    assert "-# edited" in out and "No changes." in out


def test_a_clean_tree_passes_and_says_so(
    repository: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert drift(["--base", "HEAD", "--config", str(repository.config)]) == 0
    out = capsys.readouterr().out
    assert out.count("✅ ok") == 3


def _hooks() -> dict[str, dict[str, str]]:
    """.pre-commit-hooks.yaml: a list of flat mappings (PyYAML is not a dependency)."""
    hooks: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in HOOKS.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(- |  )([a-z_]+): (.*)$", line)
        if match is None:
            continue
        if match[1] == "- ":
            current = {}
        value = match[3].strip()
        current[match[2]] = value[1:-1] if value[:1] in "'\"" and value else value
        hooks[current.get("id", "")] = current
    return hooks


def test_the_check_hook_runs_when_the_runtime_or_the_plugins_change() -> None:
    files = re.compile(_hooks()["pluvo-codegen-check"]["files"])
    for path in (
        "codegen/runtime/retry.py",
        "codegen/plugins/pagination.py",
        "schema/pluvo.graphql",
        "queries/list_certificates.graphql",
        "pyproject.toml",
        "generated/pluvo_client/client.py",
        ".pre-commit-config.yaml",
    ):
        assert files.search(path), path
    assert not files.search("codegen/server/app.py")
    assert not files.search("README.md")


def test_the_verify_hook_runs_verify_on_the_folder_in_its_args(
    vendored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hook = _hooks()["pluvo-codegen-verify"]
    assert hook["entry"] == "pluvo-codegen verify"
    assert hook["pass_filenames"] == "false" and hook["always_run"] == "true"
    # What pre-commit runs: the entry, then the args from the user's config.
    argv = hook["entry"].split()[1:]
    assert run(*argv, str(vendored)) == 0
    (vendored / "client.py").write_text("# edited\n", encoding="utf-8")
    assert run(*argv, str(vendored)) == 1
    assert f"edited: {vendored}/client.py" in capsys.readouterr().out


def test_nox_drift_writes_a_fresh_local_summary_but_appends_to_githubs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside GitHub, .nox/drift/drift-summary.md shows this run only, not every run."""
    import importlib.util
    import types

    spec = importlib.util.spec_from_file_location("noxfile_under_test", REPO / "noxfile.py")
    assert spec is not None and spec.loader is not None
    noxfile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(noxfile)
    runs: list[tuple[str, ...]] = []

    class Session:
        posargs = ()
        virtualenv = types.SimpleNamespace(location=str(tmp_path))

        def install(self, *args: str) -> None:
            pass

        def run(self, *args: str, **kwargs: object) -> None:
            runs.append(args)

    monkeypatch.setenv("PLUVO_BASE_REF", "HEAD")
    local = tmp_path / "drift-summary.md"
    github = tmp_path / "github-summary.md"
    for stale in (local, github):
        stale.write_text("## an earlier run\n", encoding="utf-8")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    noxfile.drift(Session())
    assert not local.exists()  # the job (not run here) appends to a fresh file
    assert runs[-1][runs[-1].index("--summary") + 1] == str(local)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(github))
    noxfile.drift(Session())
    assert github.read_text(encoding="utf-8") == "## an earlier run\n"  # GitHub's: kept
    assert runs[-1][runs[-1].index("--summary") + 1] == str(github)
