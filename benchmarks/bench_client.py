"""Benchmark the generated client's `iter_certificates` against raw httpx and `gql`.

What it measures: the client-side cost of walking `--items` certificate
templates (default 10,000) in pages of `--page-size` (default 50). Every
response comes from an in-memory `httpx` transport that answers each POST with
pre-built JSON bytes, picked by the request's `after` variable, so no network,
server or JSON encoding of responses is timed; only what a client does with a
page. Three contenders run in the same process:

- `ours`: `Client(url, http_client=httpx.Client(transport=...))` and
  `client.iter_certificates(page_size=...)`, which yields typed models
  (`ListCertificatesCertificatesEdgesNode`, `id` as `uuid.UUID`);
- `raw`: a hand-written generator over `httpx.Client.post(url, json=...)` and
  `response.json()` that yields the node dicts, checking status and `errors`;
- `gql`: the `gql` client with its sync httpx transport doing the same loop
  (skipped, with a message, if `gql` is not importable).

Every walk makes its own clients and is consumed by the README's loop, which
reads each node's `id`, `name` and `title` and keeps nothing; with `--retain`,
by `list()` instead, which keeps all the nodes alive until the walk ends (more
work for the garbage collector with typed objects than with dicts).

Each contender runs once untimed (warm-up), and its ids are checked: all three
must yield the same `--items` ids, in order, and ours must be typed. Then they
alternate for `--rounds` rounds, rotating which goes first every round. The
report gives, per contender, the median, min and max wall time of one whole
walk, the median per item, and the ratio of its median to the raw loop's; the
same ratio for CPU time is shown beside it. The target is a ratio ours/raw of
at most 1.0.

Wall time on a shared virtual machine drifts by tens of percent between
minutes, so with `--instructions` it also counts the CPU instructions of one
walk of each contender under valgrind's callgrind (deterministic, with
`PYTHONHASHSEED=0`): each contender runs in its own interpreter doing one
warm-up walk and then one or three walks, and the difference of the two counts,
halved, is one walk's. Needs `valgrind` on the PATH; takes a few minutes.

It also reports the import time of the generated package: each of `--imports`
fresh interpreters times `import httpx; from pydantic import BaseModel` (the
dependencies) and then `import pluvo_client`; the medians of both are shown.

Run it from an environment with the project installed (and `gql[httpx]` for the
third contender):

    python benchmarks/bench_client.py [--rounds N] [--items N] [--retain] [--instructions] [--json]
    python3 -m nox -s bench_client -- --rounds 31

This is a benchmark, not a test: it asserts nothing about the timings. It fails
only if a contender yields the wrong ids, which would make the figures meaningless.
"""

from __future__ import annotations

import argparse
import base64
import gc
import importlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATED = REPO_ROOT / "generated"
sys.path.insert(0, str(GENERATED))

from pluvo_client import Client, ListCertificatesCertificatesEdgesNode  # noqa: E402

URL = "https://acme.pluvo.test/graphql/"
# The goal: our typed iterator costs at most this much of the raw loop.
TARGET_RATIO = 1.0
# The same operation as queries/list_certificates.graphql, written out as a
# hand-written client would.
QUERY = """
query ListCertificates($first: Int, $after: String) {
  certificates(first: $first, after: $after) {
    edges {
      cursor
      node {
        id
        name
        title
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
    count
  }
}
"""
_AFTER = re.compile(rb'"after"\s*:\s*(?:null|"([^"\\]*)")')
_JSON_HEADERS = {"content-type": "application/json"}
_IMPORT_CODE = """
import time
start = time.perf_counter()
import httpx
from pydantic import BaseModel
middle = time.perf_counter()
import pluvo_client
end = time.perf_counter()
print(middle - start, end - middle)
"""

# A contender: walks every page over a transport, handing the nodes to a consumer.
Consume = Callable[[Iterator[Any]], Any]
Walk = Callable[[httpx.BaseTransport, int, Consume], Any]


class BenchmarkError(Exception):
    """A contender yielded the wrong ids, or the setup is broken."""


