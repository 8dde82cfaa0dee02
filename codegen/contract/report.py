"""Render a contract report: short text for people, full JSON for tools, JUnit XML for CI.

The text groups the properties by the document they enforce and shows, for each
violation, the rule it broke, why, the example as GraphQL arguments and one short
line per request and response. The JSON report carries the full exchanges.
"""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from typing import Any

from codegen.contract.outcome import ContractReport, Counterexample, Outcome, Status
from codegen.contract.property import Document

__all__ = [
    "render_error_json",
    "render_group_header",
    "render_json",
    "render_junit",
    "render_outcome_line",
    "render_summary",
    "render_text",
]


# Text lines are wrapped at this width.
WIDTH = 100


def render_group_header(document: str) -> str:
    """The line above each document's properties."""
    kind = (
        "normative"
        if any(d.value == document and d.normative for d in Document)
        else "not normative"
    )
    return f"== {document} ({kind}) =="


def render_outcome_line(outcome: Outcome) -> str:
    """`held      name[connection]`, or `skipped   name: reason`."""
    line = f"{outcome.status.value:<9} {outcome.label}"
    return f"{line}: {outcome.reason}" if outcome.reason else line


def render_summary(report: ContractReport) -> str:
    """`19 held, 1 violated, 1 skipped in 31.2 s`, then where, how deep and with which seed."""
    counts = {status: 0 for status in Status}
    for outcome in report.outcomes:
        counts[outcome.status] += 1
    parts = ", ".join(f"{counts[status]} {status.value}" for status in Status)
    where = "the embedded reference server" if report.embedded else report.target
    mutations = "mutations allowed" if report.allow_mutations else "read-only"
    return (
        f"{parts} in {report.seconds:.1f} s: {where} ({mutations}), "
        f"{report.max_examples} examples per property, seed {report.seed}"
    )


def _render_resent(count: int) -> str:
    """The warning for mutations sent a second time after HTTP 401 (docs/credentials.md)."""
    return (
        f"warning: {count} mutation(s) answered HTTP 401 were sent once more with a renewed "
        "token; an endpoint that executes a mutation before refusing it applied them twice "
        "(--record FILE shows each attempt)"
    )


def render_connections(report: ContractReport) -> str:
    """`connections: certificates, paginatedUsers (skipped: ...)`."""
    if not report.connections:
        return "connections: none found on Query"
    shown = [
        name if reason is None else f"{name} (skipped: {reason})"
        for name, reason in report.connections
    ]
    return "connections: " + "; ".join(shown)


def grouped_lines(outcomes: Iterable[Outcome]) -> list[str]:
    """Each outcome's line, with a header wherever the document changes."""
    lines: list[str] = []
    document = None
    for outcome in outcomes:
        if outcome.document != document:
            document = outcome.document
            lines.append(render_group_header(document))
        lines.append(render_outcome_line(outcome))
    return lines


def render_text(report: ContractReport, *, lines: bool = True) -> str:
    """The outcome lines (unless already shown), the summary, then each violation in brief."""
    out = grouped_lines(report.outcomes) if lines else []
    out += [render_connections(report), render_summary(report)]
    if report.resent_mutations:
        out += _wrap(_render_resent(report.resent_mutations), "", "  ")
    for outcome in report.violated:
        out += ["", *_render_violation(outcome)]
    if report.violated:
        out += [
            "",
            f"Repeat this run with --seed {report.seed}; --format json or --record FILE "
            "gives the full exchanges.",
        ]
    return "\n".join(out) + "\n"


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )


def _render_violation(outcome: Outcome) -> list[str]:
    where = f" on {outcome.connection}" if outcome.connection else ""
    out = [
        f"VIOLATED {outcome.name}{where} ({outcome.document})",
        *_wrap(outcome.statement, "  ", "  "),
        *_wrap(f'"{outcome.rule}"', "  Rule: ", "        "),
    ]
    example = outcome.counterexample
    if example is None:
        return out
    kind = " (a boundary case, run on every seed)" if example.boundary else ""
    out += _wrap(example.message, "  Why: ", "       ")
    out += _wrap(example.example, f"  Example{kind}: ", "    ")
    count = len(example.brief)
    if not count:
        out.append("  Seen in the traversal taken at the start of the run (see --record).")
        return out
    out.append(f"  {count} request{'' if count == 1 else 's'}:")
    for number, (request, response) in enumerate(example.brief, start=1):
        out += _wrap(request, f"    {number}. ", "         ")
        out += _wrap(response, "       → ", "         ")
    return out


def render_json(report: ContractReport) -> str:
    """The whole report as indented JSON, with every exchange of each counterexample in full."""
    document = {
        "target": report.target,
        "embedded": report.embedded,
        "seed": report.seed,
        "max_examples": report.max_examples,
        "max_page_size": report.max_page_size,
        "allow_mutations": report.allow_mutations,
        "seconds": report.seconds,
        "connections": [
            {"name": name, **({"skipped": reason} if reason else {})}
            for name, reason in report.connections
        ],
        "summary": {s.value: sum(o.status is s for o in report.outcomes) for s in Status},
        "resent_mutations": report.resent_mutations,
        "properties": [_outcome_json(outcome) for outcome in report.outcomes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_error_json(message: str, code: int) -> str:
    """An error, for `--format json`: `{"error": {"message": ..., "exit_code": 2}}`."""
    return json.dumps({"error": {"message": message, "exit_code": code}}, ensure_ascii=False) + "\n"


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "name": outcome.name,
        "connection": outcome.connection,
        "document": outcome.document,
        "statement": outcome.statement,
        "rule": outcome.rule,
        "status": outcome.status.value,
        "seconds": outcome.seconds,
    }
    if outcome.reason is not None:
        shown["reason"] = outcome.reason
    if outcome.counterexample is not None:
        shown["counterexample"] = _counterexample_json(outcome.counterexample)
    return shown


def _counterexample_json(example: Counterexample) -> dict[str, Any]:
    return {
        "message": example.message,
        "example": example.example,
        "boundary": example.boundary,
        "brief": [{"request": r, "response": s} for r, s in example.brief],
        "exchanges": [
            {
                "request": dict(exchange.request),
                "response": {
                    "status": exchange.status,
                    **({"body": exchange.body} if exchange.body is not None else {}),
                    **({"text": exchange.text} if exchange.text else {}),
                },
            }
            for exchange in example.exchanges
        ],
    }


def render_junit(report: ContractReport) -> str:
    """JUnit XML: one test case per property and connection, grouped by document."""
    suites = ElementTree.Element("testsuites", name="pluvo-codegen contract")
    by_document: dict[str, list[Outcome]] = {}
    for outcome in report.outcomes:
        by_document.setdefault(outcome.document, []).append(outcome)
    for document, outcomes in by_document.items():
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=document,
            tests=str(len(outcomes)),
            failures=str(sum(o.status is Status.VIOLATED for o in outcomes)),
            skipped=str(sum(o.status is Status.SKIPPED for o in outcomes)),
            time=f"{sum(o.seconds for o in outcomes):.2f}",
        )
        for outcome in outcomes:
            case = ElementTree.SubElement(
                suite,
                "testcase",
                classname=document,
                name=outcome.label,
                time=f"{outcome.seconds:.2f}",
            )
            if outcome.status is Status.SKIPPED:
                ElementTree.SubElement(case, "skipped", message=outcome.reason or "")
            elif outcome.status is Status.VIOLATED:
                example = outcome.counterexample
                failure = ElementTree.SubElement(
                    case, "failure", message=example.message if example else outcome.statement
                )
                failure.text = "\n".join(_render_violation(outcome))
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
