"""Record graphql-inspector's answers, once, for the parity tests (which never run node).

Writes, under tests/evolution/data/:

- `inspector-github.json`: its changes on the two GitHub schema pairs in
  ../shared/data/github/ (the breaking pair and the additive pair);
- `inspector-cases.json`: its changes on every small pair in tests/evolution/cases.py.

Run it after changing the cases, with graphql-inspector installed outside the
repository (`npm install @graphql-inspector/cli graphql` in any folder):

    python benchmarks/record_inspector.py \
        --inspector /tmp/inspector/node_modules/.bin/graphql-inspector
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "tests" / "evolution" / "data"
GITHUB = REPO_ROOT.parent / "shared" / "data" / "github"
GITHUB_PAIRS = {
    "breaking": ("schema-bbcdd33.graphql", "schema-2465a14.graphql"),
    "additive": ("schema-8d8d6f1.graphql", "schema-503d8f1.graphql"),
}

sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "tests")]
from evolution.cases import CASES  # noqa: E402

from benchmarks.inspector import InspectorError, find_inspector, inspector_changes  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    """Run graphql-inspector on every pair and write the two JSON files."""
    parser = argparse.ArgumentParser(prog="record_inspector.py", description=__doc__)
    parser.add_argument("--inspector", type=Path, metavar="PATH", help="graphql-inspector binary")
    parser.add_argument("--github-dir", type=Path, default=GITHUB, metavar="DIR")
    args = parser.parse_args(argv)
    inspector = find_inspector(args.inspector)
    if inspector is None:
        print(
            "record_inspector: graphql-inspector not found; pass --inspector PATH", file=sys.stderr
        )
        return 1
    try:
        version = _version(inspector)
        github = {
            name: _sorted(
                inspector_changes(inspector, args.github_dir / old, args.github_dir / new)
            )
            for name, (old, new) in GITHUB_PAIRS.items()
        }
        cases: dict[str, Any] = {}
        with tempfile.TemporaryDirectory(prefix="record-inspector-") as folder:
            for case in CASES:
                old = Path(folder) / f"{case.name}.old.graphql"
                new = Path(folder) / f"{case.name}.new.graphql"
                old.write_text(case.old, encoding="utf-8")
                new.write_text(case.new, encoding="utf-8")
                cases[case.name] = _sorted(inspector_changes(inspector, old, new))
    except InspectorError as exc:
        print(f"record_inspector: {exc}", file=sys.stderr)
        return 1
    DATA.mkdir(parents=True, exist_ok=True)
    for name, pairs in (("inspector-github.json", github), ("inspector-cases.json", cases)):
        payload = {"graphql_inspector": version, "pairs": pairs}
        (DATA / name).write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"wrote {DATA / name}")
    return 0


def _version(inspector: Path) -> str:
    """The version in @graphql-inspector/cli's package.json (its --version says "unknown")."""
    for folder in inspector.resolve().parents:
        package = folder / "package.json"
        if package.is_file():
            data = json.loads(package.read_text(encoding="utf-8"))
            if data.get("name") == "@graphql-inspector/cli":
                return str(data.get("version", "unknown"))
    return "unknown"


def _sorted(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(changes, key=lambda c: (c["level"], c["path"] or "", c["type"], c["message"]))


if __name__ == "__main__":
    sys.exit(main())
