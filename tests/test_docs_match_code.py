"""The docs name only what the code has: flags, environment variables, module paths.

- Each `pluvo-codegen COMMAND ...` written in README.md or docs/*.md (in a code block,
  continuation lines included, or in a code span) uses only options that COMMAND's
  parser has.
- Every `--flag` anywhere in the docs is an option of some command, an option that a
  script of this repository defines (benchmarks, test servers, the noxfile), or one of
  a few other tools' options listed here by tool.
- Every `PLUVO_*` variable the docs name is read by the code, and every one the tool
  reads is documented.
- Every `codegen/...`, `tests/...` or `benchmarks/...` path and `codegen.x.y` name in a
  code span exists.
- The README stays a front page, and its quickstart is exactly what `.ci/run` runs.

Defaults stated in prose are not parsed: each option's help states its default
(test_cli_conventions), and the pages quote the help.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

from test_docs_links import _CODE_SPAN, _FENCE, REPO, _blank_fenced_code, documentation

from codegen.cli import build_parser
from conftest import all_commands

# Options of other tools the docs mention, by tool; a flag of ours never belongs here.
OTHER_TOOLS = {
    "--no-deps": "pip wheel",
    "--group": "pip install",
    "--check": "ruff format",
    "--durations": "pytest",
    "--end-of-options": "git show",
    "--output": "git (an example of what a git: revision must not inject)",
}

_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
_INVOCATION = re.compile(r"(?<![\w./-])pluvo-codegen((?:[ \t]+[^\s]+)*)")
_COMMAND_END = re.compile(r"\s(?:#|&&|&|;)(?:\s|$)|\s&$")
_PLACEHOLDER = re.compile(r"^[A-Z_]+$")


def _position(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _fenced(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each fenced code block: the number of its first line, and its lines."""
    lines = text.split("\n")
    fence: str | None = None
    start, block = 0, list[str]()
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence, start, block = match.group(1), index + 2, []
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            fence = None
            yield start, block
        else:
            block.append(line)


def invocations(text: str) -> Iterator[tuple[int, str]]:
    """Each `pluvo-codegen ...` written in `text`, as (line, the words after it).

    In a code block that is a transcript (some lines start with `$ `), only those lines
    are commands: the rest is output. A code span counts when it starts with the command.
    """
    for start, block in _fenced(text):
        transcript = any(line.startswith("$ ") for line in block)
        index = 0
        while index < len(block):
            line, first = block[index], index
            if transcript and not line.startswith("$ "):
                index += 1
                continue
            # A command continues on the next line after a `\`, or on an indented
            # synopsis line that starts with an option (`[--seed S]`, `--only X`).
            while index + 1 < len(block) and (
                line.rstrip().endswith("\\")
                or (
                    block[index + 1].lstrip().startswith(("[--", "--"))
                    and "pluvo-codegen" in block[first]
                )
            ):
                index += 1
                line = line.rstrip().removesuffix("\\") + " " + block[index].strip()
            for match in _INVOCATION.finditer(line):
                yield start + first, match.group(1)
            index += 1
    outside = _blank_fenced_code(text)
    for span in _CODE_SPAN.finditer(outside):
        content = " ".join(span.group(2).split())
        command = _INVOCATION.match(content)
        if command:
            yield _position(outside, span.start()), command.group(1)


def _command_of(
    words: list[str], commands: dict[str, argparse.ArgumentParser]
) -> tuple[str, argparse.ArgumentParser] | None:
    """The longest command the words start with (`webhooks check` before `webhooks`)."""
    for length in (2, 1):
        name = " ".join(words[:length])
        if len(words) >= length and name in commands:
            return name, commands[name]
    return None


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in parser._actions for flag in action.option_strings}


def check_invocations(path: str, text: str) -> list[str]:
    """`path:line: ...` for each command or option the text names and the CLI lacks."""
    commands = all_commands()
    root = build_parser()
    problems = []
    for line, written in invocations(text):
        command_text = _COMMAND_END.split(written, maxsplit=1)[0]
        words = command_text.split()
        if not words or words[0].lstrip("[").startswith("-"):
            name, parser = "pluvo-codegen", root
        elif _PLACEHOLDER.match(words[0].strip("`[]")):
            continue  # `pluvo-codegen COMMAND --help`: a placeholder, not a command
        else:
            found = _command_of(words, commands)
            if found is None:
                problems.append(f"{path}:{line}: pluvo-codegen {words[0]}: no such command")
                continue
            name, parser = found
        known = _options(parser)
        for flag in _FLAG.findall(command_text):
            if flag not in known:
                problems.append(f"{path}:{line}: pluvo-codegen {name} has no option {flag}")
    return problems


def _script_options() -> set[str]:
    """The options this repository's own scripts define (`"--rounds"` in their source)."""
    scripts = [
        *REPO.glob("benchmarks/*.py"),
        *REPO.glob("tests/**/*.py"),
        REPO / "noxfile.py",
    ]
    here = Path(__file__).resolve()
    found: set[str] = set()
    for script in scripts:
        if script.resolve() != here:
            found.update(re.findall(r"[\"'](--[a-z][a-z0-9-]*)[\"']", script.read_text("utf-8")))
    return found


