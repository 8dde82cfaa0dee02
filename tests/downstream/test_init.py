"""`pluvo-codegen init [DIR]`: scaffold, generate, never overwrite."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shlex
import socket
from pathlib import Path

import pytest
from evolution.fake_endpoint import run_endpoint

from codegen.cli import main
from codegen.downstream.init import CHECK_FILES

from .conftest import REPO, answering, run, tree

EXPECTED = [
    ".github/workflows/pluvo-codegen.yml",
    ".pre-commit-config.yaml",
    "pyproject.toml",
    "queries/generate_certificate.graphql",
    "queries/list_certificates.graphql",
    "queries/list_certificates_backward.graphql",
    "queries/portfolio_items.graphql",
    "schema/pluvo.graphql",
]


def test_init_in_an_empty_folder_then_check_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init") == 0
    out = capsys.readouterr().out
    files = tree(tmp_path)
    assert sorted(n for n in files if not n.startswith("generated/")) == EXPECTED
    assert files["schema/pluvo.graphql"] == (REPO / "schema/pluvo.graphql").read_bytes()
    for name in EXPECTED:
        assert f"created {name}" in out
    assert "next: pluvo-codegen check\n" in out
    assert run("check") == 0
    assert run("verify", "generated/pluvo_client") == 0
    # The same package as this repository's own, from the four paths alone.
    generated = {n.removeprefix("generated/"): b for n, b in files.items() if "generated/" in n}
    assert generated == tree(REPO / "generated")


def test_init_names_every_clash_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'theirs'\n", encoding="utf-8")
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "list_certificates.graphql").write_text("# mine\n", encoding="utf-8")
    before = tree(tmp_path)
    assert run("init", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path}/pyproject.toml: exists already" in err
    assert f"--config {tmp_path}/pluvo-codegen.toml" in err
    assert f"{tmp_path}/queries/list_certificates.graphql: exists already" in err
    assert "2 problems found" in err
    assert tree(tmp_path) == before


def test_init_with_its_own_config_file_beside_an_existing_pyproject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'theirs'\n", encoding="utf-8")
    config = tmp_path / "pluvo-codegen.toml"
    assert run("init", str(tmp_path), "--config", str(config)) == 0
    assert f"next: pluvo-codegen check --config {config}" in capsys.readouterr().out
    assert (tmp_path / "pyproject.toml").read_text(
        encoding="utf-8"
    ) == "[project]\nname = 'theirs'\n"
    assert run("check", "--config", str(config)) == 0
    hooks = (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    workflow = (tmp_path / ".github/workflows/pluvo-codegen.yml").read_text(encoding="utf-8")
    assert 'args: ["--config", "pluvo-codegen.toml"]' in hooks
    assert "pluvo-codegen check --config pluvo-codegen.toml" in workflow


def test_init_refuses_a_config_outside_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("init", str(tmp_path / "repo"), "--config", str(tmp_path / "x.toml")) == 2
    assert "--config must be inside" in capsys.readouterr().err
    assert not (tmp_path / "repo").exists()


def test_init_pulls_the_schema_with_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with run_endpoint("ok") as url:
        assert run("init", str(tmp_path), "--url", url, "--token", "t") == 0
    assert f"schema/pluvo.graphql (pulled from {url})" in capsys.readouterr().out
    # Pulled in the canonical form, which is the committed form.
    assert (tmp_path / "schema/pluvo.graphql").read_bytes() == (
        REPO / "schema/pluvo.graphql"
    ).read_bytes()
    assert run("check", "--config", str(tmp_path / "pyproject.toml")) == 0


def test_init_writes_nothing_when_the_pull_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with run_endpoint("unauthorised") as url:
        assert run("init", str(tmp_path / "repo"), "--url", url, "--token", "wrong") == 2
    assert "401" in capsys.readouterr().err
    assert not (tmp_path / "repo").exists()


def test_init_writes_nothing_when_the_operations_do_not_fit_the_pulled_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import codegen.evolution

    text = (REPO / "schema/pluvo.graphql").read_text(encoding="utf-8")
    monkeypatch.setattr(
        codegen.evolution, "pull_schema", lambda *_: text.replace("  title: String\n", "", 1)
    )
    assert run("init", str(tmp_path / "repo"), "--url", "http://127.0.0.1:9/graphql/") == 2
    assert "Cannot query field 'title'" in capsys.readouterr().err
    assert not (tmp_path / "repo").exists()


def test_the_scaffolded_check_hook_runs_on_inputs_package_and_its_own_version() -> None:
    pattern = re.compile(CHECK_FILES)
    for path in (
        "schema/pluvo.graphql",
        "queries/a.graphql",
        "pyproject.toml",
        "generated/pluvo_client/client.py",
        ".pre-commit-config.yaml",
    ):
        assert pattern.search(path), path
    assert not pattern.search("src/app.py")


@pytest.mark.slow  # restarts or starts a real server: end to end
def test_init_pulls_with_client_credentials_from_the_reference_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.reference import run_server

    with run_server(tmp_path / "server") as server:
        credentials = [
            "--token-url", server.token_url,
            "--client-id", server.client_id,
            "--client-secret", server.client_secret,
        ]  # fmt: skip
        assert run("init", str(tmp_path / "repo"), "--url", server.url, *credentials) == 0
        assert f"(pulled from {server.url})" in capsys.readouterr().out
        # verify --schema URL, and init --url, read the same credentials from the environment.
        package = str(tmp_path / "repo/generated/pluvo_client")
        monkeypatch.setenv("PLUVO_TOKEN_URL", server.token_url)
        monkeypatch.setenv("PLUVO_CLIENT_ID", server.client_id)
        monkeypatch.setenv("PLUVO_CLIENT_SECRET", server.client_secret)
        assert run("verify", package, "--schema", server.url) == 0
        assert f"operations are valid against {server.url}" in capsys.readouterr().out
        assert run("init", str(tmp_path / "other"), "--url", server.url) == 0
        capsys.readouterr()
        monkeypatch.setenv("PLUVO_CLIENT_SECRET", "not-the-secret")
        assert run("verify", package, "--schema", server.url) == 2
        refused = f"pluvo-codegen: {server.token_url} refused the client id and secret (HTTP 401)\n"
        assert capsys.readouterr().err == refused
        assert run("init", str(tmp_path / "third"), "--url", server.url) == 2
        assert capsys.readouterr().err == refused
    assert not (tmp_path / "third").exists()
    for repo in ("repo", "other"):
        assert (tmp_path / repo / "schema/pluvo.graphql").read_bytes() == (
            REPO / "schema/pluvo.graphql"
        ).read_bytes()
    assert run("check", "--config", str(tmp_path / "repo/pyproject.toml")) == 0


def test_init_refuses_credentials_without_a_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("init", str(tmp_path), "--token", "t") == 2
    assert capsys.readouterr().err == "pluvo-codegen: --token goes with --url\n"
    oauth = ["--token-url", "http://127.0.0.1:1/t/", "--client-id", "a", "--client-secret", "b"]
    assert run("init", str(tmp_path), *oauth) == 2
    err = capsys.readouterr().err
    assert "--token-url and --client-id and --client-secret go with --url" in err
    assert list(tmp_path.iterdir()) == []


def test_init_refuses_a_file_as_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "file"
    target.write_text("mine\n", encoding="utf-8")
    assert run("init", str(target)) == 2
    assert f"{target}: exists and is not a folder" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "mine\n"


def test_the_clash_advice_for_an_existing_pyproject_works_when_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my repo").mkdir()
    (tmp_path / "my repo" / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    assert run("init", "my repo") == 2
    advice = re.search(r"--config (.*)$", capsys.readouterr().err, re.MULTILINE)
    assert advice is not None
    (config,) = shlex.split(advice.group(1))
    assert config == "my repo/pluvo-codegen.toml"
    assert run("init", "my repo", "--config", config) == 0
    next_line = capsys.readouterr().out.splitlines()[-1]
    assert next_line == "next: pluvo-codegen check --config 'my repo/pluvo-codegen.toml'"
    assert main(shlex.split(next_line.removeprefix("next: pluvo-codegen "))) == 0


def test_init_names_a_file_where_a_folder_goes_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "generated").write_text("mine\n", encoding="utf-8")
    (tmp_path / "queries").write_text("mine too\n", encoding="utf-8")
    before = tree(tmp_path)
    assert run("init", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path}/generated: exists and is not a folder" in err
    assert f"{tmp_path}/queries: exists and is not a folder" in err
    assert "appeared while init ran" not in err
    assert tree(tmp_path) == before and sorted(p.name for p in tmp_path.iterdir()) == [
        "generated",
        "queries",
    ]


def test_init_undoes_what_it_created_when_a_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import codegen.downstream.init

    (tmp_path / "README.md").write_text("mine\n", encoding="utf-8")
    real = codegen.downstream.init._create
    calls = []

    def full_disk(path: Path, data: bytes, made: list[Path]) -> None:
        calls.append(path)
        if len(calls) == 12:  # past the scaffold, inside the package
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data, made)

    monkeypatch.setattr(codegen.downstream.init, "_create", full_disk)
    assert run("init", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "No space left on device (nothing was written)" in err
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]
    # Once the disk has room again, init runs: no clash with a half-written scaffold.
    monkeypatch.setattr(codegen.downstream.init, "_create", real)
    assert run("init", str(tmp_path)) == 0
    assert run("check", "--config", str(tmp_path / "pyproject.toml")) == 0


def test_a_config_name_with_spaces_commas_and_hashes_stays_one_argument_in_hooks_and_ci(
    tmp_path: Path,
) -> None:
    name = "my conf, v2 #1.toml"
    assert run("init", str(tmp_path), "--config", str(tmp_path / name)) == 0
    hooks = (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    workflow = (tmp_path / ".github/workflows/pluvo-codegen.yml").read_text(encoding="utf-8")
    # A JSON array is a YAML flow sequence, a JSON string a YAML double-quoted scalar.
    args = re.findall(r"^        args: (.*)$", hooks, re.MULTILINE)
    assert [json.loads(a) for a in args] == [["--config", name]] * 2
    (run_check,) = re.findall(r"^      - run: (\".*pluvo-codegen check.*)$", workflow, re.MULTILINE)
    assert shlex.split(json.loads(run_check)) == ["pluvo-codegen", "check", "--config", name]
    assert run("check", "--config", str(tmp_path / name)) == 0


@pytest.mark.parametrize("answer", ["deep", "huge", "stall", "dead"])
def test_a_token_url_that_fails_is_named_and_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: str
) -> None:
    """The token endpoint, not the GraphQL one, is named; garbage is no traceback."""
    with contextlib.ExitStack() as stack:
        if answer == "deep":  # within the 64 KiB a token answer may hold
            token_url = stack.enter_context(answering(b"[" * 30_000 + b"]" * 30_000))
        elif answer == "huge":
            token_url = stack.enter_context(answering(b" " * 100_000 + b"{}"))
        else:
            listener = stack.enter_context(socket.create_server(("127.0.0.1", 0)))
            token_url = f"http://127.0.0.1:{listener.getsockname()[1]}/token/"
            if answer == "dead":
                listener.close()  # the port refuses connections from now on
        graphql_url = stack.enter_context(answering(b"{}"))
        credentials = ["--token-url", token_url, "--client-id", "a", "--client-secret", "b"]
        argv = ["init", str(tmp_path / "repo"), "--url", graphql_url, *credentials]
        assert run(*argv, "--timeout", "0.2") == 2
    err = capsys.readouterr().err
    expected = {
        "deep": "sent no usable access_token",
        "huge": "the answer is larger than 65536 bytes",
        "stall": "no answer within 0.2 s",
        "dead": "cannot connect",
    }[answer]
    # One line, naming the token endpoint and not the GraphQL one (never asked).
    assert token_url in err and graphql_url not in err and expected in err, err
    assert err.count("\n") == 1
    assert "Traceback" not in err and not (tmp_path / "repo").exists()


def _everything(root: Path) -> dict[str, bytes | str]:
    """Every file (its bytes) and link (its text) under `root`, links not followed."""
    found: dict[str, bytes | str] = {}
    for folder, dirs, names in os.walk(root):
        for name in [*dirs, *names]:
            path = Path(folder) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = "-> " + str(path.readlink())
            elif path.is_file():
                found[key] = path.read_bytes()
            else:
                found[key] = "folder"
    return found


@pytest.mark.parametrize("link", ["schema", "queries", "generated", ".github", ".github/workflows"])
def test_init_refuses_a_folder_link_that_leaves_its_folder_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], link: str
) -> None:
    """`DIR/schema -> ../elsewhere` would have init write schema/pluvo.graphql outside DIR."""
    repo, outside = tmp_path / "repo", tmp_path / "elsewhere"
    repo.mkdir()
    outside.mkdir()
    (outside / "keep.txt").write_text("mine\n", encoding="utf-8")
    (repo / link).parent.mkdir(parents=True, exist_ok=True)
    text = os.path.relpath(outside, (repo / link).parent)
    (repo / link).symlink_to(text, target_is_directory=True)
    before = _everything(tmp_path)
    assert run("init", str(repo)) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{repo}/{link}: a symbolic link to {text}, outside the folder init writes in; "
        "init never writes through it (nothing was written)",
        "pluvo-codegen: 1 problem found",
    ]
    assert captured.out == ""
    assert _everything(tmp_path) == before


def test_init_names_every_link_that_leaves_and_one_to_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An absolute link out, and a link to nothing: both named, nothing written anywhere."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (repo / "schema").symlink_to(outside, target_is_directory=True)
    (repo / "queries").symlink_to("../nowhere", target_is_directory=True)
    before = _everything(tmp_path)
    assert run("init", str(repo)) == 2
    err = capsys.readouterr().err
    assert f"{repo}/schema: a symbolic link to {outside}, outside the folder init writes in" in err
    assert f"{repo}/queries: a symbolic link to ../nowhere, which does not exist" in err
    assert "2 problems found" in err
    assert _everything(tmp_path) == before


def test_init_follows_a_folder_link_that_stays_inside_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link within DIR writes nothing outside: `schema -> api/schema` is a layout, not a
    danger. Reached through a link to DIR itself, too."""
    repo = tmp_path / "repo"
    (repo / "api" / "schema").mkdir(parents=True)
    (repo / "schema").symlink_to("api/schema", target_is_directory=True)
    (tmp_path / "alias").symlink_to("repo", target_is_directory=True)
    assert run("init", str(tmp_path / "alias")) == 0
    assert (repo / "api" / "schema" / "pluvo.graphql").is_file()
    assert (repo / "schema").is_symlink()
    monkeypatch.chdir(repo)
    assert run("check") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alias", "repo"]
