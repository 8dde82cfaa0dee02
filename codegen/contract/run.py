"""One run of the kit: resolve the target, take the baseline, check every property in turn."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError, GraphQLSchema, build_schema

from codegen.contract.baseline import load_baseline
from codegen.contract.options import ContractOptions
from codegen.contract.outcome import ContractReport, Outcome
from codegen.contract.probe import Probe
from codegen.contract.properties import PROPERTIES
from codegen.contract.property import Property
from codegen.contract.recorder import Recorder
from codegen.contract.runner import run_property
from codegen.contract.target import open_target
from codegen.contract.violation import Violation
from codegen.errors import CodegenError, ConfigError, TargetError

__all__ = ["run_contract"]

_PREFLIGHT = "query ContractPreflight { __typename }"


def run_contract(
    options: ContractOptions, on_outcome: Callable[[Outcome], None] | None = None
) -> ContractReport:
    """Check every property against the target of `options`; report each as it completes."""
    started = time.monotonic()
    schema = _load_schema(options)
    chosen = _choose_properties(options.properties)
    seed = options.seed if options.seed is not None else secrets.randbelow(2**32)
    outcomes: list[Outcome] = []
    with open_target(options) as target:
        recorder = Recorder(target.url, target.token, timeout=options.timeout)
        try:
            _preflight(recorder)
            probe = Probe(
                recorder,
                schema,
                load_baseline(recorder),
                target.known_users,
                options.allow_mutations,
            )
            for prop in chosen:
                outcome = run_property(prop, probe, max_examples=options.max_examples, seed=seed)
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
        finally:
            recorder.close()
    return ContractReport(
        target=target.url,
        embedded=target.embedded,
        seed=seed,
        max_examples=options.max_examples,
        allow_mutations=options.allow_mutations,
        outcomes=tuple(outcomes),
        seconds=round(time.monotonic() - started, 1),
    )


def _choose_properties(names: tuple[str, ...]) -> tuple[Property[Any], ...]:
    """The named properties in report order; all of them when none is named."""
    known = {prop.name for prop in PROPERTIES}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise CodegenError(
            f"unknown property {', '.join(unknown)}; the properties are: {', '.join(sorted(known))}"
        )
    return tuple(prop for prop in PROPERTIES if not names or prop.name in names)


def _load_schema(options: ContractOptions) -> GraphQLSchema:
    try:
        return build_schema(options.schema_path.read_text(encoding="utf-8"))
    except (OSError, GraphQLError) as exc:
        raise ConfigError(f"{options.schema_path}: cannot load the schema ({exc})") from exc


def _preflight(recorder: Recorder) -> None:
    """Fail early, with exit 2, when the URL is not a GraphQL endpoint."""
    try:
        exchange = recorder.post(_PREFLIGHT)
    except Violation as violation:
        raise TargetError(f"{recorder.url}: {violation}") from None
    finally:
        recorder.clear()
    body = exchange.body
    if not isinstance(body, dict) or not ({"data", "errors"} & set(body)):
        hint = (
            " (Pluvo requires the trailing slash: .../graphql/)" if exchange.status == 404 else ""
        )
        raise TargetError(f"{recorder.url} is not a GraphQL endpoint: HTTP {exchange.status}{hint}")
