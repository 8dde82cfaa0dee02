"""Detection per seed: on how many seeds does the kit catch each boundary bug?

    python benchmarks/bench_seeds.py [--seeds N] [--baseline PATH] [BUG ...]

For each bug (default: the four of `tests/contract/broken_server.py` PAGE_BUGS), one
broken server is started and the kit runs against it once per seed, at its default
50 examples, with the pagination properties. `--baseline PATH` runs another checkout's
kit against the same server (for example the kit before boundary cases:
`git worktree add /tmp/before REV`); the properties it does not know are left out.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from contract.broken_server import PAGE_BUGS  # noqa: E402
from contract.launch import Served, serve  # noqa: E402

PROPERTIES = (
    "pages_never_exceed_their_size",
    "has_next_page_tells_the_truth",
    "has_previous_page_tells_the_truth",
    "after_returns_the_following_nodes",
    "before_returns_the_preceding_nodes",
    "first_and_last_together_follow_the_algorithm",
)


def caught(tree: Path, served: Served, seed: int) -> bool:
    """True when the kit in `tree` reports a violation on this seed."""
    known = _known_properties(tree)
    chosen = [o for name in PROPERTIES if name in known for o in ("--property", name)]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PLUVO_")}
    environment["PYTHONPATH"] = str(tree)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "codegen",
            "contract",
            *("--config", str(tree / "pyproject.toml"), "--url", served.url),
            *("--token", served.token, "--seed", str(seed), "--format", "json", *chosen),
        ],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"the kit in {tree} failed (exit {done.returncode}):\n{done.stderr}")
    report = json.loads(done.stdout)
    return any(p["status"] == "violated" for p in report["properties"])


def _known_properties(tree: Path) -> set[str]:
    text = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (tree / "codegen" / "contract" / "properties").glob("*.py")
    )
    return {name for name in PROPERTIES if f"def {name}(" in text}


def main() -> int:
    """Print, per bug and kit, the seeds on which the bug was caught."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bugs", nargs="*", default=sorted(PAGE_BUGS))
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--baseline", type=Path)
    args = parser.parse_args()
    trees = [REPO, *([args.baseline] if args.baseline else [])]
    for bug in args.bugs:
        with tempfile.TemporaryDirectory() as folder, serve(Path(folder), bug) as served:
            for tree in trees:
                seeds = [s for s in range(args.seeds) if caught(tree, served, s)]
                name = "this tree" if tree == REPO else f"baseline {tree}"
                print(f"{bug}: {name} caught it on {len(seeds)}/{args.seeds} seeds {seeds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
