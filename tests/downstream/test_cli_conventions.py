"""Everyday conventions: --help, --version, --config everywhere, colour, generate's count."""

from __future__ import annotations

import collections.abc
import io
import re
import subprocess
import sys
import typing
from importlib import metadata
from pathlib import Path
from uuid import UUID

import pytest

from codegen.generate import describe_changes
from codegen.style import color_enabled
from conftest import Project, all_commands

from .conftest import REPO, run

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_every_command_help_lists_its_own_exit_codes() -> None:
    for name, sub in all_commands().items():
        text = sub.format_help()
        assert "exit codes" in text, name
        codes = re.findall(r"^  ([0-9])  ", text.split("exit codes", 1)[1], re.MULTILINE)
        assert codes and codes[0] == "0", name
    helps = {name: sub.format_help() for name, sub in all_commands().items()}
    # validate and generate cannot find drift: their help does not offer exit 1.
    for name in ("validate", "generate", "init", "pull"):
        assert not re.search(r"^  1  ", helps[name], re.MULTILINE), name
    for name in ("check", "verify", "diff", "contract"):
        assert re.search(r"^  1  ", helps[name], re.MULTILINE), name


def test_every_option_of_every_command_has_help_with_its_default() -> None:
    missing = []
    for name, sub in all_commands().items():
        formatter = sub._get_formatter()
        for action in sub._actions:
            if not action.option_strings or action.dest == "help":
                continue
            text = formatter._expand_help(action) if action.help else ""
            if not text or ("default" not in text and not action.required):
                missing.append(f"{name} {action.option_strings[0]}: {text!r}")
    assert not missing, "\n".join(missing)


def test_init_config_help_names_the_file_init_writes_not_the_nearest_one() -> None:
    commands = all_commands()
    for name, default in (("init", "DIR/pyproject.toml"), ("check", "the nearest pyproject.toml")):
        (config,) = [a for a in commands[name]._actions if a.dest == "config"]
        assert f"(default: {default})" in str(config.help), name


def test_every_command_takes_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    positional = {
        "diff": ["a", "b"],
        "pull": ["--url", "http://127.0.0.1:9/"],
        "webhooks check": ["--url", "http://127.0.0.1:9/"],
        "webhooks trigger": ["EVENT", "--url", "http://127.0.0.1:9/"],
    }
    for name, sub in all_commands().items():
        if name == "webhooks":  # a group: its commands are checked one by one
            continue
        args = sub.parse_args([*positional.get(name, []), "--config", "x.toml"])
        assert args.config == Path("x.toml"), name
    # pull used to refuse it; now a broken config is exit 2 before any request.
    assert run("pull", "--url", "http://127.0.0.1:9/", "--config", str(tmp_path / "no.toml")) == 2
    assert "no such config file" in capsys.readouterr().err


def test_version_prints_ours_and_the_pinned_tools(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run("--version")
    assert exit_info.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{name} {metadata.version(name)}"
        for name in ("pluvo-codegen", "ariadne-codegen", "graphql-core", "ruff")
    ]
    requirements = metadata.requires("pluvo-codegen") or []
    for name, version in zip(lines[1:], ("ariadne-codegen", "graphql-core", "ruff"), strict=True):
        assert f"{version}=={name.split()[1]}" in requirements


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("mode", "environ", "tty", "expected"),
    [
        ("auto", {}, True, True),
        ("auto", {}, False, False),
        ("auto", {"NO_COLOR": "1"}, True, False),
        ("auto", {"NO_COLOR": ""}, True, True),  # empty means unset, as no-color.org says
        ("auto", {"TERM": "dumb"}, True, False),
        ("always", {"NO_COLOR": "1"}, False, True),
        ("never", {}, True, False),
    ],
)
def test_colour_follows_the_terminal_no_color_and_the_flag(
    mode: str, environ: dict[str, str], tty: bool, expected: bool
) -> None:
    stream = _Terminal() if tty else io.StringIO()
    assert color_enabled(stream, mode, environ) is expected


def test_color_always_and_never_on_the_command_line(
    vendored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vendored / "extra.py").write_text("", encoding="utf-8")
    assert run("verify", str(vendored), "--color", "always") == 1
    coloured = capsys.readouterr()
    assert ANSI.search(coloured.out) and ANSI.search(coloured.err)
    assert run("verify", str(vendored)) == 1  # piped: no colour
    plain = capsys.readouterr()
    assert not ANSI.search(plain.out + plain.err)
    assert ANSI.sub("", coloured.out) == plain.out