def check_flags_exist(path: str, text: str, ours: set[str], scripts: set[str]) -> list[str]:
    """`path:line: ...` for each `--flag` that no command, script or listed tool has."""
    problems = []
    for match in _FLAG.finditer(text):
        flag = match.group(0)
        if flag not in ours and flag not in scripts and flag not in OTHER_TOOLS:
            problems.append(f"{path}:{_position(text, match.start())}: {flag} is no option")
    return problems


def _pages() -> list[tuple[str, str]]:
    return [(p.relative_to(REPO).as_posix(), p.read_text("utf-8")) for p in documentation()]


def test_every_command_line_in_the_docs_uses_only_options_the_command_has() -> None:
    problems, seen = [], 0
    for path, text in _pages():
        seen += sum(1 for _ in invocations(text))
        problems += check_invocations(path, text)
    assert seen > 30  # the pages show many command lines; none was missed wholesale
    assert problems == []


def test_every_flag_in_the_docs_exists_somewhere() -> None:
    ours = set().union(*(_options(p) for p in all_commands().values()), _options(build_parser()))
    assert not ours & set(OTHER_TOOLS), "a flag of ours is listed as another tool's"
    scripts = _script_options()
    problems = []
    for path, text in _pages():
        problems += check_flags_exist(path, text, ours, scripts)
    assert problems == []


def test_a_wrong_option_a_misplaced_one_and_an_unknown_command_are_reported() -> None:
    page = "\n".join(
        [
            "Run `pluvo-codegen pull --url URL --bogus` first.",  # line 1
            "```sh",
            "pluvo-codegen webhooks listen --secret S \\",  # line 3
            "    --server http://127.0.0.1:8000/",
            "pluvo-codegen contract [--url URL]",  # line 5
            "                       [--max-exampels N]",
            "pluvo-codegen serve --port 0 &  # then: nox -s serve -- --rounds 3",  # line 7
            "pluvo-codegen frobnicate --url U",  # line 8
            "```",
            "`pluvo-codegen --version`, `pluvo-codegen COMMAND --help`, `pluvo-codegen --nope`",
        ]
    )
    assert check_invocations("page.md", page) == [
        "page.md:3: pluvo-codegen webhooks listen has no option --server",
        "page.md:5: pluvo-codegen contract has no option --max-exampels",
        "page.md:8: pluvo-codegen frobnicate: no such command",
        "page.md:1: pluvo-codegen pull has no option --bogus",
        "page.md:10: pluvo-codegen pluvo-codegen has no option --nope",
    ]
    assert check_flags_exist("page.md", "`--rounds 3`, `--no-deps`, `--frob`", set(), {"--rounds"})
    assert check_flags_exist("page.md", "x\n`--frob`", set(), set()) == [
        "page.md:2: --frob is no option"
    ]


def test_every_environment_variable_the_docs_name_is_read_and_every_one_read_is_documented() -> (
    None
):
    docs = "\n".join(text for _, text in _pages())
    named = set(re.findall(r"\bPLUVO_[A-Z_]+\b", docs)) | {"NO_COLOR"} & set(docs.split())
    sources = [*REPO.glob("codegen/**/*.py"), *REPO.glob("tests/**/*.py"), REPO / "noxfile.py"]
    code = "\n".join(p.read_text("utf-8") for p in sources)
    unread = sorted(v for v in named if f'"{v}"' not in code)
    assert unread == []
    tool = "\n".join(p.read_text("utf-8") for p in REPO.glob("codegen/**/*.py"))
    read_by_tool = set(re.findall(r"\"(PLUVO_[A-Z_]+)\"", tool))
    assert read_by_tool, "the tool reads PLUVO_TOKEN at least"
    assert sorted(read_by_tool - named) == []


def test_every_module_path_and_dotted_name_the_docs_name_exists() -> None:
    path_like = re.compile(r"^(?:codegen|tests|benchmarks)/[\w/.-]*[\w/]$")
    dotted = re.compile(r"^codegen(?:\.\w+)+$")
    problems, seen = [], 0
    for path, text in _pages():
        outside = _blank_fenced_code(text)
        for span in _CODE_SPAN.finditer(outside):
            name = span.group(2).strip()
            line = _position(outside, span.start())
            if path_like.match(name):
                seen += 1
                if not (REPO / name).exists():
                    problems.append(f"{path}:{line}: {name} does not exist")
            elif dotted.match(name):
                seen += 1
                if not _resolves(name):
                    problems.append(f"{path}:{line}: {name} cannot be imported")
    assert seen > 20
    assert problems == []


def _resolves(dotted: str) -> bool:
    """`codegen.a.b` is a module, or an attribute of the longest module it starts with."""
    parts = dotted.split(".")
    value: object = importlib.import_module(parts[0])
    for index in range(1, len(parts)):
        name = ".".join(parts[: index + 1])
        if hasattr(value, "__path__") and importlib.util.find_spec(name) is not None:
            value = importlib.import_module(name)
        elif hasattr(value, parts[index]):
            value = getattr(value, parts[index])
        else:
            return False
    return True


def test_the_readme_is_a_front_page_with_the_quickstart_ci_runs() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert len(readme.splitlines()) <= 200
    section = readme.split("\n## Quickstart\n", 1)[1]
    (block,) = [lines for _, lines in _fenced(section)][:1]
    quickstart = [line for line in block if line.strip()]
    assert len(quickstart) == 2
    ci = [line.strip() for line in (REPO / ".ci/run").read_text("utf-8").splitlines()]
    assert [line for line in quickstart if line not in ci] == []
