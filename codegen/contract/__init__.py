"""The contract kit: hypothesis checks that an endpoint keeps the paging and issuing contracts.

It talks to any endpoint over HTTP only (never importing the reference server),
finds every Relay connection on `Query` in the schema, runs each property in
`properties/` with hypothesis (fixed boundary cases first, then random examples),
and reports every property, per connection where it applies, as held, violated
(with the counterexample's exchanges and the rule it broke) or skipped. See
docs/contract.md.
"""

from __future__ import annotations

from codegen.contract.options import DEFAULT_MAX_EXAMPLES, ContractOptions
from codegen.contract.outcome import ContractReport, Counterexample, Outcome, Status
from codegen.contract.properties import PROPERTIES
from codegen.contract.property import Document
from codegen.contract.report import render_json, render_junit, render_outcome_line, render_text
from codegen.contract.run_all import check_contract

__all__ = [
    "DEFAULT_MAX_EXAMPLES",
    "PROPERTIES",
    "ContractOptions",
    "ContractReport",
    "Counterexample",
    "Document",
    "Outcome",
    "Status",
    "check_contract",
    "render_json",
    "render_junit",
    "render_outcome_line",
    "render_text",
]
