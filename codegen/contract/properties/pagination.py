"""Pagination properties that come from the Relay cursor-connection spec."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from codegen.contract.baseline import Baseline
from codegen.contract.pages import MAX_PAGE_SIZE, PAGE_DOCUMENT, PageRequest, fetch_page, read_page
from codegen.contract.probe import Probe
from codegen.contract.property import Group, Needs, contract_property
from codegen.contract.slices import Slice, any_slices, backward_slices, forward_slices
from codegen.contract.traversal import traverse_backward, traverse_forward
from codegen.contract.violation import Violation

__all__ = [
    "after_returns_the_following_nodes",
    "before_returns_the_preceding_nodes",
    "describe_positions",
    "has_next_page_tells_the_truth",
    "has_previous_page_tells_the_truth",
    "negative_sizes_are_errors",
    "next_pages_are_not_empty",
    "page_cursors_match_the_edges",
    "pages_never_exceed_their_size",
    "traversals_yield_every_node_once",
]

# A traversal per example stays within this many pages: page sizes below
# total / MAX_TRAVERSAL_PAGES are not tried, so that one example stays quick.
MAX_TRAVERSAL_PAGES = 30


def describe_positions(baseline: Baseline, ids: list[str | None]) -> str:
    """Ids as their positions in the baseline: `[3, 4, 5]`, `?<id>` for an id it lacks."""
    where: dict[str | None, int] = {}
    for position, node_id in enumerate(baseline.ids):
        where.setdefault(node_id, position)
    shown = [str(where[i]) if i in where and i is not None else f"?{i}" for i in ids]
    return "[" + ", ".join(shown) + "]"


def _total(probe: Probe) -> int:
    return len(probe.baseline.edges)


@st.composite
def _any_sizes(draw: st.DrawFn, probe: Probe) -> Slice:
    # Sizes over 50 half of the time: a server must refuse them or cap the page.
    sizes = st.integers(0, MAX_PAGE_SIZE) | st.integers(MAX_PAGE_SIZE + 1, 2 * MAX_PAGE_SIZE)
    shape = draw(any_slices(_total(probe), sizes))
    which = draw(st.sampled_from(("first", "last", "both")))
    first = draw(sizes) if which in ("first", "both") else None
    last = draw(sizes) if which in ("last", "both") else None
    return Slice(first=first, last=last, after=shape.after, before=shape.before)


@contract_property(Group.PAGINATION, _any_sizes, Needs.BASELINE)
def pages_never_exceed_their_size(probe: Probe, shape: Slice) -> None:
    """A page never has more edges than `first` or `last`, nor more than 50 when they ask for
    more."""
    exchange = probe.recorder.post(PAGE_DOCUMENT, shape.request(probe.baseline).variables())
    if exchange.errors:
        return  # refusing `first` with `last`, or a size over 50, is allowed
    page = read_page(exchange)
    limits = [min(size, MAX_PAGE_SIZE) for size in (shape.first, shape.last) if size is not None]
    if limits and len(page.edges) > min(limits):
        raise Violation(f"The page has {len(page.edges)} edges; at most {min(limits)} are allowed.")


@st.composite
def _negative_sizes(draw: st.DrawFn, probe: Probe) -> Slice:
    negative = st.integers(-(2**31), -1)
    shape = draw(any_slices(_total(probe), st.integers(0, MAX_PAGE_SIZE)))
    which = draw(st.sampled_from(("first", "last", "both")))
    first = draw(negative) if which in ("first", "both") else shape.first
    last = draw(negative) if which in ("last", "both") else shape.last
    return Slice(first=first, last=last, after=shape.after, before=shape.before)


@contract_property(Group.PAGINATION, _negative_sizes, Needs.BASELINE)
def negative_sizes_are_errors(probe: Probe, shape: Slice) -> None:
    """A negative `first` or `last` is answered with a GraphQL error, not with a page."""
    exchange = probe.recorder.post(PAGE_DOCUMENT, shape.request(probe.baseline).variables())
    if not exchange.errors:
        raise Violation(f"A negative size got no error but HTTP {exchange.status} and data.")


def _forward(probe: Probe) -> st.SearchStrategy[Slice]:
    return forward_slices(_total(probe))


def _backward(probe: Probe) -> st.SearchStrategy[Slice]:
    return backward_slices(_total(probe))


@contract_property(Group.PAGINATION, _forward, Needs.BASELINE)
def has_next_page_tells_the_truth(probe: Probe, shape: Slice) -> None:
    """With `first`, `hasNextPage` is true exactly when more edges follow within the cursors'
    window."""
    page = fetch_page(probe.recorder, shape.request(probe.baseline))
    width = len(shape.window(_total(probe)))
    assert shape.first is not None
    if page.has_next != (width > shape.first):
        raise Violation(
            f"hasNextPage is {str(page.has_next).lower()}, but the window between the cursors "
            f"holds {width} nodes and first is {shape.first}."
        )


@contract_property(Group.PAGINATION, _backward, Needs.BASELINE)
def has_previous_page_tells_the_truth(probe: Probe, shape: Slice) -> None:
    """With `last`, `hasPreviousPage` is true exactly when more edges precede within the cursors'
    window."""
    page = fetch_page(probe.recorder, shape.request(probe.baseline))
    width = len(shape.window(_total(probe)))
    assert shape.last is not None
    if page.has_previous != (width > shape.last):
        raise Violation(
            f"hasPreviousPage is {str(page.has_previous).lower()}, but the window between the "
            f"cursors holds {width} nodes and last is {shape.last}."
        )


def _valid_sizes(probe: Probe) -> st.SearchStrategy[Slice]:
    return any_slices(_total(probe), st.integers(1, MAX_PAGE_SIZE))


@contract_property(Group.PAGINATION, _valid_sizes, Needs.BASELINE)
def page_cursors_match_the_edges(probe: Probe, shape: Slice) -> None:
    """On a non-empty page, `startCursor` and `endCursor` equal the first and the last edge's
    cursor."""
    exchange = probe.recorder.post(PAGE_DOCUMENT, shape.request(probe.baseline).variables())
    if exchange.errors and shape.first is not None and shape.last is not None:
        return  # refusing `first` together with `last` is allowed
    page = read_page(exchange)
    if not page.edges:
        return
    if page.start_cursor != page.edges[0].cursor:
        raise Violation(
            f"startCursor {page.start_cursor!r} is not the first edge's {page.edges[0].cursor!r}."
        )
    if page.end_cursor != page.edges[-1].cursor:
        raise Violation(
            f"endCursor {page.end_cursor!r} is not the last edge's {page.edges[-1].cursor!r}."
        )


def _compare_nodes(probe: Probe, shape: Slice, got: list[str | None]) -> None:
    expected = shape.expected_ids(probe.baseline)
    if got == expected:
        return
    baseline = probe.baseline
    reversed_note = " (the right nodes, in reverse order)" if got == expected[::-1] else ""
    raise Violation(
        f"Expected the nodes at positions {describe_positions(baseline, expected)} of a "
        f"traversal with first: 50, got {describe_positions(baseline, got)}{reversed_note}."
    )


def _after(probe: Probe) -> st.SearchStrategy[Slice]:
    return forward_slices(_total(probe), after_required=True)


@contract_property(Group.PAGINATION, _after, Needs.BASELINE, Needs.TEMPLATE)
def after_returns_the_following_nodes(probe: Probe, shape: Slice) -> None:
    """`first: n, after: c` returns exactly the n nodes that follow c, in order."""
    _compare_nodes(probe, shape, fetch_page(probe.recorder, shape.request(probe.baseline)).ids)


def _before(probe: Probe) -> st.SearchStrategy[Slice]:
    return backward_slices(_total(probe), before_required=True)


@contract_property(Group.PAGINATION, _before, Needs.BASELINE, Needs.TEMPLATE)
def before_returns_the_preceding_nodes(probe: Probe, shape: Slice) -> None:
    """`last: n, before: c` returns exactly the n nodes that precede c, in order, never reversed."""
    _compare_nodes(probe, shape, fetch_page(probe.recorder, shape.request(probe.baseline)).ids)


def _page_sizes(probe: Probe) -> st.SearchStrategy[int]:
    """Page sizes from 50 down to the smallest that keeps a traversal short; shrinks to 50."""
    smallest = min(MAX_PAGE_SIZE, max(1, math.ceil(_total(probe) / MAX_TRAVERSAL_PAGES)))
    return st.integers(0, MAX_PAGE_SIZE - smallest).map(lambda less: MAX_PAGE_SIZE - less)


@contract_property(Group.PAGINATION, _page_sizes, Needs.BASELINE)
def traversals_yield_every_node_once(probe: Probe, size: int) -> None:
    """For every page size k, a forward traversal yields every node exactly once in one
    consistent order, and a backward traversal yields the same sequence."""
    baseline = probe.baseline
    max_pages = math.ceil(len(baseline.edges) / size) + 2
    forward = traverse_forward(probe.recorder, size, max_pages)
    _check_traversal(forward.ids, forward.problem, forward.truncated, f"first: {size}")
    if forward.ids != baseline.ids:
        raise Violation(
            f"Paging with first: {size} yields {describe_positions(baseline, forward.ids)}; "
            f"with first: 50, {len(baseline.edges)} nodes in another order or set."
        )
    backward = traverse_backward(probe.recorder, size, max_pages)
    _check_traversal(backward.ids, backward.problem, backward.truncated, f"last: {size}")
    if backward.ids != forward.ids:
        raise Violation(
            f"Paging backward with last: {size} yields "
            f"{describe_positions(baseline, backward.ids)}, not the forward sequence."
        )


def _check_traversal(ids: list[str | None], problem: str | None, truncated: bool, how: str) -> None:
    if problem is not None:
        raise Violation(f"Paging with {how}: {problem}.")
    if truncated:
        raise Violation(f"Paging with {how} takes more pages than the nodes can fill.")
    seen: dict[str, int] = {}
    for position, node_id in enumerate(ids):
        if node_id is None:
            continue
        if node_id in seen:
            raise Violation(
                f"Paging with {how} yields node {node_id} twice, at positions "
                f"{seen[node_id]} and {position}."
            )
        seen[node_id] = position


@st.composite
def _follow_ups(draw: st.DrawFn, probe: Probe) -> tuple[Slice, int]:
    return draw(forward_slices(_total(probe))), draw(st.integers(1, MAX_PAGE_SIZE))


@contract_property(Group.PAGINATION, _follow_ups, Needs.BASELINE)
def next_pages_are_not_empty(probe: Probe, example: tuple[Slice, int]) -> None:
    """A page that follows `hasNextPage: true` is not empty."""
    shape, size = example
    request = shape.request(probe.baseline)
    page = fetch_page(probe.recorder, request)
    if not page.has_next:
        return
    if page.end_cursor is None:
        raise Violation("The page says hasNextPage: true but has no endCursor to follow.")
    following = PageRequest(first=size, after=page.end_cursor, before=request.before)
    if not fetch_page(probe.recorder, following).edges:
        raise Violation("The page after a page with hasNextPage: true is empty.")