# ----------------------------------------------------------------------- the server


def build_pages(items: int, page_size: int, seed: int = 6) -> dict[str | None, bytes]:
    """The JSON body of every page, keyed by the `after` that asks for it.

    Cursors look like the reference server's (base64 of a JSON sort key); every
    tenth template has a null `title`, as real data has.
    """
    rng = random.Random(seed)
    nodes = [
        {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "name": f"Template {index:05d}",
            "title": None if index % 10 == 0 else f"Certificate of achievement {index}",
        }
        for index in range(items)
    ]
    pages: dict[str | None, bytes] = {}
    after: str | None = None
    for start in range(0, max(items, 1), page_size):
        chunk = nodes[start : start + page_size]
        edges = [{"cursor": _cursor(node), "node": node} for node in chunk]
        end_cursor = edges[-1]["cursor"] if edges else None
        has_next = start + page_size < items
        body = {
            "data": {
                "certificates": {
                    "edges": edges,
                    "pageInfo": {"hasNextPage": has_next, "endCursor": end_cursor},
                    "count": items,
                }
            }
        }
        pages[after] = json.dumps(body, separators=(",", ":")).encode()
        after = str(end_cursor)
    return pages


def _cursor(node: Mapping[str, Any]) -> str:
    raw = json.dumps([1, node["name"], node["id"]])
    return base64.urlsafe_b64encode(raw.encode()).decode()


class PageTransport(httpx.BaseTransport):
    """Answers every POST with the pre-built page its `after` variable names."""

    def __init__(self, pages: Mapping[str | None, bytes]) -> None:
        self.pages = pages
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        match = _AFTER.search(request.content)
        after = match[1].decode() if match is not None and match[1] is not None else None
        return httpx.Response(200, headers=_JSON_HEADERS, content=self.pages[after])


# ---------------------------------------------------------------------- contenders


def walk_ours(transport: httpx.BaseTransport, page_size: int, consume: Consume) -> Any:
    """Our typed sync iterator."""
    with (
        httpx.Client(transport=transport) as http_client,
        Client(url=URL, http_client=http_client) as client,
    ):
        return consume(client.iter_certificates(page_size=page_size))


def walk_raw(transport: httpx.BaseTransport, page_size: int, consume: Consume) -> Any:
    """A hand-written loop: raw httpx and `response.json()`, reading dicts."""
    with httpx.Client(transport=transport) as http_client:
        return consume(_raw_nodes(http_client, page_size))


def _raw_nodes(http_client: httpx.Client, page_size: int) -> Iterator[Any]:
    after: str | None = None
    while True:
        response = http_client.post(
            URL, json={"query": QUERY, "variables": {"first": page_size, "after": after}}
        )
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise BenchmarkError(f"GraphQL errors: {body['errors']}")
        connection = body["data"]["certificates"]
        for edge in connection["edges"]:
            if edge is not None and edge["node"] is not None:
                yield edge["node"]
        page_info = connection["pageInfo"]
        if not page_info["hasNextPage"]:
            return
        after = page_info["endCursor"]


def load_gql() -> Walk | str:
    """The `gql` contender, or why it is skipped."""
    try:
        gql = importlib.import_module("gql")
        gql_httpx = importlib.import_module("gql.transport.httpx")
    except ImportError as exc:
        return f"gql is not importable ({exc}); install gql[httpx] for this contender"
    document = gql.gql(QUERY)
    modern = int(str(gql.__version__).split(".")[0]) >= 4

    def nodes(session: Any, page_size: int) -> Iterator[Any]:
        after: str | None = None
        while True:
            variables = {"first": page_size, "after": after}
            if modern:  # gql 4 carries the variables on the request
                result = session.execute(gql.GraphQLRequest(document, variable_values=variables))
            else:
                result = session.execute(document, variable_values=variables)
            connection = result["certificates"]
            for edge in connection["edges"]:
                if edge is not None and edge["node"] is not None:
                    yield edge["node"]
            page_info = connection["pageInfo"]
            if not page_info["hasNextPage"]:
                return
            after = page_info["endCursor"]

    def walk_gql(transport: httpx.BaseTransport, page_size: int, consume: Consume) -> Any:
        """The gql client over its sync httpx transport, reading dicts."""
        client = gql.Client(
            transport=gql_httpx.HTTPXTransport(url=URL, transport=transport),
            fetch_schema_from_transport=False,
        )
        with client as session:
            return consume(nodes(session, page_size))

    return walk_gql


