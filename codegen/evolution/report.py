"""Render a comparison as text, JSON or markdown (jinja2 templates in `templates/`)."""

from __future__ import annotations

import json
from typing import Any

from codegen.evolution.breaks import Finding
from codegen.evolution.changes import Level
from codegen.evolution.compare import Comparison

__all__ = ["FORMATS", "render_report"]

FORMATS = ("text", "markdown", "json")
_TITLES = {
    Level.BREAKING: "Breaking",
    Level.DANGEROUS: "Dangerous",
    Level.NON_BREAKING: "Non-breaking",
}


def render_report(comparison: Comparison, format: str = "text") -> str:
    """The report in `format`: `text`, `markdown` or `json`; it ends with a newline."""
    if format == "json":
        return json.dumps(_as_json(comparison), indent=2, ensure_ascii=False) + "\n"
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("codegen.evolution", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = _markdown_text
    environment.filters["code"] = _markdown_code
    template = environment.get_template("report.md.j2" if format == "markdown" else "report.txt.j2")
    return template.render(**_context(comparison))


def _as_json(comparison: Comparison) -> dict[str, Any]:
    return {"changes": [_change(finding) for finding in comparison.findings]}


def _change(finding: Finding) -> dict[str, Any]:
    """One change as JSON holds it, and as the templates get it (with a path)."""
    return {
        "level": finding.change.level.value,
        "path": finding.change.path,
        "type": finding.change.type.value,
        "message": finding.change.message,
        "location": _text(finding.change.location),
        "breaks": [
            {"operation": b.operation, "location": _text(b.location)} for b in finding.breaks
        ],
    }


def _context(comparison: Comparison) -> dict[str, Any]:
    sections = []
    for level, title in _TITLES.items():
        changes = [
            {**_change(finding), "path": finding.change.path or "(schema)"}
            for finding in comparison.findings
            if finding.change.level is level
        ]
        sections.append({"level": level.value, "title": title, "changes": changes})
    return {
        "old": comparison.old,
        "new": comparison.new,
        "total": len(comparison.findings),
        "breaking": comparison.count(Level.BREAKING),
        "dangerous": comparison.count(Level.DANGEROUS),
        "non_breaking": comparison.count(Level.NON_BREAKING),
        "operations": comparison.operations,
        "broken": comparison.broken_operations,
        "sections": sections,
    }


def _text(location: object | None) -> str | None:
    return None if location is None else str(location)


def _markdown_code(text: str) -> str:
    """A code span safe in a markdown table cell (backslashes stay literal in code)."""
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _markdown_text(text: str) -> str:
    """Plain text safe in a markdown table cell: no pipes, tags or line breaks."""
    return (
        " ".join(text.split())
        .replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("*", "\\*")
        .replace("_", "\\_")
    )
