"""Render a `webhooks check` report as text for people or as JSON for CI; the same content."""

from __future__ import annotations

import json
from typing import Any

from codegen.webhooks.check import CheckReport, DeliveryExchange, ReceiverOutcome

__all__ = ["render_check_json", "render_check_text", "render_outcome_line"]


def render_outcome_line(outcome: ReceiverOutcome) -> str:
    """`held      name`, or `violated  name`, as the contract kit prints them."""
    return f"{'held' if outcome.held else 'violated':<9} {outcome.name}"


def render_check_text(report: CheckReport, *, lines: bool = True) -> str:
    """One line per property (unless already shown), the summary, then each violation."""
    out = [render_outcome_line(o) for o in report.outcomes] if lines else []
    held = sum(o.held for o in report.outcomes)
    out.append(
        f"{held} held, {len(report.violated)} violated in {report.seconds:.1f} s: {report.url}"
    )
    for outcome in report.violated:
        out += [
            "",
            f"VIOLATED {outcome.name}",
            f"  {outcome.statement}",
            f"  Why: {outcome.reason}",
        ]
        for number, exchange in enumerate(outcome.exchanges, start=1):
            out.append(f"  {number}. {exchange.label}")
            shown = {k: v for k, v in exchange.headers.items() if k.lower().startswith("x-")}
            out.append(f"     headers: {json.dumps(shown)}")
            out.append(f"     body:    {exchange.body}")
            out.append(f"     answer:  {exchange.answer()} after {exchange.seconds:.2f} s")
    return "\n".join(out) + "\n"


def render_check_json(report: CheckReport) -> str:
    """The whole report as indented JSON."""
    document = {
        "url": report.url,
        "seconds": report.seconds,
        "summary": {
            "held": sum(o.held for o in report.outcomes),
            "violated": len(report.violated),
        },
        "properties": [_outcome_json(o) for o in report.outcomes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _outcome_json(outcome: ReceiverOutcome) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "name": outcome.name,
        "statement": outcome.statement,
        "status": "held" if outcome.held else "violated",
        "seconds": outcome.seconds,
    }
    if outcome.reason is not None:
        shown["reason"] = outcome.reason
    shown["exchanges"] = [_exchange_json(e) for e in outcome.exchanges]
    return shown


def _exchange_json(exchange: DeliveryExchange) -> dict[str, Any]:
    return {
        "label": exchange.label,
        "request": {"headers": exchange.headers, "body": exchange.body},
        "response": {"status": exchange.status, "error": exchange.error},
        "seconds": exchange.seconds,
    }
