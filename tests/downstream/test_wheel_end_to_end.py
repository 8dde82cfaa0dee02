"""End to end, as another team would: our wheel in a fresh venv, used from an empty folder.

1. `init`, then `check`;
2. an operation of their own, then `generate` and `check`;
3. the new method imported and called against the reference server;
4. `verify`, then a file edited and `verify` again;
5. `verify --schema` against a schema without a field the copy uses.

No network: the wheel is built without build isolation, and the venv (without the
system site-packages) installs it with `--no-index` from wheels of the dependencies
repacked from this environment (`wheels.py`). Slow (about a minute): `nox -s slow`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest

from .conftest import REPO
from .wheels import dependency_closure, repack

pytestmark = pytest.mark.slow

COUNT_QUERY = "query CertificateCount {\n  certificates(first: 1) {\n    count\n  }\n}\n"
CALL = """\
import json, sys
from pluvo_client import Client
fixture = json.load(open(sys.argv[1]))
with Client(url=fixture["url"], headers={"Authorization": "Bearer " + fixture["token"]}) as c:
    count = c.certificate_count().certificates.count
    items = c.portfolio_items(user_id=fixture["user_ids"][0])  # a str, as annotated
    print(json.dumps({"count": count, "items": len(items.portfolio_items)}))
"""


def _build(tmp_path: Path) -> tuple[Path, Path]:
    """Our wheel (built from a copy of the sources) and the folder of every wheel needed."""
    source = tmp_path / "source"
    shutil.copytree(
        REPO / "codegen", source / "codegen", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(wheels), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    (ours,) = wheels.glob("pluvo_codegen-*.whl")
    for distribution in dependency_closure("pluvo-codegen"):
        repack(distribution, wheels)
    return ours, wheels


def _venv(tmp_path: Path, ours: Path, wheels: Path) -> Path:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    subprocess.run(
        [str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index",
         "--find-links", str(wheels), str(ours)],
        check=True, capture_output=True,
    )  # fmt: skip
    return env_dir / "bin"


def test_the_wheel_in_a_fresh_venv_from_an_empty_folder(tmp_path: Path) -> None:
    ours, wheels = _build(tmp_path)
    bin_dir = _venv(tmp_path, ours, wheels)
    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"

    def tool(*args: str, expect: int = 0) -> str:
        done = subprocess.run(
            [str(bin_dir / "pluvo-codegen"), *args],
            cwd=work, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == expect, f"{args}: {done.stdout}{done.stderr}"
        return done.stdout + done.stderr

    # The installed tool is the wheel's, not this checkout's.
    located = subprocess.run(
        [str(bin_dir / "python"), "-c", "import codegen; print(codegen.__file__)"],
        cwd=work, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert located.stdout.startswith(str(tmp_path / "venv"))
    assert "pluvo-codegen 0.1.0" in tool("--version")

    # 1. init, then check.
    assert "created schema/pluvo.graphql (the bundled schema)" in tool("init")
    assert "generated/pluvo_client is up to date" in tool("check")

    # 2. An operation of their own, then generate and check.
    (work / "queries" / "certificate_count.graphql").write_text(COUNT_QUERY, encoding="utf-8")
    assert "files changed" in tool("generate")
    tool("check")

    # 3. The new method, against the reference server (the installed tool serves it).
    fixture = work / "server.json"
    server = subprocess.Popen(
        [str(bin_dir / "pluvo-codegen"), "serve", "--port", "0", "--fixture-out", str(fixture)],
        cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not fixture.exists():
            assert server.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        called = subprocess.run(
            [str(bin_dir / "python"), "-c", CALL, str(fixture)],
            cwd=work, env={**env, "PYTHONPATH": "generated"},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert called.returncode == 0, called.stderr
    assert json.loads(called.stdout) == {"count": 120, "items": 0}

    # 4. verify, then an edit, then verify again.
    package = work / "generated" / "pluvo_client"
    files = sum(1 for path in package.rglob("*") if path.is_file()) - 1  # the manifest
    assert f"{files} files as generated by pluvo-codegen 0.1.0" in tool(
        "verify", "generated/pluvo_client"
    )
    client = work / "generated" / "pluvo_client" / "client.py"
    client.write_text(client.read_text(encoding="utf-8") + "# hot fix\n", encoding="utf-8")
    assert "edited: generated/pluvo_client/client.py" in tool(
        "verify", "generated/pluvo_client", expect=1
    )
    tool("generate")

    # 5. verify --schema against a schema that removes a field the copy uses.
    schema = (work / "schema" / "pluvo.graphql").read_text(encoding="utf-8")
    (work / "live.graphql").write_text(schema.replace("  title: String\n", "", 1), encoding="utf-8")
    out = tool("verify", "generated/pluvo_client", "--schema", "live.graphql", expect=1)
    assert "ListCertificates breaks against live.graphql: Cannot query field 'title'" in out
    assert "2 of 5 operations break: ListCertificates, ListCertificatesBackward" in out