def read_models(nodes: Iterator[Any]) -> int:
    """The README's loop over typed nodes: read every field of each, keep none."""
    count = 0
    for node in nodes:
        _ = node.id, node.name, node.title
        count += 1
    return count


def read_dicts(nodes: Iterator[Any]) -> int:
    """The same loop over dicts."""
    count = 0
    for node in nodes:
        _ = node["id"], node["name"], node["title"]
        count += 1
    return count


# ------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Timings:
    """Wall and CPU times, in seconds, of one contender's whole walk, every round."""

    samples: tuple[float, ...]
    cpu_samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_samples)

    def as_dict(self, items: int) -> dict[str, Any]:
        return {
            "median_s": self.median,
            "min_s": min(self.samples),
            "max_s": max(self.samples),
            "per_item_us": self.median / items * 1e6,
            "cpu_median_s": self.cpu_median,
            "samples_s": list(self.samples),
            "cpu_samples_s": list(self.cpu_samples),
        }


@dataclass(frozen=True)
class ImportTimes:
    """Seconds to import the dependencies, then the package, in fresh interpreters."""

    deps: tuple[float, ...]
    package: tuple[float, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "runs": len(self.package),
            "deps_median_s": statistics.median(self.deps),
            "package_median_s": statistics.median(self.package),
            "total_median_s": statistics.median(
                d + p for d, p in zip(self.deps, self.package, strict=True)
            ),
        }


