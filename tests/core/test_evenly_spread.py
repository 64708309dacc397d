from __future__ import annotations

import pytest
from react_core import evenly_spread


def test_takes_every_kth_row_from_the_first() -> None:
    assert evenly_spread(range(10), 5) == [0, 2, 4, 6, 8]
    assert evenly_spread(range(100), 4) == [0, 25, 50, 75]
    assert evenly_spread(range(10), 3) == [0, 3, 6]  # step 3.33: rows 0, 3.33, 6.67


def test_no_limit_or_a_large_one_gives_every_row_as_a_new_list() -> None:
    rows = [1, 2, 3]
    assert evenly_spread(rows, None) == rows and evenly_spread(rows, 10) == rows
    assert evenly_spread(rows, None) is not rows


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1, got 0"):
        evenly_spread([1, 2], 0)
