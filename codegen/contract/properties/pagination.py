"""Pagination properties: the Relay cursor-connection spec, and Pluvo's page-size limit.

Each runs once per connection, boundary cases first (`boundaries.py`), then its
random examples. The page-size limit is Pluvo's house rule, not the spec's: the spec
allows `first: 51` to return 51 edges, so that limit is a property of its own.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from hypothesis import strategies as st

from codegen.contract.baseline import Baseline
from codegen.contract.boundaries import (
    any_boundaries,
    backward_boundaries,
    boundary_windows,
    combined_boundaries,
    forward_boundaries,
)
from codegen.contract.exchange_recorder import Exchange
from codegen.contract.pages import Page, PageRequest, fetch_page, post_page, read_page
from codegen.contract.probe import Probe
from codegen.contract.property import Document, Needs, contract_property
from codegen.contract.slices import (
    Slice,
    any_slices,
    backward_slices,
    forward_slices,
    size_range,
)
from codegen.contract.traversal import traverse_backward, traverse_forward
from codegen.contract.violation import Violation

__all__ = [
    "after_returns_the_following_nodes",
    "before_returns_the_preceding_nodes",
    "describe_positions",
    "first_and_last_together_follow_the_algorithm",
    "has_next_page_tells_the_truth",
    "has_previous_page_tells_the_truth",
    "negative_sizes_are_errors",
    "next_pages_are_not_empty",
    "page_cursors_match_the_edges",
    "pages_never_exceed_their_size",
    "pages_respect_the_page_size_limit",
    "traversals_yield_every_node_once",
]

# A traversal per example stays within this many pages: page sizes below
# total / MAX_TRAVERSAL_PAGES are not tried, so that one example stays quick.
MAX_TRAVERSAL_PAGES = 6

EDGES_TO_RETURN = (
    "EdgesToReturn: if first is set and edges has length greater than first, slice edges to "
    "be of length first by removing edges from the end; then, if last is set and edges has "
    "length greater than last, slice edges to be of length last by removing edges from the "
    "start."
)
APPLY_CURSORS = (
    "ApplyCursorsToEdges: if after is set, remove all elements of edges before and including "
    "afterEdge; if before is set, remove all elements of edges after and including beforeEdge."
)


def describe_positions(baseline: Baseline, ids: Sequence[str | None]) -> str:
    """Ids as their positions in the baseline, runs shortened: `[3..9, 11]`; `?<id>` for an id
    the baseline lacks."""
    where: dict[str | None, int] = {}
    for position, node_id in enumerate(baseline.ids):
        where.setdefault(node_id, position)
    parts: list[str] = []
    run: list[int] = []

    def close() -> None:
        if len(run) >= 3:
            parts.append(f"{run[0]}..{run[-1]}")
        else:
            parts.extend(str(position) for position in run)
        run.clear()

    for node_id in ids:
        found = where.get(node_id) if node_id is not None else None
        if found is None:
            close()
            parts.append(f"?{node_id}")
        elif run and found == run[-1] + 1:
            run.append(found)
        else:
            close()
            run.append(found)
    close()
    return "[" + ", ".join(parts) + "]"


def _total(probe: Probe) -> int:
    return len(probe.baseline.edges)


def _limit(probe: Probe) -> int:
    return probe.max_page_size


def _post(probe: Probe, shape: Slice) -> Exchange:
    return post_page(probe.recorder, probe.page, shape.request(probe.baseline))


def _fetch(probe: Probe, shape: Slice) -> Page:
    return fetch_page(probe.recorder, probe.page, shape.request(probe.baseline))


# Sizes --------------------------------------------------------------------------


@functools.cache
def _any_size(limit: int) -> st.SearchStrategy[int]:
    return size_range(0, limit) | size_range(limit + 1, 2 * limit)


@st.composite
def _any_sizes(draw: st.DrawFn, probe: Probe) -> Slice:
    # Sizes over the limit half of the time: the spec still caps a page at `first`.
    limit = _limit(probe)
    sizes = _any_size(limit)
    shape = draw(any_slices(_total(probe), limit, sizes))
    options = ("first", "last", "both") if probe.page.backward else ("first",)
    which = draw(st.sampled_from(options))
    first = draw(sizes) if which in ("first", "both") else None
    last = draw(sizes) if which in ("last", "both") else None
    return Slice(first=first, last=last, after=shape.after, before=shape.before)


def _size_boundaries(probe: Probe) -> list[Slice]:
    return _directions(probe, any_boundaries(_total(probe), _limit(probe)))


def _directions(probe: Probe, shapes: list[Slice]) -> list[Slice]:
    """Leave out `last` where the connection takes no `last`."""
    if probe.page.backward:
        return shapes
    return [shape for shape in shapes if shape.last is None]


@contract_property(
    Document.RELAY,
    EDGES_TO_RETURN,
    _any_sizes,
    Needs.CONNECTION,
    boundaries=_size_boundaries,
)
def pages_never_exceed_their_size(probe: Probe, shape: Slice) -> None:
    """A page never has more edges than `first` or `last`."""
    exchange = _post(probe, shape)
    if exchange.errors:
        return  # refusing `first` with `last`, or a size over a limit, is allowed
    page = read_page(exchange, probe.page)
    limits = [size for size in (shape.first, shape.last) if size is not None]
    if limits and len(page.edges) > min(limits):
        raise Violation(f"The page has {len(page.edges)} edges; at most {min(limits)} are allowed.")


@st.composite
def _over_the_limit(draw: st.DrawFn, probe: Probe) -> Slice:
    limit = _limit(probe)
    shape = draw(any_slices(_total(probe), limit, size_range(0, limit)))
    over = st.integers(limit + 1, 4 * limit)
    which = draw(st.sampled_from(("first", "last") if probe.page.backward else ("first",)))
    if which == "first":
        return Slice(first=draw(over), after=shape.after, before=shape.before)
    return Slice(last=draw(over), after=shape.after, before=shape.before)


def _limit_boundaries(probe: Probe) -> list[Slice]:
    limit = _limit(probe)
    shapes = [Slice(first=limit + 1), Slice(first=2 * limit)]
    if probe.page.backward:
        shapes += [Slice(last=limit + 1), Slice(last=2 * limit)]
    return shapes


@contract_property(
    Document.PLUVO,
    "`first` is at most 50 on Pluvo's paginated queries (the limit is --max-page-size).",
    _over_the_limit,
    Needs.CONNECTION,
    boundaries=_limit_boundaries,
)
def pages_respect_the_page_size_limit(probe: Probe, shape: Slice) -> None:
    """A size over the page-size limit is refused with an error or capped at the limit."""
    exchange = _post(probe, shape)
    if exchange.errors:
        return
    page = read_page(exchange, probe.page)
    if len(page.edges) > _limit(probe):
        raise Violation(
            f"The page has {len(page.edges)} edges; the limit is {_limit(probe)} "
            "(give --max-page-size if this endpoint's limit is another)."
        )


@st.composite
def _negative_sizes(draw: st.DrawFn, probe: Probe) -> Slice:
    negative = st.integers(-(2**31), -1)
    shape = draw(any_slices(_total(probe), _limit(probe), size_range(0, _limit(probe))))
    options = ("first", "last", "both") if probe.page.backward else ("first",)
    which = draw(st.sampled_from(options))
    first = draw(negative) if which in ("first", "both") else shape.first
    last = draw(negative) if which in ("last", "both") else shape.last
    if not probe.page.backward:
        last = None
    return Slice(first=first, last=last, after=shape.after, before=shape.before)


def _negative_boundaries(probe: Probe) -> list[Slice]:
    shapes = [Slice(first=-1), Slice(first=-1, after=0)]
    if probe.page.backward:
        shapes += [Slice(last=-1), Slice(first=1, last=-1), Slice(last=-1, before=0)]
    return [s for s in shapes if (s.after is None and s.before is None) or _total(probe)]


@contract_property(
    Document.RELAY,
    "EdgesToReturn: if first is less than 0, throw an error; if last is less than 0, throw an "
    "error.",
    _negative_sizes,
    Needs.CONNECTION,
    boundaries=_negative_boundaries,
)
def negative_sizes_are_errors(probe: Probe, shape: Slice) -> None:
    """A negative `first` or `last` is answered with a GraphQL error, not with a page."""
    exchange = _post(probe, shape)
    if not exchange.errors:
        raise Violation(f"A negative size got no error but HTTP {exchange.status} and data.")


# pageInfo -----------------------------------------------------------------------


def _forward(probe: Probe) -> st.SearchStrategy[Slice]:
    return forward_slices(_total(probe), _limit(probe))


def _backward(probe: Probe) -> st.SearchStrategy[Slice]:
    return backward_slices(_total(probe), _limit(probe))


def _forward_boundaries(probe: Probe) -> list[Slice]:
    return forward_boundaries(_total(probe), _limit(probe))


def _backward_boundaries(probe: Probe) -> list[Slice]:
    return backward_boundaries(_total(probe), _limit(probe))


@contract_property(
    Document.RELAY,
    "hasNextPage: if the client is paginating with first/after, then the server must return "
    "true if further edges exist, otherwise false.",
    _forward,
    Needs.CONNECTION,
    boundaries=_forward_boundaries,
)
def has_next_page_tells_the_truth(probe: Probe, shape: Slice) -> None:
    """With `first`, `hasNextPage` is true exactly when more edges follow within the cursors'
    window."""
    page = _fetch(probe, shape)
    width = len(shape.window(_total(probe)))
    assert shape.first is not None
    if page.has_next != (width > shape.first):
        raise Violation(
            f"hasNextPage is {str(page.has_next).lower()}, but the window between the cursors "
            f"holds {width} nodes and first is {shape.first}."
        )


@contract_property(
    Document.RELAY,
    "hasPreviousPage: if the client is paginating with last/before, then the server must "
    "return true if prior edges exist, otherwise false.",
    _backward,
    Needs.CONNECTION,
    Needs.BACKWARD,
    boundaries=_backward_boundaries,
)
def has_previous_page_tells_the_truth(probe: Probe, shape: Slice) -> None:
    """With `last`, `hasPreviousPage` is true exactly when more edges precede within the cursors'
    window."""
    page = _fetch(probe, shape)
    width = len(shape.window(_total(probe)))
    assert shape.last is not None
    if page.has_previous != (width > shape.last):
        raise Violation(
            f"hasPreviousPage is {str(page.has_previous).lower()}, but the window between the "
            f"cursors holds {width} nodes and last is {shape.last}."
        )


def _valid_sizes(probe: Probe) -> st.SearchStrategy[Slice]:
    shapes = any_slices(_total(probe), _limit(probe), size_range(1, _limit(probe)))
    if probe.page.backward:
        return shapes
    return shapes.map(lambda s: Slice(first=s.first, after=s.after, before=s.before))


def _valid_boundaries(probe: Probe) -> list[Slice]:
    return _directions(
        probe,
        [*_forward_boundaries(probe), *_backward_boundaries(probe)]
        if probe.page.backward
        else _forward_boundaries(probe),
    )


@contract_property(
    Document.RELAY,
    "startCursor and endCursor must be the cursors corresponding to the first and last nodes "
    "in edges, respectively.",
    _valid_sizes,
    Needs.CONNECTION,
    boundaries=_valid_boundaries,
)
def page_cursors_match_the_edges(probe: Probe, shape: Slice) -> None:
    """On a non-empty page, `startCursor` and `endCursor` equal the first and the last edge's
    cursor."""
    exchange = _post(probe, shape)
    if exchange.errors and shape.first is not None and shape.last is not None:
        return  # refusing `first` together with `last` is allowed
    page = read_page(exchange, probe.page)
    if not page.edges:
        return
    if "startCursor" in probe.page.page_info and page.start_cursor != page.edges[0].cursor:
        raise Violation(
            f"startCursor {page.start_cursor!r} is not the first edge's {page.edges[0].cursor!r}."
        )
    if "endCursor" in probe.page.page_info and page.end_cursor != page.edges[-1].cursor:
        raise Violation(
            f"endCursor {page.end_cursor!r} is not the last edge's {page.edges[-1].cursor!r}."
        )


# Which nodes ----------------------------------------------------------------------


def _compare_nodes(probe: Probe, shape: Slice, got: list[str | None]) -> None:
    expected = shape.expected_ids(probe.baseline)
    if got == expected:
        return
    baseline = probe.baseline
    reversed_note = " (the right nodes, in reverse order)" if got == expected[::-1] else ""
    raise Violation(
        f"Expected the nodes at positions {describe_positions(baseline, expected)} of a "
        f"traversal with first: {baseline.page_size}, got "
        f"{describe_positions(baseline, got)}{reversed_note}."
    )


def _after(probe: Probe) -> st.SearchStrategy[Slice]:
    return forward_slices(_total(probe), _limit(probe), after_required=True)


def _after_boundaries(probe: Probe) -> list[Slice]:
    return forward_boundaries(_total(probe), _limit(probe), after_required=True)


@contract_property(
    Document.RELAY,
    f"{APPLY_CURSORS} {EDGES_TO_RETURN}",
    _after,
    Needs.CONNECTION,
    Needs.NODES,
    boundaries=_after_boundaries,
)
def after_returns_the_following_nodes(probe: Probe, shape: Slice) -> None:
    """`first: n, after: c` returns exactly the n nodes that follow c, in order."""
    _compare_nodes(probe, shape, _fetch(probe, shape).ids)


def _before(probe: Probe) -> st.SearchStrategy[Slice]:
    return backward_slices(_total(probe), _limit(probe), before_required=True)


def _before_boundaries(probe: Probe) -> list[Slice]:
    return backward_boundaries(_total(probe), _limit(probe), before_required=True)


@contract_property(
    Document.RELAY,
    f"{APPLY_CURSORS} {EDGES_TO_RETURN} The ordering of edges should be the same when using "
    "first/after as when using last/before; it should not be reversed when using last/before.",
    _before,
    Needs.CONNECTION,
    Needs.BACKWARD,
    Needs.NODES,
    boundaries=_before_boundaries,
)
def before_returns_the_preceding_nodes(probe: Probe, shape: Slice) -> None:
    """`last: n, before: c` returns exactly the n nodes that precede c, in order, never reversed."""
    _compare_nodes(probe, shape, _fetch(probe, shape).ids)


@st.composite
def _combined(draw: st.DrawFn, probe: Probe) -> Slice:
    shape = draw(any_slices(_total(probe), _limit(probe), size_range(0, _limit(probe))))
    sizes = st.integers(0, _limit(probe))
    return Slice(first=draw(sizes), last=draw(sizes), after=shape.after, before=shape.before)


def _combined_boundaries(probe: Probe) -> list[Slice]:
    return combined_boundaries(_total(probe), _limit(probe))


@contract_property(
    Document.RELAY,
    f"{EDGES_TO_RETURN} (Including a value for both first and last is strongly discouraged, "
    "so an error is allowed.)",
    _combined,
    Needs.CONNECTION,
    Needs.BACKWARD,
    Needs.NODES,
    boundaries=_combined_boundaries,
)
def first_and_last_together_follow_the_algorithm(probe: Probe, shape: Slice) -> None:
    """With both `first` and `last`, a page holds the last `last` of the first `first` nodes of
    the window, or the request is refused with an error."""
    exchange = _post(probe, shape)
    if exchange.errors:
        return
    _compare_nodes(probe, shape, read_page(exchange, probe.page).ids)


# Traversals -------------------------------------------------------------------------


def _smallest_size(probe: Probe) -> int:
    return min(_limit(probe), max(1, math.ceil(_total(probe) / MAX_TRAVERSAL_PAGES)))


def _page_sizes(probe: Probe) -> st.SearchStrategy[int]:
    """Page sizes from the limit down to the smallest that keeps a traversal short."""
    limit = _limit(probe)
    return st.integers(0, limit - _smallest_size(probe)).map(lambda less: limit - less)


def _size_edges(probe: Probe) -> list[int]:
    """The smallest and largest sizes, and sizes at the total, where the last page is full."""
    total, low, high = _total(probe), _smallest_size(probe), _limit(probe)
    wanted = {low, high, total - 1, total, total + 1, (total + 1) // 2}
    return sorted(size for size in wanted if low <= size <= high)


@contract_property(
    Document.RELAY,
    "The ordering must be consistent from page to page, and the ordering of edges should be "
    "the same when using first/after as when using last/before.",
    _page_sizes,
    Needs.CONNECTION,
    boundaries=_size_edges,
    heavy=True,
)
def traversals_yield_every_node_once(probe: Probe, size: int) -> None:
    """For every page size k, a forward traversal yields every node exactly once in one
    consistent order, and a backward traversal yields the same sequence."""
    baseline = probe.baseline
    max_pages = math.ceil(len(baseline.edges) / size) + 2
    forward = traverse_forward(probe.recorder, probe.page, size, max_pages)
    _check_traversal(forward.ids, forward.problem, forward.truncated, f"first: {size}")
    if forward.ids != baseline.ids:
        raise Violation(
            f"Paging with first: {size} yields {describe_positions(baseline, forward.ids)}; "
            f"with first: {baseline.page_size}, {len(baseline.edges)} nodes in another order "
            "or set."
        )
    if not probe.page.backward:
        return
    backward = traverse_backward(probe.recorder, probe.page, size, max_pages)
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
    return draw(_forward(probe)), draw(st.integers(1, _limit(probe)))


def _follow_up_boundaries(probe: Probe) -> list[tuple[Slice, int]]:
    windows = boundary_windows(_total(probe), _limit(probe))
    return [(Slice(first=1, after=after, before=before), 1) for after, before in windows]


@contract_property(
    Document.RELAY,
    "hasNextPage: if the client is paginating with first/after, then the server must return "
    "true if further edges exist, otherwise false.",
    _follow_ups,
    Needs.CONNECTION,
    boundaries=_follow_up_boundaries,
)
def next_pages_are_not_empty(probe: Probe, example: tuple[Slice, int]) -> None:
    """A page that follows `hasNextPage: true` is not empty."""
    shape, size = example
    request = shape.request(probe.baseline)
    page = fetch_page(probe.recorder, probe.page, request)
    if not page.has_next or not page.edges:
        return  # an empty page (first: 0) has no endCursor to follow
    if page.end_cursor is None:
        raise Violation("The page says hasNextPage: true but has no endCursor to follow.")
    following = PageRequest(first=size, after=page.end_cursor, before=request.before)
    if not fetch_page(probe.recorder, probe.page, following).edges:
        raise Violation("The page after a page with hasNextPage: true is empty.")
