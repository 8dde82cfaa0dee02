"""Every relative link in README.md and docs/*.md resolves: file and heading anchor exist.

No Markdown parser is a dependency, so links are found with regular expressions over the
text outside fenced code blocks and code spans: inline links and images `[text](target)`
and reference definitions `[label]: target`. Anchors are compared with heading slugs as
GitHub computes them (github-slugger): the heading's text, lowercased, with every character
but letters, digits, spaces, `-` and `_` removed, each space turned into `-`, and a
repeated slug suffixed `-1`, `-2`, ... Absolute `scheme:` links are not fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

import pytest

REPO = Path(__file__).resolve().parent.parent

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^()\s]*)(?:\s+[^)]*)?\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.MULTILINE)
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class Link(NamedTuple):
    """A link as written: where it is, and its target."""

    line: int
    col: int
    target: str


def _blank_fenced_code(text: str) -> str:
    """The text with every line of a fenced code block blanked, so positions stay put."""
    lines = text.split("\n")
    fence: str | None = None
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
                lines[index] = ""
        else:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            lines[index] = ""
    return "\n".join(lines)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _prose(text: str) -> str:
    """The text without code: fenced blocks and code spans blanked (newlines kept)."""
    return _CODE_SPAN.sub(_blank, _blank_fenced_code(text))


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def find_links(text: str) -> list[Link]:
    """Every inline link, image and reference definition outside code, in order."""
    prose = _prose(text)
    found = []
    for pattern in (_INLINE_LINK, _REFERENCE):
        for match in pattern.finditer(prose):
            target = match.group(1)
            if target.startswith("<") and target.endswith(">"):
                target = target[1:-1]
            found.append(Link(*_position(prose, match.start()), target))
    return sorted(found)


def _heading_texts(text: str) -> Iterator[str]:
    """The raw text of every ATX and setext heading outside fenced code."""
    lines = _blank_fenced_code(text).split("\n")
    for index, line in enumerate(lines):
        atx = _ATX.match(line)
        if atx:
            yield atx.group(2) or ""
            continue
        previous = lines[index - 1] if index else ""
        if (
            _SETEXT.match(line)
            and previous.strip()
            and not _ATX.match(previous)
            and not _SETEXT.match(previous)
        ):
            yield previous.strip()


def _plain(heading: str) -> str:
    """A heading's rendered text: code, links, images and HTML tags reduced to their text."""
    heading = _CODE_SPAN.sub(lambda m: m.group(2).strip(), heading)
    heading = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    return re.sub(r"<[^>]+>", "", heading)


