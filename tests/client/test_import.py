"""Importing the package stays light: a sync program never loads asyncio."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO

CODE = """
import sys
import httpx, pydantic
before = "asyncio" in sys.modules
import pluvo_client
from pluvo_client import Client, ClientCredentials
print(before, "asyncio" in sys.modules)
"""


def test_importing_the_package_loads_no_asyncio_that_httpx_and_pydantic_did_not() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "generated")}
    done = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, env=env, check=True
    )
    before, after = done.stdout.split()
    assert after == before