def main(argv: Sequence[str] | None = None) -> int:
    """Run every contender and print the table, or JSON with `--json`."""
    args = build_parser().parse_args(argv)
    if args.walk_only is not None:
        return walk_only(args)
    if min(args.rounds, args.items, args.page_size) < 1 or args.imports < 0:
        print("bench_client: --rounds, --items, --page-size must be >= 1", file=sys.stderr)
        return 2
    contenders: dict[str, Walk] = {"ours": walk_ours, "raw": walk_raw}
    skipped: dict[str, str] = {}
    walk_gql = load_gql()
    if isinstance(walk_gql, str):
        skipped["gql"] = walk_gql
        print(f"bench_client: skipping gql: {walk_gql}", file=sys.stderr)
    else:
        contenders["gql"] = walk_gql
    pages = build_pages(args.items, args.page_size)
    try:
        print(f"bench_client: warm-up and checks, {len(pages)} pages ...", file=sys.stderr)
        for name, walk in contenders.items():
            check_walk(name, walk(PageTransport(pages), args.page_size, list), pages, args.items)
        print(f"bench_client: {args.rounds} rounds ...", file=sys.stderr)
        timings = run_rounds(contenders, pages, args.page_size, args.rounds, retain=args.retain)
        imports = measure_imports(args.imports) if args.imports else None
        instructions = measure_instructions(list(contenders), args) if args.instructions else None
    except BenchmarkError as exc:
        print(f"bench_client: {exc}", file=sys.stderr)
        return 1
    if args.json:
        raw = timings["raw"]
        payload = {
            "items": args.items,
            "page_size": args.page_size,
            "rounds": args.rounds,
            "workload": "retain" if args.retain else "read",
            "contenders": {
                name: {
                    **timing.as_dict(args.items),
                    "ratio_to_raw": timing.median / raw.median,
                    "cpu_ratio_to_raw": timing.cpu_median / raw.cpu_median,
                }
                for name, timing in timings.items()
            },
            "target_ratio": TARGET_RATIO,
            "meets_target": timings["ours"].median / raw.median <= TARGET_RATIO,
            "imports": None if imports is None else imports.as_dict(),
            "instructions_per_walk": instructions,
            "skipped": skipped,
            "python": sys.version.split()[0],
        }
        print(json.dumps(payload, indent=2))
    else:
        print(format_report(timings, imports, args.items, args.page_size, retain=args.retain))
        if instructions is not None:
            print(format_instructions(instructions))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench_client.py",
        description="Time iter_certificates against raw httpx and gql on an in-memory transport.",
    )
    parser.add_argument(
        "--rounds", type=int, default=21, metavar="N", help="timed walks of each (default: 21)"
    )
    parser.add_argument(
        "--items", type=int, default=10_000, metavar="N", help="templates (default: 10000)"
    )
    parser.add_argument(
        "--page-size", type=int, default=50, metavar="N", help="page size (default: 50)"
    )
    parser.add_argument(
        "--imports",
        type=int,
        default=7,
        metavar="N",
        help="fresh interpreters timing the package import; 0 skips it (default: 7)",
    )
    parser.add_argument(
        "--retain",
        action="store_true",
        help="keep every node in a list, instead of reading each node's fields and dropping it",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each contender's instructions per walk under valgrind's callgrind",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the results as JSON instead of a table"
    )
    # Internal: what each callgrind run executes.
    parser.add_argument("--walk-only", metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--walks", type=int, default=1, help=argparse.SUPPRESS)
    return parser


def check_walk(name: str, nodes: list[Any], pages: Mapping[str | None, bytes], items: int) -> None:
    """Fail unless `nodes` are every template once, in order (and typed, for ours)."""
    expected = [
        edge["node"]["id"]
        for body in pages.values()
        for edge in json.loads(body)["data"]["certificates"]["edges"]
    ]
    if name == "ours":
        for node in nodes:
            if type(node) is not ListCertificatesCertificatesEdgesNode:
                raise BenchmarkError(f"ours yielded a {type(node).__name__}, not a typed node")
            if not isinstance(node.id, uuid.UUID):
                raise BenchmarkError(f"ours yielded an id of type {type(node.id).__name__}")
        ids = [str(node.id) for node in nodes]
    else:
        ids = [str(node["id"]) for node in nodes]
    if len(ids) != items or ids != expected:
        raise BenchmarkError(f"{name} yielded {len(ids)} ids, not the {items} expected in order")


def run_rounds(
    contenders: Mapping[str, Walk],
    pages: Mapping[str | None, bytes],
    page_size: int,
    rounds: int,
    *,
    retain: bool,
) -> dict[str, Timings]:
    """Time every contender once per round, rotating which goes first.

    Each walk is consumed by the README's loop (`read_models` or `read_dicts`), or
    with `retain` by `list`, which keeps all the nodes alive until the walk ends.
    """
    names = list(contenders)
    consume: dict[str, Consume] = {
        name: list if retain else read_models if name == "ours" else read_dicts for name in names
    }
    walls: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            transport = PageTransport(pages)
            gc.collect()
            cpu_start = time.process_time()
            start = time.perf_counter()
            kept = contenders[name](transport, page_size, consume[name])
            walls[name].append(time.perf_counter() - start)
            cpus[name].append(time.process_time() - cpu_start)
            del kept  # with --retain, the nodes are freed after the clock stops
    return {name: Timings(tuple(walls[name]), tuple(cpus[name])) for name in names}


def measure_imports(runs: int) -> ImportTimes:
    """Time the dependencies' and the package's import in `runs` fresh interpreters."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(GENERATED), *sys.path[1:]])}
    deps: list[float] = []
    package: list[float] = []
    for _ in range(runs):
        completed = subprocess.run(
            [sys.executable, "-c", _IMPORT_CODE], capture_output=True, env=env, check=False
        )
        if completed.returncode != 0:
            raise BenchmarkError(f"importing pluvo_client failed:\n{completed.stderr.decode()}")
        first, second = completed.stdout.split()
        deps.append(float(first))
        package.append(float(second))
    return ImportTimes(tuple(deps), tuple(package))


def walk_only(args: argparse.Namespace) -> int:
    """One warm-up walk of `--walk-only NAME`, then `--walks` more: what callgrind counts."""
    walks: dict[str, Walk] = {"ours": walk_ours, "raw": walk_raw}
    walk_gql = load_gql()
    if not isinstance(walk_gql, str):
        walks["gql"] = walk_gql
    walk = walks[args.walk_only]
    consume = read_models if args.walk_only == "ours" else read_dicts
    pages = build_pages(args.items, args.page_size)
    for _ in range(1 + args.walks):
        walk(PageTransport(pages), args.page_size, list if args.retain else consume)
    return 0


def measure_instructions(names: Sequence[str], args: argparse.Namespace) -> dict[str, float]:
    """Instructions of one walk of each contender, counted by callgrind (see the docstring)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise BenchmarkError("--instructions needs valgrind on the PATH")
    env = {**os.environ, "PYTHONHASHSEED": "0"}

    def count(name: str, walks: int) -> int:
        command = [
            valgrind,
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            str(Path(__file__).resolve()),
            "--walk-only",
            name,
            "--walks",
            str(walks),
            "--items",
            str(args.items),
            "--page-size",
            str(args.page_size),
            *(["--retain"] if args.retain else []),
        ]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode != 0 or found is None:
            raise BenchmarkError(f"callgrind run of {name} failed:\n{done.stderr[-2000:]}")
        return int(found[1])

    print("bench_client: counting instructions under callgrind ...", file=sys.stderr)
    jobs = [(name, walks) for name in names for walks in (1, 3)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counts = dict(zip(jobs, pool.map(lambda job: count(*job), jobs), strict=True))
    return {name: (counts[name, 3] - counts[name, 1]) / 2 for name in names}


def format_instructions(instructions: Mapping[str, float]) -> str:
    """One line per contender: instructions per walk and the ratio to the raw loop's."""
    raw = instructions["raw"]
    rows = ["instructions per walk (callgrind, PYTHONHASHSEED=0):"]
    rows += [
        f"  {name:<9} {count / 1e6:8.1f} M  ratio {count / raw:.3f}"
        for name, count in instructions.items()
    ]
    return "\n".join(rows)


def format_report(
    timings: Mapping[str, Timings],
    imports: ImportTimes | None,
    items: int,
    page_size: int,
    *,
    retain: bool,
) -> str:
    """A fixed-width table, one row per contender, then the import times."""
    raw = timings["raw"]
    header = (
        f"{'contender':<9} {'rounds':>6}  {'median (min-max) s':<24}  "
        f"{'us/item':>7}  {'ratio':>5}  {'cpu ratio':>9}"
    )
    workload = "kept in a list" if retain else "each node's fields read, nothing kept"
    rows = [f"{items} items in pages of {page_size}, {workload}", header, "-" * len(header)]
    for name, timing in timings.items():
        ratio = timing.median / raw.median
        flag = ""
        if name == "ours":
            verdict = "meets" if ratio <= TARGET_RATIO else "ABOVE"
            flag = f"  ({verdict} the {TARGET_RATIO} target)"
        span = f"{timing.median:.4f} ({min(timing.samples):.4f}-{max(timing.samples):.4f})"
        rows.append(
            f"{name:<9} {len(timing.samples):>6}  {span:<24}  "
            f"{timing.median / items * 1e6:>7.2f}  {ratio:>5.2f}  "
            f"{timing.cpu_median / raw.cpu_median:>9.2f}{flag}"
        )
    rows.append(
        "ratio = median wall time / the raw loop's; cpu ratio = the same for CPU time,\n"
        "steadier on a busy machine."
    )
    if imports is not None:
        figures = imports.as_dict()
        rows.append(
            f"import pluvo_client: {1e3 * figures['package_median_s']:.1f} ms on top of "
            f"httpx + pydantic ({1e3 * figures['deps_median_s']:.1f} ms); "
            f"{1e3 * figures['total_median_s']:.1f} ms in all "
            f"(medians of {figures['runs']} fresh interpreters)"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