def slug(heading: str) -> str:
    """GitHub's slug of one heading, before duplicates are numbered."""
    return re.sub(r"[^\w\- ]", "", _plain(heading).lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading anchor of a page, duplicates numbered as github-slugger numbers them."""
    occurrences: dict[str, int] = {}
    for heading in _heading_texts(text):
        original = result = slug(heading)
        while result in occurrences:
            occurrences[original] += 1
            result = f"{original}-{occurrences[original]}"
        occurrences[result] = 0
    return set(occurrences)


def check_links(pages: list[Path], root: Path) -> list[str]:
    """Each broken relative link in `pages`, as `path:line:col: message`."""
    problems = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(root).as_posix()
        for link in find_links(text):
            problem = _check_target(page, link.target, text, root)
            if problem:
                problems.append(f"{where}:{link.line}:{link.col}: {problem}")
    return problems


def _check_target(page: Path, target: str, text: str, root: Path) -> str | None:
    if not target:
        return "empty link target"
    if _SCHEME.match(target) or target.startswith("//"):
        return None  # absolute: never fetched
    path_part, _, fragment = target.partition("#")
    path_part, fragment = unquote(path_part.split("?")[0]), unquote(fragment)
    if path_part:
        base = root if path_part.startswith("/") else page.parent
        resolved = (base / path_part.lstrip("/")).resolve()
        if not resolved.is_relative_to(root.resolve()):
            return f"{target} points outside the repository"
        if not resolved.exists():
            return f"{target}: {path_part} does not exist"
        if resolved.suffix.lower() != ".md" or resolved.is_dir():
            return None  # anchors into other files (line numbers) are GitHub's to resolve
        text = resolved.read_text(encoding="utf-8")
    if fragment and fragment not in anchors(text):
        return f"{target}: no heading with the anchor #{fragment}"
    return None


def documentation() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def test_every_relative_link_in_the_readme_and_docs_resolves() -> None:
    assert check_links(documentation(), REPO) == []


def test_the_readme_links_every_docs_page() -> None:
    linked = {
        (REPO / link.target.partition("#")[0]).resolve()
        for link in find_links((REPO / "README.md").read_text(encoding="utf-8"))
    }
    assert [p.name for p in sorted((REPO / "docs").glob("*.md")) if p not in linked] == []


def test_docs_pages_named_in_code_and_tests_exist() -> None:
    """`see docs/x.md#anchor` in a docstring, help text or comment names a real page and heading."""
    mention = re.compile(r"\bdocs/[\w.-]+\.md(?:#[\w-]+)?")
    sources = [
        *sorted(REPO.glob("codegen/**/*.py")),
        *sorted(REPO.glob("tests/**/*.py")),
        *sorted(REPO.glob("benchmarks/*.py")),
        REPO / "noxfile.py",
        REPO / "pyproject.toml",
    ]
    # Not references: a file that a test writes into a scratch project.
    scratch = {("tests/test_generate_safety.py", "docs/notes.md")}
    problems, seen = [], 0
    for source in sources:
        if source == Path(__file__).resolve():
            continue  # its own examples are broken on purpose
        text = source.read_text(encoding="utf-8")
        for match in mention.finditer(text):
            if (source.relative_to(REPO).as_posix(), match.group(0)) in scratch:
                continue
            seen += 1
            problem = _check_target(REPO / "README.md", match.group(0), "", REPO)
            if problem:
                line, col = _position(text, match.start())
                problems.append(f"{source.relative_to(REPO)}:{line}:{col}: {problem}")
    assert seen > 0
    assert problems == []


def test_a_broken_file_link_and_a_broken_anchor_are_both_reported(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text(
        "# Other page\n\n## Setup\n\n## Setup\n\nSee `x`\n---\n", encoding="utf-8"
    )
    (tmp_path / "README.md").write_text(
        "# Front page\n"
        "\n"
        "Good: [other](docs/other.md), [setup](docs/other.md#setup),\n"
        "[the second setup](docs/other.md#setup-1), [top](#front-page),\n"
        "[setext](docs/other.md#see-x), [site](https://example.org/missing.md).\n"
        "Broken: [gone](docs/missing.md) and [anchor](docs/other.md#install).\n"
        "Here: [self](#no-such-heading), [third setup](docs/other.md#setup-2).\n"
        "Outside: [up](../elsewhere.md)\n"
        "\n"
        "```markdown\n"
        "[ignored in a fence](nowhere.md)\n"
        "```\n"
        "Also ignored: `[in a span](nowhere.md)`.\n"
        "\n"
        "[ref]: docs/absent.md#x\n",
        encoding="utf-8",
    )
    assert check_links([tmp_path / "README.md"], tmp_path) == [
        "README.md:6:9: docs/missing.md: docs/missing.md does not exist",
        "README.md:6:37: docs/other.md#install: no heading with the anchor #install",
        "README.md:7:7: #no-such-heading: no heading with the anchor #no-such-heading",
        "README.md:7:33: docs/other.md#setup-2: no heading with the anchor #setup-2",
        "README.md:8:10: ../elsewhere.md points outside the repository",
        "README.md:15:1: docs/absent.md#x: docs/absent.md does not exist",
    ]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Parity with graphql-inspector", "parity-with-graphql-inspector"),
        ("`.ci/run`", "cirun"),
        ("Speed and `--jobs`", "speed-and---jobs"),
        ("Property → document", "property--document"),
        ("Which rules: documents, groups and `--only`", "which-rules-documents-groups-and---only"),
        ("`pluvo-codegen init`", "pluvo-codegen-init"),
        ("snake_case stays, Ünïcode too", "snake_case-stays-ünïcode-too"),
        ("A [linked](x.md) heading", "a-linked-heading"),
    ],
)
def test_heading_slugs_are_githubs(heading: str, expected: str) -> None:
    assert slug(heading) == expected


def test_repeated_headings_are_numbered_and_a_numbered_heading_is_skipped() -> None:
    text = "# a\n## a\n### a-1\n## a\n"
    # github-slugger: a, a-1, then "a-1" again becomes a-1-1, then a-2.
    assert anchors(text) == {"a", "a-1", "a-1-1", "a-2"}
