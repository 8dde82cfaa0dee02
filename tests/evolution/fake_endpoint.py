"""A loopback HTTP endpoint that fails the way real GraphQL servers fail, for `pull`'s tests.

`run_endpoint(mode)` serves, on a free port, one of:

- `ok`: a real graphql-core execution of the request against schema/pluvo.graphql;
- `old`: the same, but refusing the newer introspection fields
  (`isRepeatable`, `includeDeprecated`, ...) as an old server would;
- `unauthorised`: HTTP 401 with a JSON error;
- `html`: HTTP 200 with an HTML page, as a login page or a proxy answers;
- `disabled`: HTTP 200 with GraphQL's "introspection has been disabled" error;
- `slow`: an answer only after `SLOW_SECONDS`, to hit the client's timeout;
- `canned`: HTTP 200 with the `payload` bytes given, whatever the request;
- `drip`: HTTP 200 headers, then one byte of the body every `DRIP_SECONDS`, for
  `DRIP_BYTES` bytes: every read is quick, the answer never completes in time.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from graphql import build_schema, graphql_sync
from serving import serve_handler

__all__ = ["SCHEMA_PATH", "SLOW_SECONDS", "run_endpoint"]

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "pluvo.graphql"
SLOW_SECONDS = 3.0
DRIP_SECONDS = 0.05
DRIP_BYTES = 40
_NEWER_FIELDS = (
    "isRepeatable",
    "args(includeDeprecated",
    "inputFields(includeDeprecated",
    "specifiedByURL",
    "isOneOf",
)


def _answer(mode: str, body: dict[str, Any]) -> tuple[int, str, bytes]:
    """(status, content type, body) for one request in `mode`."""
    if mode == "unauthorised":
        return 401, "application/json", b'{"errors": [{"message": "Invalid token."}]}'
    if mode == "html":
        return 200, "text/html", b"<!doctype html><title>Sign in</title><p>Please sign in."
    if mode == "disabled":
        message = (
            "GraphQL introspection has been disabled, but the requested query contained '__schema'."
        )
        return 200, "application/json", json.dumps({"errors": [{"message": message}]}).encode()
    if mode == "slow":
        time.sleep(SLOW_SECONDS)
    query = str(body.get("query", ""))
    if mode == "old":
        for name in _NEWER_FIELDS:
            if name in query:
                message = f"Cannot query field '{name.split('(')[0]}' on type '__Type'."
                return (
                    400,
                    "application/json",
                    json.dumps({"errors": [{"message": message}]}).encode(),
                )
    schema = build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
    result = graphql_sync(schema, query)
    payload = {"data": result.data, "errors": [e.formatted for e in result.errors or ()] or None}
    return 200, "application/json", json.dumps(payload).encode()


@contextmanager
def run_endpoint(mode: str, payload: bytes = b"") -> Iterator[str]:
    """Serve `mode` on 127.0.0.1 and yield the URL; requests are remembered nowhere."""
    canned = (200, "application/json", payload)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except json.JSONDecodeError:
                body = {}
            if mode == "drip":
                self._drip()
                return
            answer = _answer if mode != "canned" else lambda *_: canned
            status, kind, content = answer(mode, body if isinstance(body, dict) else {})
            try:
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first (the timeout case)

        def _drip(self) -> None:
            try:
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(DRIP_BYTES + 1))
                self.end_headers()
                for _ in range(DRIP_BYTES):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(DRIP_SECONDS)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serve_handler(Handler) as base:
        yield f"{base}/graphql/"
