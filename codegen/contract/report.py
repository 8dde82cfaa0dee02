"""Render a contract report as text for people or as JSON for CI; both carry the same content."""

from __future__ import annotations

import json
from typing import Any

from codegen.contract.outcome import ContractReport, Counterexample, Outcome, Status
from codegen.contract.recorder import Exchange

__all__ = ["render_json", "render_outcome_line", "render_summary", "render_text"]


def render_outcome_line(outcome: Outcome) -> str:
    """`held      name`, or `skipped   name: reason`."""
    line = f"{outcome.status.value:<9} {outcome.name}"
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


def render_text(report: ContractReport, *, lines: bool = True) -> str:
    """One line per property (unless already shown as it completed), the summary, each violation."""
    out = [render_outcome_line(outcome) for outcome in report.outcomes] if lines else []
    out.append(render_summary(report))
    for outcome in report.violated:
        out += ["", *_render_violation(outcome)]
    if report.violated:
        out += ["", f"Repeat this run with --seed {report.seed}."]
    return "\n".join(out) + "\n"


def _render_violation(outcome: Outcome) -> list[str]:
    out = [f"VIOLATED {outcome.name}", f"  {outcome.statement}"]
    example = outcome.counterexample
    if example is None:
        return out
    out += [f"  Why: {example.message}", f"  Example: {example.example}"]
    count = len(example.exchanges)
    out.append(f"  Counterexample ({count} request{'' if count == 1 else 's'}):")
    for number, exchange in enumerate(example.exchanges, start=1):
        out.append(f"    {number}. request:  {_dump(dict(exchange.request))}")
        out.append(f"       response: {_dump(exchange.relevant())}")
    return out


def render_json(report: ContractReport) -> str:
    """The whole report as indented JSON."""
    document = {
        "target": report.target,
        "embedded": report.embedded,
        "seed": report.seed,
        "max_examples": report.max_examples,
        "allow_mutations": report.allow_mutations,
        "seconds": report.seconds,
        "summary": {s.value: sum(o.status is s for o in report.outcomes) for s in Status},
        "properties": [_outcome_json(outcome) for outcome in report.outcomes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "name": outcome.name,
        "group": outcome.group,
        "statement": outcome.statement,
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
        "exchanges": [_exchange_json(exchange) for exchange in example.exchanges],
    }


def _exchange_json(exchange: Exchange) -> dict[str, Any]:
    return {"request": dict(exchange.request), "response": exchange.relevant()}


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