def test_no_color_in_a_real_terminal(vendored: Path) -> None:
    """A pseudo-terminal: colour by default, none with NO_COLOR."""
    import os
    import pty

    def read(env: dict[str, str]) -> str:
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "codegen", "verify", str(vendored)],
            stdout=follower,
            stderr=follower,
            env={**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", **env},
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=30)
        os.close(leader)
        return b"".join(chunks).decode()

    (vendored / "extra.py").write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert ANSI.search(read({**env}))
    assert not ANSI.search(read({"NO_COLOR": "1"}))


def test_generate_counts_the_files_it_changed(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert project.run("generate") == 0
    files = sum(1 for path in project.package.rglob("*") if path.is_file())
    assert f"up to date, nothing written ({files} files)" in capsys.readouterr().out
    query = project.root / "queries" / "portfolio_items.graphql"
    query.write_text(query.read_text(encoding="utf-8").replace("title", "title\n    id", 1))
    assert project.run("generate") == 0
    # The operation's module, both clients and the manifest.
    assert f"4 files changed (4 updated; {files} files in all)" in capsys.readouterr().out


def test_describe_changes_counts_added_updated_and_removed() -> None:
    before = {"a": b"1", "b": b"2", "c": b"3"}
    after = {"a": b"1", "b": b"x", "d": b"4"}
    assert (
        describe_changes(before, after)
        == "3 files changed (1 added, 1 updated, 1 removed; 3 files in all)"
    )


def test_uuid_arguments_are_annotated_as_accepting_strings() -> None:
    from pluvo_client import AsyncClient, Client

    for client in (Client, AsyncClient):
        hints = typing.get_type_hints(client.portfolio_items)
        assert {UUID, str} <= set(typing.get_args(hints["user_id"]))
        hints = typing.get_type_hints(client.generate_certificate)
        assert hints["id"] == UUID | str
        assert hints["user_ids"] == collections.abc.Sequence[UUID | str]
        hints = typing.get_type_hints(client.issue_certificate)
        assert hints["user_ids"] == collections.abc.Iterable[UUID | str]


def test_strings_and_uuids_for_one_user_are_issued_once() -> None:
    from pluvo_client.bulk import make_batches
    from pluvo_client.scalars import serialize_uuid

    user = UUID("12345678-1234-5678-1234-567812345678")
    assert make_batches([str(user), user, str(user).upper()], 10) == [[user]]
    with pytest.raises(ValueError):
        make_batches(["not-a-uuid"], 10)
    assert serialize_uuid((user, str(user).upper())) == [str(user), str(user)]


def test_two_relay_operations_with_one_iterator_name_are_refused_naming_both_files(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = (project.root / "queries" / "list_certificates.graphql").read_text(encoding="utf-8")
    project.write(
        "queries/get_certificates.graphql", listing.replace("ListCertificates", "GetCertificates")
    )
    before = project.snapshot()
    assert project.run("validate") == 2
    err = capsys.readouterr().err
    (line,) = [line for line in err.splitlines() if "iter_certificates()" in line]
    assert line.startswith("queries/list_certificates.graphql:2:7: ")
    assert line.endswith("(see also queries/get_certificates.graphql:2:7)")
    assert project.run("generate") == 2
    assert project.snapshot() == before


def test_an_iterator_named_like_another_operations_method_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write(
        "queries/iter_certificates.graphql", "query IterCertificates { certificates { count } }\n"
    )
    assert project.run("validate") == 2
    err = capsys.readouterr().err
    assert "the method of operation 'IterCertificates'" in err
    assert "queries/iter_certificates.graphql:1:7" in err


BULK = """\
mutation {name}($userIds: [UUID!]!) {{
  generateCertificate(id: "00000000-0000-0000-0000-000000000001", userIds: $userIds) {{
    bulkGenerate {{ succeededIds failedIds }}
  }}
}}
"""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"queries/execute.graphql": "query Execute { certificates { count } }\n"},
            "queries/execute.graphql:1:7: Operation 'Execute' would get the method execute(), "
            "which the base client AsyncBaseClient (or its sync twin) defines and uses; rename "
            "the operation.",
        ),
        (
            {"queries/close.graphql": "query Close { certificates { count } }\n"},
            "Operation 'Close' would get the method close(), which the base client",
        ),
        (
            {"queries/issue.graphql": "query IssueCertificate { certificates { count } }\n"},
            "Operation 'GenerateCertificate' would get the bulk method issue_certificate(), "
            "which is also the method of operation 'IssueCertificate'",
        ),
        (
            {"queries/bulk.graphql": BULK.format(name="Certificate")},
            "would get the bulk method issue_certificate(), which is also the bulk method of "
            "operation",
        ),
    ],
    ids=["execute", "close", "issue-query", "two-bulk"],
)
def test_an_operation_whose_method_would_replace_another_client_method_is_refused(
    project: Project, capsys: pytest.CaptureFixture[str], files: dict[str, str], expected: str
) -> None:
    """The second method of one name would silently replace the first (or the base's)."""
    for name, text in files.items():
        project.write(name, text)
    before = project.snapshot()
    assert project.run("validate") == 2
    assert expected in capsys.readouterr().err
    assert project.run("generate") == 2
    assert project.snapshot() == before


