"""Pagination properties that the spec leaves open but any client relies on."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from codegen.contract.pages import MAX_PAGE_SIZE, PAGE_DOCUMENT, PageRequest, fetch_page, read_page
from codegen.contract.probe import Probe
from codegen.contract.properties.pagination import describe_positions
from codegen.contract.property import Group, Needs, contract_property
from codegen.contract.slices import Slice, any_slices, backward_slices, forward_slices
from codegen.contract.traversal import traverse_forward
from codegen.contract.violation import Violation

__all__ = ["count_is_the_total", "cursors_stay_usable", "identical_requests_get_identical_answers"]

# `cursors_stay_usable` re-reads the cursor at a position by paging from the start,
# so it picks positions within the first few pages.
MAX_REREAD_POSITION = 5 * MAX_PAGE_SIZE


def _one_page(probe: Probe) -> st.SearchStrategy[Slice]:
    total = len(probe.baseline.edges)
    return forward_slices(total) | backward_slices(total)


@contract_property(Group.EXPECTATIONS, _one_page, Needs.BASELINE)
def count_is_the_total(probe: Probe, shape: Slice) -> None:
    """`count` is the total on every page, and a full traversal yields `count` nodes."""
    pages = math.ceil(len(probe.baseline.edges) / MAX_PAGE_SIZE) + 2
    traversal = traverse_forward(probe.recorder, MAX_PAGE_SIZE, pages)
    if traversal.problem is not None or traversal.truncated:
        raise Violation(f"A traversal with first: 50 did not finish: {traversal.problem}.")
    page = fetch_page(probe.recorder, shape.request(probe.baseline))
    total = len(traversal.edges)
    for number, counted in enumerate([*traversal.pages, page], start=1):
        if counted.count != total:
            where = (
                f"page {number} of the traversal"
                if number <= len(traversal.pages)
                else ("the last request")
            )
            raise Violation(
                f"count is {counted.count} on {where}, but a traversal with first: 50 "
                f"yields {total} nodes."
            )


def _any_page(probe: Probe) -> st.SearchStrategy[Slice]:
    return any_slices(len(probe.baseline.edges), st.integers(0, MAX_PAGE_SIZE + 10))


@contract_property(Group.EXPECTATIONS, _any_page, Needs.BASELINE)
def identical_requests_get_identical_answers(probe: Probe, shape: Slice) -> None:
    """Identical requests get identical answers, cursors included."""
    variables = shape.request(probe.baseline).variables()
    first = probe.recorder.post(PAGE_DOCUMENT, variables)
    second = probe.recorder.post(PAGE_DOCUMENT, variables)
    # Compared as a report shows them: an error's `extensions` may carry a request id.
    if first.relevant() != second.relevant():
        raise Violation("The same request, sent twice, got two different answers.")


@st.composite
def _positions(draw: st.DrawFn, probe: Probe) -> tuple[int, int]:
    total = min(len(probe.baseline.edges), MAX_REREAD_POSITION)
    return draw(st.integers(0, total - 1)), draw(st.integers(1, MAX_PAGE_SIZE))


@contract_property(Group.EXPECTATIONS, _positions, Needs.BASELINE, Needs.TEMPLATE)
def cursors_stay_usable(probe: Probe, example: tuple[int, int]) -> None:
    """A cursor from earlier in the run still works: the page after it is the page after a fresh
    cursor for the same node."""
    position, size = example
    old = probe.baseline.cursors[position]
    fresh = _reread_cursor(probe, position)
    after_old = probe.recorder.post(PAGE_DOCUMENT, PageRequest(first=size, after=old).variables())
    if after_old.errors or after_old.status >= 400:
        raise Violation(
            f"The cursor at position {position}, issued at the start of the run, is refused now."
        )
    got = read_page(after_old).ids
    expected = fetch_page(probe.recorder, PageRequest(first=size, after=fresh)).ids
    if got != expected:
        raise Violation(
            f"After the old cursor at position {position}: "
            f"{describe_positions(probe.baseline, got)}; after a fresh one: "
            f"{describe_positions(probe.baseline, expected)}."
        )


def _reread_cursor(probe: Probe, position: int) -> str:
    """The cursor at `position`, read again now by paging from the start."""
    start, after = 0, None
    while True:
        page = fetch_page(probe.recorder, PageRequest(first=MAX_PAGE_SIZE, after=after))
        if position < start + len(page.edges):
            return page.edges[position - start].cursor
        if not page.has_next or not page.edges:
            raise Violation(f"Paging from the start no longer reaches position {position}.")
        start, after = start + len(page.edges), page.end_cursor
