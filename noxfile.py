"""Developer and CI sessions: `python3 -m nox -l` lists them with their docstrings."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import nox

nox.needs_version = ">=2024.3.2"
nox.options.sessions = ["check", "lint", "typecheck", "tests"]
nox.options.reuse_existing_virtualenvs = True

PYPROJECT = nox.project.load_toml("pyproject.toml")


def install(session: nox.Session, *, dev: bool = False) -> None:
    """Install the project (editable) and, with `dev`, its development group."""
    session.install("-e", ".")
    if dev:
        session.install(*nox.project.dependency_groups(PYPROJECT, "dev"))


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate generated/pluvo_client from schema/ and queries/."""
    install(session)
    session.run("pluvo-codegen", "generate", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """Regenerate in a scratch folder and fail if generated/ differs (the main job)."""
    install(session)
    session.run("pluvo-codegen", "check", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Run ruff's linter and formatter check."""
    install(session)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Run mypy --strict on codegen/, generated/, tests/ and benchmarks/."""
    install(session, dev=True)
    session.run("mypy", "codegen", "generated/pluvo_client", "tests", "benchmarks", "noxfile.py")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite under the bounded `ci` hypothesis profile, on two workers.

    `--dist loadscope`: each module runs on one worker, so a costly module fixture (the
    contract kit's broken servers, a module's shared reference server) is built once,
    not once per worker that draws one of its tests. (`loadgroup` would do it per mark,
    but pytest-xdist 3.8 cannot group under pytest 9: it renames node ids that pytest
    9 no longer lets it rename.)
    """
    install(session, dev=True)
    session.run(
        "pytest",
        "-n",
        "2",
        "--dist",
        "loadscope",
        *session.posargs,
        env={"HYPOTHESIS_PROFILE": "ci"},
    )


@nox.session(default=False)
def slow(session: nox.Session) -> None:
    """Run only the tests marked `slow` (the end-to-end runs CI adds to `tests`)."""
    install(session, dev=True)
    # Exit 5 is pytest's "no tests collected": a tree with no slow test yet is fine.
    session.run(
        "pytest",
        "-m",
        "slow",
        *session.posargs,
        env={"HYPOTHESIS_PROFILE": "ci"},
        success_codes=[0, 5],
    )


@nox.session(default=False)
def benchmark(session: nox.Session) -> None:
    """Time `check` against a bare ariadne-codegen run on our and GitHub's schema."""
    install(session)
    session.run("python", "benchmarks/bench_check.py", *session.posargs)


@nox.session(default=False)
def bench_server(session: nox.Session) -> None:
    """Time the reference server's first vs deep page and a 1,000-user generateCertificate."""
    install(session)
    session.run("python", "benchmarks/bench_server.py", *session.posargs)


@nox.session(default=False)
def bench_webhooks(session: nox.Session) -> None:
    """Time generateCertificate on servers without webhooks, with busy and stalled receivers."""
    install(session)
    session.run("python", "benchmarks/bench_webhooks.py", *session.posargs)


@nox.session(default=False)
def bench_query_cost(session: nox.Session) -> None:
    """Time the reference server's answer to 22,823 aliases, and a request beside it."""
    install(session)
    session.run("python", "benchmarks/bench_query_cost.py", *session.posargs)


@nox.session(default=False)
def bench_read(session: nox.Session) -> None:
    """Time the fast SDL reader against graphql-core's parse and build on GitHub's schema."""
    install(session)
    session.run("python", "benchmarks/bench_read.py", *session.posargs)


@nox.session(default=False)
def bench_client(session: nox.Session) -> None:
    """Time iter_certificates against raw httpx and gql over 10,000 in-memory templates."""
    # One resolve with the project's pins: the newest gql wants a graphql-core they exclude.
    session.install("-e", ".", "gql[httpx]")
    session.run("python", "benchmarks/bench_client.py", *session.posargs)


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Run the reference server on 127.0.0.1:8000 to click around (token: dev-token)."""
    install(session)
    args = session.posargs or ["--port", "8000", "--token", "dev-token"]
    session.run("pluvo-codegen", "serve", *args)


@nox.session(default=False)
def contract(session: nox.Session) -> None:
    """Check the endpoint in PLUVO_GRAPHQL_URL (else the embedded server) keeps the contract."""
    install(session)
    session.run("pluvo-codegen", "contract", *session.posargs)


@nox.session(default=False)
def drift(session: nox.Session) -> None:
    """CI for pull requests: check, validate and diff against the base; summary always written.

    Every step runs even when an earlier one fails, the Markdown summary (the steps, the
    operations that no longer validate, the schema changes and what each breaks) goes to
    $GITHUB_STEP_SUMMARY (else .nox/drift/drift-summary.md), then the job fails
    if any step failed. Arguments after `--` go to `diff` (`--strict`).
    """
    install(session)
    base = os.environ.get("PLUVO_BASE_REF") or _default_base_ref()
    # Not session.create_tmp(): it sets TMPDIR inside .nox/, which git ignores, and ruff
    # (run by ariadne-codegen on files in a temporary folder) skips git-ignored files.
    summary = os.environ.get("GITHUB_STEP_SUMMARY") or str(
        Path(session.virtualenv.location) / "drift-summary.md"
    )
    if not os.environ.get("GITHUB_STEP_SUMMARY"):
        # The job appends (GitHub gives each step its own file); a local file shows one run.
        Path(summary).unlink(missing_ok=True)
    job = ["python", "-m", "codegen.drift", "--base", base, "--summary", summary]
    session.run(*job, "--", *session.posargs)


def _default_base_ref() -> str:
    """origin/main if it exists, else HEAD (then only uncommitted changes are diffed)."""
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "origin/main"],
        capture_output=True,
        check=False,
    )
    return "origin/main" if found.returncode == 0 else "HEAD"


@nox.session(default=False)
def bench_contract(session: nox.Session) -> None:
    """Time the contract kit's default run (50 examples, mutations) on the embedded server."""
    install(session)
    session.run("python", "benchmarks/bench_contract.py", *session.posargs)


@nox.session(default=False)
def bench_seeds(session: nox.Session) -> None:
    """Detection per seed: on how many seeds the kit catches each boundary bug."""
    install(session, dev=True)
    session.run("python", "benchmarks/bench_seeds.py", *session.posargs)


@nox.session(default=False)
def bench_suite(session: nox.Session) -> None:
    """Time the default test suite as `tests` runs it, and what each test file costs."""
    install(session, dev=True)
    session.run("python", "benchmarks/bench_suite.py", *session.posargs)


@nox.session(default=False)
def bench_diff(session: nox.Session) -> None:
    """Time `diff` against graphql-inspector on GitHub's schema (pass --inspector PATH)."""
    install(session)
    session.run("python", "benchmarks/bench_diff.py", *session.posargs)
