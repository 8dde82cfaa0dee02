"""`generated/pluvo_client` copied on its own into a virtual environment with only httpx and
pydantic (and what they need), running both clients against the reference server and
verifying a webhook with `pluvo_client.webhooks`."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from server.reference import REPO, Server

PACKAGE = REPO / "generated" / "pluvo_client"
FOREIGN = ["graphql", "ariadne_codegen", "codegen", "ariadne", "pytest", "hypothesis"]


def requirement_closure(roots: Iterable[str]) -> dict[str, importlib.metadata.Distribution]:
    """The installed distributions `roots` need, transitively; extras are left out."""
    found: dict[str, importlib.metadata.Distribution] = {}
    todo = [canonicalize_name(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found[name] = distribution = importlib.metadata.distribution(name)
        for line in distribution.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(requirement.name))
    return found


def copy_distribution(distribution: importlib.metadata.Distribution, site: Path) -> int:
    """Copy one installed distribution's files (its RECORD) into `site`; return how many.

    The bytecode of each module comes along (same interpreter, same mtimes), so that
    the new environment does not spend seconds compiling pydantic.
    """
    files = distribution.files
    assert files is not None, f"{distribution.metadata['Name']} has no RECORD"
    copied = 0
    for file in files:
        if file.parts[0] == ".." or "__pycache__" in file.parts:
            continue  # scripts in bin/; bytecode is handled below
        source = Path(str(distribution.locate_file(file)))
        if not source.is_file():
            continue
        target = site / Path(*file.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        copied += 1
        cached = Path(importlib.util.cache_from_source(str(source)))
        if source.suffix == ".py" and cached.is_file():
            (target.parent / "__pycache__").mkdir(exist_ok=True)
            shutil.copy2(cached, target.parent / "__pycache__" / cached.name)
    return copied


def run_python(python: Path, code: str, *args: str, cwd: Path) -> str:
    """Run `code` in isolated mode with a bare environment; return its stdout."""
    done = subprocess.run(
        [str(python), "-I", "-c", code, *args],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """A new venv's python, its site-packages, and the distributions copied into it."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site_code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(run_python(python, site_code, cwd=venv).strip())
    assert site.is_relative_to(venv)
    closure = requirement_closure(["httpx", "pydantic"])
    for distribution in closure.values():
        assert copy_distribution(distribution, site) > 0
    return python, site, sorted(closure)


def test_the_bare_environment_holds_httpx_pydantic_and_their_requirements_only(
    bare_python: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    python, _, names = bare_python
    assert {"httpx", "pydantic", "httpcore", "pydantic-core"} <= set(names)
    assert not {"graphql-core", "ariadne-codegen", "ariadne", "pytest"} & set(names)
    code = (
        "import importlib.util, json, sys\n"
        "print(json.dumps({m: importlib.util.find_spec(m) is not None for m in sys.argv[1:]}))"
    )
    found = json.loads(run_python(python, code, *FOREIGN, "httpx", "pydantic", cwd=tmp_path))
    assert found == {**dict.fromkeys(FOREIGN, False), "httpx": True, "pydantic": True}


SCRIPT = """
import asyncio, json, os, sys, uuid

# -I keeps the working folder off sys.path; an application puts its vendored package on it.
sys.path.insert(0, os.getcwd())

from pluvo_client import AsyncClient, Client, ClientCredentials

server = json.loads(open(sys.argv[1], encoding="utf-8").read())
template = uuid.UUID(server["template"])
first, second = (uuid.UUID(u) for u in server["users"])
stranger = uuid.UUID(int=424242)
out = {}


def strings(result):
    return [[str(u) for u in ids] for ids in
            (result.succeeded_ids, result.failed_ids, result.unknown_ids)]


auth = ClientCredentials(server["token_url"], server["client_id"], server["client_secret"])
with Client(url=server["url"], auth=auth) as client:
    out["sync_ids"] = [str(c.id) for c in client.iter_certificates(page_size=50)]
    result = client.issue_certificate(template, [first, stranger, first], title="Vendored sync")
    out["sync_issue"] = strings(result)


async def main():
    headers = {"Authorization": "Bearer " + server["token"]}
    async with AsyncClient(url=server["url"], headers=headers) as client:
        out["async_ids"] = [str(c.id) async for c in client.iter_certificates(page_size=7)]
        result = await client.issue_certificate(template, [second], title="Vendored async")
        out["async_issue"] = strings(result)
        items = (await client.portfolio_items()).portfolio_items
        out["items"] = sorted([str(i.user.id), i.title] for i in items)


asyncio.run(main())

from pluvo_client.webhooks import CertificateAchieved, WebhookSignatureError, parse_event, sign

body = json.dumps({"event": "EVENT_CERTIFICATE_ACHIEVED", "user": {"id": str(first)}}).encode()
event = parse_event(body, {"x-signature": sign(body, "salt", "s"), "X-Signature-Salt": "salt"}, "s")
out["webhook"] = [type(event) is CertificateAchieved, str(event.user.id)]
try:
    parse_event(body, {"X-Signature": sign(body, "salt", "other"), "X-Signature-Salt": "salt"}, "s")
except WebhookSignatureError:
    out["webhook"].append("refused")

import httpx, pluvo_client, pydantic

out["files"] = [pluvo_client.__file__, httpx.__file__, pydantic.__file__]
out["loaded"] = sorted({name.partition(".")[0] for name in sys.modules})
print(json.dumps(out))
"""


def test_the_vendored_package_runs_both_clients_against_the_server_with_httpx_and_pydantic_only(
    bare_python: tuple[Path, Path, list[str]], tmp_path: Path, fresh_server: Server
) -> None:
    python, site, _ = bare_python
    app = tmp_path / "app"
    shutil.copytree(PACKAGE, app / "pluvo_client", ignore=shutil.ignore_patterns("__pycache__"))
    assert [p.name for p in app.iterdir()] == ["pluvo_client"]
    first, second = fresh_server.user_ids[:2]
    template = fresh_server.certificate_ids[3]
    settings = tmp_path / "server.json"
    settings.write_text(
        json.dumps(
            {
                "url": fresh_server.url,
                "token": fresh_server.token,
                "token_url": fresh_server.token_url,
                "client_id": fresh_server.client_id,
                "client_secret": fresh_server.client_secret,
                "template": str(template),
                "users": [str(first), str(second)],
            }
        ),
        encoding="utf-8",
    )

    out: dict[str, Any] = json.loads(run_python(python, SCRIPT, str(settings), cwd=app))

    expected_ids = [str(c) for c in fresh_server.certificate_ids]
    assert out["sync_ids"] == expected_ids
    assert out["async_ids"] == expected_ids
    assert out["sync_issue"] == [[str(first)], [str(uuid.UUID(int=424242))], []]
    assert out["async_issue"] == [[str(second)], [], []]
    assert out["webhook"] == [True, str(first), "refused"]
    assert out["items"] == sorted([[str(first), "Vendored sync"], [str(second), "Vendored async"]])
    package_file, httpx_file, pydantic_file = map(Path, out["files"])
    assert package_file.is_relative_to(app / "pluvo_client")
    assert httpx_file.is_relative_to(site)
    assert pydantic_file.is_relative_to(site)
    assert not set(FOREIGN) & set(out["loaded"])
