"""Short, readable lines for a report: an example as GraphQL arguments, an exchange in brief.

A page request reads as `first: 1, after: <cursor of node 0>`; its response as the
nodes' positions in the baseline, the pageInfo and the errors. Anything else is
cut to a line. The full exchanges stay in the JSON report and in `--record`.
"""

from __future__ import annotations

import json
from typing import Any

from codegen.contract.exchange_recorder import Exchange
from codegen.contract.issuing import Issuance
from codegen.contract.pages import normalize_id
from codegen.contract.probe import Probe
from codegen.contract.slices import Slice

__all__ = ["describe_example", "summarize_exchange"]

LINE_LIMIT = 200


def describe_example(example: Any) -> str:
    """The example as a person would write it."""
    if isinstance(example, Slice):
        return example.arguments()
    if isinstance(example, tuple) and example and isinstance(example[0], Slice):
        rest = ", ".join(str(part) for part in example[1:])
        return f"{example[0].arguments()}; then first: {rest}"
    if (
        isinstance(example, tuple)
        and len(example) == 2
        and all(isinstance(p, int) for p in example)
    ):
        return f"the cursor of node {example[0]}, then first: {example[1]}"
    if isinstance(example, int):
        return f"page size {example}"
    if isinstance(example, Issuance):
        return _cut(json.dumps(example.variables(), ensure_ascii=False))
    return _cut(str(example) if isinstance(example, str) else repr(example))


def summarize_exchange(probe: Probe, exchange: Exchange) -> tuple[str, str]:
    """(request, response) in one short line each."""
    request = exchange.request
    variables = request.get("variables") or {}
    query = str(request.get("query", ""))
    cursors = _cursor_positions(probe)
    if query.startswith("query ContractPage"):
        shown = [
            f"{name}: {_value(name, value, cursors)}"
            for name, value in variables.items()
            if not name.startswith("v_")
        ]
        field = probe.connection.name if probe.connection else "page"
        sent = f"{field}({', '.join(shown)})"
    else:
        sent = _cut(" ".join(query.split()))
        if variables:
            sent = _cut(f"{sent} with {json.dumps(variables, ensure_ascii=False)}")
    return sent, _response(probe, exchange, cursors)


def _cursor_positions(probe: Probe) -> dict[str, int]:
    return {cursor: position for position, cursor in enumerate(probe.baseline.cursors)}


def _value(name: str, value: Any, cursors: dict[str, int]) -> str:
    if name in ("after", "before") and isinstance(value, str):
        return _cursor(value, cursors)
    return json.dumps(value, ensure_ascii=False)


def _cursor(value: Any, cursors: dict[str, int]) -> str:
    if value is None:
        return "null"
    if isinstance(value, str) and value in cursors:
        return f"<cursor of node {cursors[value]}>"
    return f"<cursor {_cut(json.dumps(value), 40)}>"


def _response(probe: Probe, exchange: Exchange, cursors: dict[str, int]) -> str:
    if exchange.status == 0:
        return f"no answer: {exchange.text}"
    parts = [f"HTTP {exchange.status}"]
    if not isinstance(exchange.body, dict):
        parts.append(f"not JSON: {_cut(exchange.text, 80)!r}")
        return "; ".join(parts)
    connection = probe.connection
    data = exchange.data
    page = data.get(connection.name) if connection and isinstance(data, dict) else None
    if isinstance(page, dict):
        parts += _page_parts(probe, page, cursors)
    elif "data" in exchange.body:
        parts.append(f"data {_cut(json.dumps(data, ensure_ascii=False), 120)}")
    if exchange.errors:
        messages = [
            str(e.get("message")) if isinstance(e, dict) else str(e) for e in exchange.errors
        ]
        parts.append(f"errors {_cut(json.dumps(messages, ensure_ascii=False), 160)}")
    return "; ".join(parts)


def _page_parts(probe: Probe, page: dict[str, Any], cursors: dict[str, int]) -> list[str]:
    from codegen.contract.properties.pagination import describe_positions

    parts = []
    edges = page.get("edges")
    if isinstance(edges, list):
        ids = [
            normalize_id(e["node"]["id"])
            if isinstance(e, dict) and isinstance(e.get("node"), dict) and "id" in e["node"]
            else None
            for e in edges
        ]
        parts.append(f"nodes {describe_positions(probe.baseline, ids)}")
    info = page.get("pageInfo")
    if isinstance(info, dict):
        shown = []
        for key, value in info.items():
            if key.endswith("Cursor"):
                shown.append(f"{key}: {_cursor(value, cursors)}")
            else:
                shown.append(f"{key}: {json.dumps(value)}")
        parts.append("pageInfo {" + ", ".join(shown) + "}")
    total = probe.connection.total_field if probe.connection else None
    if total and total in page:
        parts.append(f"{total} {json.dumps(page[total])}")
    return parts


def _cut(text: str, limit: int = LINE_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
