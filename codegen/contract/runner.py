"""Run one property with hypothesis and keep the shrunk counterexample's exchanges.

Hypothesis shrinks a failing example and then replays the minimal one last, so
the exchanges recorded during the last failing call are exactly the requests and
responses of the shrunk counterexample.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, Phase, given, reporting, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.errors import Flaky, Unsatisfiable

from codegen.contract.outcome import Counterexample, Outcome, Status
from codegen.contract.probe import Probe
from codegen.contract.property import Needs, Property, find_skip_reason
from codegen.contract.violation import Violation
from codegen.errors import CodegenError

__all__ = ["run_property"]


class _Abort(BaseException):
    """Carries a target error through hypothesis, which would otherwise shrink it."""

    def __init__(self, error: CodegenError) -> None:
        super().__init__(str(error))
        self.error = error


def run_property(prop: Property[Any], probe: Probe, *, max_examples: int, seed: int) -> Outcome:
    """Check `prop` on up to `max_examples` examples drawn with `seed`."""
    started = time.monotonic()

    def outcome(status: Status, **details: Any) -> Outcome:
        seconds = round(time.monotonic() - started, 2)
        return Outcome(prop.name, prop.group.value, prop.statement, status, seconds, **details)

    reason = find_skip_reason(prop, probe)
    if reason is not None:
        return outcome(Status.SKIPPED, reason=reason)
    if Needs.BASELINE in prop.needs and probe.baseline.problem is not None:
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

    def check(example: Any) -> None:
        probe.recorder.clear()
        try:
            prop.check(probe, example)
        except CodegenError as error:
            raise _Abort(error) from error
        except Exception as error:
            exchanges = tuple(probe.recorder.exchanges)
            failures.append(Counterexample(_describe(error), repr(example), exchanges))
            raise

    test: Callable[[], None] = settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=True,
        report_multiple_bugs=False,
        print_blob=False,
        phases=(Phase.explicit, Phase.generate, Phase.target, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )(hypothesis_seed(seed)(given(prop.examples(probe))(check)))
    return test


def _describe(error: Exception) -> str:
    if isinstance(error, Violation):
        return str(error)
    return f"Unexpected {type(error).__name__} while reading the responses: {error}"


def _baseline_counterexample(probe: Probe) -> Counterexample:
    message = (
        "A forward traversal with first: 50, which this property compares against, "
        f"failed: {probe.baseline.problem}"
    )
    return Counterexample(message, "the baseline traversal", probe.baseline.exchanges)
