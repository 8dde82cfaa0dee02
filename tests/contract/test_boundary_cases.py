"""The fixed boundary cases cover every boundary the issue names, for any connection size."""

from __future__ import annotations

import pytest

from codegen.contract.boundaries import (
    backward_boundaries,
    boundary_windows,
    combined_boundaries,
    forward_boundaries,
)
from codegen.contract.slices import Slice

LIMIT = 50


@pytest.mark.parametrize("total", [120, 30, 3, 2])
def test_the_windows_put_cursors_at_both_ends_and_side_by_side(total: int) -> None:
    windows = boundary_windows(total, LIMIT)
    last = total - 1
    assert (None, None) in windows
    assert {(0, None), (last, None), (None, 0), (None, last)} <= set(windows)
    assert (0, 1) in windows  # adjacent cursors: an empty window
    narrow = [w for w in windows if w[0] is None and w[1] is not None and 0 < w[1] < last]
    assert narrow or total <= 2  # `before` with nodes after it


@pytest.mark.parametrize("total", [120, 30, 3])
def test_first_and_last_take_every_size_at_the_edge_of_each_window(total: int) -> None:
    forward, backward = forward_boundaries(total, LIMIT), backward_boundaries(total, LIMIT)
    for after, before in boundary_windows(total, LIMIT):
        width = len(Slice(after=after, before=before).window(total))
        wanted = {s for s in (0, 1, width - 1, width, width + 1) if 0 <= s <= LIMIT}
        firsts = {s.first for s in forward if (s.after, s.before) == (after, before)}
        lasts = {s.last for s in backward if (s.after, s.before) == (after, before)}
        assert wanted <= firsts and wanted <= lasts, (after, before)
    assert any(s.before is not None for s in forward)  # `before` with `first`
    assert any(s.after is not None for s in backward)  # `after` with `last`


def test_last_larger_than_the_window_and_first_with_last_are_covered() -> None:
    combined = combined_boundaries(30, LIMIT)
    total = 30
    assert any(s.last is not None and s.last > len(s.window(total)) for s in combined)
    # `last` above the page `first` leaves: where rows[len(rows) - last:] wraps around.
    assert any(
        s.first is not None and s.last is not None and 2 <= s.first < s.last for s in combined
    )


def test_an_empty_connection_still_has_its_boundaries() -> None:
    assert boundary_windows(0, LIMIT) == [(None, None)]
    assert {s.first for s in forward_boundaries(0, LIMIT)} == {0, 1, LIMIT}


@pytest.mark.parametrize("total", [1, 2, 3, 4, 51, 52, 120])
@pytest.mark.parametrize("limit", [1, 2, 10, 50])
def test_every_boundary_names_a_cursor_that_exists_and_a_size_within_the_limit(
    total: int, limit: int
) -> None:
    shapes = [
        *forward_boundaries(total, limit),
        *backward_boundaries(total, limit),
        *combined_boundaries(total, limit),
    ]
    for shape in shapes:
        for position in (shape.after, shape.before):
            assert position is None or 0 <= position < total, shape
        for size in (shape.first, shape.last):
            assert size is None or 0 <= size <= limit, shape
