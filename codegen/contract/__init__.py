"""The contract kit: hypothesis checks that an endpoint keeps the paging and issuing contracts.

It talks to any endpoint over HTTP only (never importing the reference server),
runs each property in `properties/` with hypothesis, and reports every property
as held, violated (with the shrunk counterexample's exchanges) or skipped.
"""

from __future__ import annotations

from codegen.contract.options import DEFAULT_MAX_EXAMPLES, ContractOptions
from codegen.contract.outcome import ContractReport, Counterexample, Outcome, Status
from codegen.contract.properties import PROPERTIES
from codegen.contract.report import render_json, render_outcome_line, render_text
from codegen.contract.run import run_contract

__all__ = [
    "DEFAULT_MAX_EXAMPLES",
    "PROPERTIES",
    "ContractOptions",
    "ContractReport",
    "Counterexample",
    "Outcome",
    "Status",
    "render_json",
    "render_outcome_line",
    "render_text",
    "run_contract",
]
