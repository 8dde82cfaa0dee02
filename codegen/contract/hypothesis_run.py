"""Run one property with hypothesis: its boundary cases first, then its random examples.

`run_all.py` calls this for each property (and connection) of a run.

The boundary cases are hypothesis explicit examples (`@example`), so they run on
every seed before anything is drawn. Hypothesis shrinks a failing random example
and then replays the minimal one last, so the exchanges recorded during the last
failing call are exactly the requests and responses of the counterexample.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, Phase, given, reporting, settings
from hypothesis import example as explicit_example
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import Flaky, Unsatisfiable

from codegen.contract.brief import describe_example, summarize_exchange
from codegen.contract.outcome import Counterexample, Outcome, Status
from codegen.contract.probe import Probe
from codegen.contract.property import Property, find_skip_reason
from codegen.contract.slices import Slice
from codegen.contract.violation import Violation
from codegen.errors import CodegenError

__all__ = ["run_property"]


class _Abort(BaseException):
    """Carries a target error through hypothesis, which would otherwise shrink it."""

    def __init__(self, error: CodegenError) -> None:
        super().__init__(str(error))
        self.error = error


def run_property(prop: Property[Any], probe: Probe, *, max_examples: int, seed: int) -> Outcome:
    """Check `prop` on its boundary cases, then on up to `max_examples` examples from `seed`."""
    started = time.monotonic()
    connection = probe.connection.name if prop.per_connection and probe.connection else None

    def outcome(status: Status, **details: Any) -> Outcome:
        seconds = round(time.monotonic() - started, 2)
        return Outcome(
            prop.name,
            prop.document.value,
            prop.statement,
            status,
            seconds,
            rule=prop.rule,
            connection=connection,
            **details,
        )

    reason = find_skip_reason(prop, probe)
    if reason is not None:
        return outcome(Status.SKIPPED, reason=reason)
    if prop.per_connection and probe.baseline.problem is not None:
        return outcome(Status.VIOLATED, counterexample=_baseline_counterexample(probe))
    failures: list[Counterexample] = []
    test = _build_test(prop, probe, failures, max_examples=max_examples, seed=seed)
    try:
        with reporting.with_reporter(lambda _: None):
            test()
    except _Abort as abort:
        raise abort.error from None
    except Unsatisfiable:
        return outcome(Status.SKIPPED, reason="no example could be drawn for this endpoint")
    except Flaky:
        if not failures:
            raise
        last = failures[-1]
        flaky = f"{last.message} (It did not fail again when replayed: the endpoint is flaky.)"
        return outcome(Status.VIOLATED, counterexample=replace(last, message=flaky))
    except Exception:
        if not failures:
            raise
        return outcome(Status.VIOLATED, counterexample=failures[-1])
    return outcome(Status.HELD)


def _build_test(
    prop: Property[Any],
    probe: Probe,
    failures: list[Counterexample],
    *,
    max_examples: int,
    seed: int,
) -> Callable[[], None]:
    """The hypothesis test of `prop`; each failing call appends its counterexample."""
    raw = prop.boundaries(probe) if prop.boundaries is not None else []
    boundaries = list(dict.fromkeys(_fit(probe, example) for example in raw))
    boundary_ids = {id(example) for example in boundaries}

    def check(example: Any) -> None:
        is_boundary = id(example) in boundary_ids
        example = _fit(probe, example)
        probe.recorder.clear()
        try:
            prop.check(probe, example)
        except CodegenError as error:
            raise _Abort(error) from error
        except Exception as error:
            exchanges = tuple(probe.recorder.exchanges)
            brief = tuple(summarize_exchange(probe, exchange) for exchange in exchanges)
            failures.append(
                Counterexample(
                    _describe(error),
                    describe_example(example),
                    exchanges,
                    brief,
                    boundary=is_boundary,
                )
            )
            raise

    test: Callable[..., None] = given(prop.examples(probe))(check)
    # Applied in reverse, so that the boundary cases run in the order they are listed.
    for example in reversed(boundaries):
        test = explicit_example(example)(test)
    configured: Callable[[], None] = settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=True,
        report_multiple_bugs=False,
        print_blob=False,
        phases=(Phase.explicit, Phase.generate, Phase.target, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )(hypothesis_seed(seed)(test))
    return configured


def _fit(probe: Probe, example: Any) -> Any:
    """Leave out the arguments the connection does not take (a forward-only one: `before`)."""
    connection = probe.connection
    if connection is None:
        return example
    taken = connection.argument_types
    if isinstance(example, Slice):
        return example.fit(taken)
    if isinstance(example, tuple) and example and isinstance(example[0], Slice):
        return (example[0].fit(taken), *example[1:])
    return example


def _describe(error: Exception) -> str:
    if isinstance(error, Violation):
        return str(error)
    return f"Unexpected {type(error).__name__} while reading the responses: {error}"


def _baseline_counterexample(probe: Probe) -> Counterexample:
    message = (
        f"A forward traversal with first: {probe.baseline.page_size}, which this property "
        f"compares against, failed: {probe.baseline.problem}"
    )
    exchanges = probe.baseline.exchanges
    brief = tuple(summarize_exchange(probe, exchange) for exchange in exchanges)
    return Counterexample(message, "the baseline traversal", exchanges, brief)
