"""Time the steps of reading a large SDL schema: the fast reader against graphql-core's.

On GitHub's public schema (about 1 MB, ../shared/data/github/schema-bbcdd33.graphql),
in one process, each step `--rounds` times, reporting the median in seconds:

- `read_sdl`: the fast reader, SDL straight into the diff's model (what `diff` does);
- `parse`: graphql-core's parser (what the fast reader spares);
- `validate_sdl`, `build_ast_schema`, `validate_schema`: the rest of graphql-core's
  path, which `diff` runs (without `validate_sdl`, done already) only when an
  operation has to be validated against the schema.

    python benchmarks/bench_read.py [--rounds N] [--schema PATH]
    python3 -m nox -s bench_read
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCHEMA = REPO_ROOT.parent / "shared" / "data" / "github" / "schema-bbcdd33.graphql"
sys.path.insert(0, str(REPO_ROOT))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the median time of each step."""
    from graphql import build_ast_schema, parse, validate_schema
    from graphql.validation.validate import validate_sdl

    from codegen.evolution.read_sdl import read_sdl

    parser = argparse.ArgumentParser(prog="bench_read.py", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, metavar="N")
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA, metavar="PATH")
    args = parser.parse_args(argv)
    if not args.schema.is_file():
        print(f"bench_read: {args.schema}: not found", file=sys.stderr)
        return 2
    text = args.schema.read_text(encoding="utf-8")
    document = parse(text)
    schema = build_ast_schema(document, assume_valid_sdl=True)
    steps: dict[str, Callable[[], Any]] = {
        "read_sdl (fast reader)": lambda: read_sdl(text),
        "parse (graphql-core)": lambda: parse(text),
        "validate_sdl": lambda: validate_sdl(document),
        "build_ast_schema": lambda: build_ast_schema(document, assume_valid_sdl=True),
        "validate_schema": lambda: validate_schema(schema),
    }
    print(f"{args.schema.name}: {len(text) / 1e6:.2f} MB, median of {args.rounds} rounds")
    for name, step in steps.items():
        times = []
        for _ in range(args.rounds):
            if name == "validate_schema":  # graphql-core caches its result on the schema
                schema._validation_errors = None
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        print(f"  {name:<24} {statistics.median(times):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