def test_check_and_diff_colour_only_when_asked_or_on_a_terminal(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    client = project.package / "client.py"
    client.write_text(client.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert project.run("check", "--color", "always") == 1
    coloured = capsys.readouterr().out
    assert project.run("check") == 1
    plain = capsys.readouterr().out
    assert ANSI.search(coloured) and not ANSI.search(plain)
    assert ANSI.sub("", coloured) == plain
    schema = project.root / "schema" / "pluvo.graphql"
    new = project.write("new.graphql", schema.read_text().replace("  title: String\n", "", 1))
    assert project.run("diff", str(schema), str(new), "--color", "always") == 1
    assert "\x1b[31;1mBREAKING\x1b[0m" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["init", "verify", "pull", "diff", "webhooks"])
@pytest.mark.parametrize("timeout", ["0", "-1", "nan", "inf", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, timeout: str
) -> None:
    url = "http://127.0.0.1:9/"
    argv = {
        "init": ["init", str(tmp_path / "x"), "--url", url],
        "verify": ["verify", str(tmp_path / "x"), "--schema", url],
        "pull": ["pull", "--url", url],
        "diff": ["diff", url, url],
        "webhooks": ["webhooks", "check", "--url", url, "--secret", "s"],
    }[command]
    with pytest.raises(SystemExit) as exit_:
        run(*argv, "--timeout", timeout)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --timeout:" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_every_command_runs_a_run_function_of_a_command_module() -> None:
    """`pluvo-codegen webhooks check` runs `run_webhooks_check` in a room's `command.py`.

    So a newcomer finds any command's code from its name: cli.py for the generator's own
    commands, else `codegen/<room>/command.py`, whose `add_<room>_parser(s)` cli.py calls.
    """
    handlers = {}
    for name, parser in all_commands().items():
        handler = parser.get_default("command")
        if handler is not None:
            handlers[name] = f"{handler.__module__}.{handler.__name__}"
    assert len(handlers) >= 12
    wrong = {
        name: where
        for name, where in handlers.items()
        if not where.endswith(".run_" + name.replace(" ", "_"))
        or not where.rpartition(".")[0].endswith(("codegen.cli", ".command"))
    }
    assert wrong == {}


def test_every_failure_line_has_the_same_prefix_red_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`complain` is how cli.py and every room's command state a failure."""
    from codegen.style import complain, set_mode, warn

    set_mode("always")
    try:
        complain("it broke")
    finally:
        set_mode("auto")
    assert capsys.readouterr().err == "\x1b[31;1mpluvo-codegen:\x1b[0m it broke\n"
    complain("it broke")  # stderr is not a terminal here
    assert capsys.readouterr().err == "pluvo-codegen: it broke\n"
    warn("mind this")
    assert capsys.readouterr().err == "pluvo-codegen: warning: mind this\n"
    # style.py is the one place that writes the prefix; the runtime never speaks as the tool.
    sources = [
        p
        for p in (REPO / "codegen").rglob("*.py")
        if "runtime" not in p.parts and p != REPO / "codegen" / "style.py"
    ]
    by_hand = [
        f"{p.relative_to(REPO)}" for p in sources if '"pluvo-codegen: ' in p.read_text("utf-8")
    ]
    assert by_hand == []
